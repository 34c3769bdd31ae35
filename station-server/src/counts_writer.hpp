#pragma once

#include "station_store.hpp"

#include <Poco/Logger.h>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace wellness::station {

// Told a batch's outcome once its commit is durable, or that the commit failed (nothing of it
// was applied). Called on the writer's thread, which every commit waits for: must not block.
class BatchListener {
  public:
    virtual ~BatchListener() = default;
    virtual void committed(BatchOutcome outcome) = 0;
    virtual void failed() = 0;
};

// Group commit for counts batches. Request threads queue decoded batches; one writer thread
// takes every batch waiting, applies them in one transaction and one synced commit, and only
// then tells each batch's listener. While it syncs, the next group gathers, so many kiosks
// share one fsync instead of each paying its own; an acknowledged batch is still on disk.
// A second thread checkpoints the write-ahead log, so no acknowledgement waits for that; the
// writer then copies the few frames committed meanwhile itself, so the log starts over.
class CountsWriter {
  public:
    // `max_queued` bounds the batches waiting for a commit; `max_group` the batches per commit.
    // `policy` decides when weeks are sealed (the writer seals them before a group's commit).
    CountsWriter(StationStore& store, Poco::Logger& logger, std::size_t max_queued,
                 std::size_t max_group = 512, SealPolicy policy = {});
    ~CountsWriter();
    CountsWriter(const CountsWriter&) = delete;
    CountsWriter& operator=(const CountsWriter&) = delete;

    // Queues a batch for the next group commit; `listener` hears its outcome. False when the
    // queue is full or stopped (the listener then hears nothing).
    bool submit(std::shared_ptr<const PendingBatch> batch, std::shared_ptr<BatchListener> listener);

    // Commits what is already queued, then ends both threads. Later submits get nothing.
    void stop();

  private:
    struct Job {
        std::shared_ptr<const PendingBatch> batch;
        std::shared_ptr<BatchListener> listener;
    };
    void write_groups();
    void checkpoint_when_asked();

    StationStore& store_;
    std::unique_ptr<BatchGroupWriter> writer_;
    Poco::Logger& logger_;
    std::size_t max_queued_;
    std::size_t max_group_;
    std::mutex mutex_;
    std::condition_variable wake_writer_;
    std::condition_variable wake_checkpointer_;
    std::deque<Job> queue_;
    bool checkpoint_wanted_ = false;
    bool checkpoint_running_ = false;
    bool checkpoint_to_finish_ = false;
    bool stopping_ = false;
    std::thread writer_thread_;
    std::thread checkpoint_thread_;
};

} // namespace wellness::station
