#include "counts_writer.hpp"

#include <exception>
#include <optional>
#include <vector>

namespace wellness::station {

namespace {

// About 3 MB of log: a checkpoint copies each changed page once however often it changed, and
// the counters are few pages rewritten by every commit, so checkpointing often costs little;
// a log of 16 MB (4000 frames, tried before) filled a small disk by itself.
constexpr int checkpoint_after_frames = 750;

} // namespace

CountsWriter::CountsWriter(StationStore& store, Poco::Logger& logger, std::size_t max_queued,
                           std::size_t max_group, SealPolicy policy)
    : store_(store), writer_(store.open_group_writer(policy)), logger_(logger),
      max_queued_(max_queued), max_group_(max_group) {
    writer_thread_ = std::thread([this] { write_groups(); });
    checkpoint_thread_ = std::thread([this] { checkpoint_when_asked(); });
}

CountsWriter::~CountsWriter() {
    stop();
}

bool CountsWriter::submit(std::shared_ptr<const PendingBatch> batch,
                          std::shared_ptr<BatchListener> listener) {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_)
        return false;
    queue_.push_back(Job{std::move(batch), std::move(listener)});
    wake_writer_.notify_one();
    return true;
}

void CountsWriter::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_writer_.notify_one();
    if (writer_thread_.joinable())
        writer_thread_.join();
    wake_checkpointer_.notify_one();
    if (checkpoint_thread_.joinable())
        checkpoint_thread_.join();
}

void CountsWriter::write_groups() {
    std::vector<Job> group;
    std::vector<const PendingBatch*> batches;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_writer_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty())
                return; // stopping, and everything queued has been committed
            while (!queue_.empty() && group.size() < max_group_) {
                group.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        batches.clear();
        for (const auto& job : group)
            batches.push_back(job.batch.get());
        std::optional<std::vector<BatchOutcome>> outcomes;
        try {
            outcomes = writer_->apply_group(batches);
        } catch (const std::exception& error) {
            // Nothing of the group was committed: each request answers an error and its kiosk
            // sends the batch again later. The message is SQLite's, never a batch's content.
            logger_.error(std::string("a counts commit failed: ") + error.what());
        }
        for (std::size_t i = 0; i < group.size(); ++i) {
            try {
                if (outcomes)
                    group[i].listener->committed((*outcomes)[i]);
                else
                    group[i].listener->failed();
            } catch (const std::exception&) {
                // out of memory while answering one kiosk: the others are still answered, and
                // that kiosk's connection answers at its deadline
            }
        }
        group.clear();
        bool finish_checkpoint = false;
        {
            std::lock_guard lock(mutex_);
            if (checkpoint_to_finish_) {
                checkpoint_to_finish_ = false;
                finish_checkpoint = true;
            } else if (!checkpoint_running_ && writer_->wal_frames() >= checkpoint_after_frames) {
                checkpoint_wanted_ = true;
                wake_checkpointer_.notify_one();
            }
        }
        if (finish_checkpoint) {
            try {
                writer_->finish_checkpoint();
            } catch (const std::exception& error) {
                logger_.warning(std::string("a checkpoint failed: ") + error.what());
            }
        }
    }
}

void CountsWriter::checkpoint_when_asked() {
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_checkpointer_.wait(lock, [this] { return stopping_ || checkpoint_wanted_; });
            if (stopping_)
                return;
            checkpoint_wanted_ = false;
            checkpoint_running_ = true;
        }
        bool done = false;
        try {
            store_.checkpoint();
            done = true;
        } catch (const std::exception& error) {
            logger_.warning(std::string("a checkpoint failed: ") + error.what());
        }
        std::lock_guard lock(mutex_);
        checkpoint_running_ = false;
        checkpoint_to_finish_ = done;
    }
}

} // namespace wellness::station
