#include "kiosk_sync.hpp"

#include "sync_engine.hpp"

#include <Poco/Logger.h>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <iterator>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace wellness::kiosk {

namespace {

// Bound on uses waiting in memory for the worker's next timer write.
constexpr std::size_t max_pending_uses = 100000;
// The worker looks at the wall clock at least this often, so a clock set forward (or a week
// ending) is noticed without waiting a whole contact interval.
constexpr std::chrono::seconds max_idle_wait{30};

TechnicalLog make_log(const SyncSettings& settings) {
    if (settings.technical_log)
        return settings.technical_log;
    return [](Poco::Message::Priority priority, const std::string& message) {
        Poco::Logger& logger = Poco::Logger::get("wellness.kiosk.sync");
        if (logger.is(priority))
            logger.log(Poco::Message(logger.name(), message, priority));
    };
}

WallClock clock_or_system(const WallClock& clock) {
    if (clock)
        return clock;
    return [] { return std::time(nullptr); };
}

} // namespace

struct KioskSync::Impl {
    explicit Impl(SyncSettings settings_in)
        : settings((settings_in.wall_clock = clock_or_system(settings_in.wall_clock),
                    std::move(settings_in))),
          log(make_log(settings)),
          engine(settings,
                 RandomSource(settings.random_seed
                                  ? *settings.random_seed
                                  : (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^
                                        std::random_device{}()),
                 log, &stopping_flag) {
        shared_status.station_configured = !settings.station_url.empty();
    }

    std::time_t interval() const {
        return std::max<std::time_t>(1, static_cast<std::time_t>(settings.store_interval.count()));
    }
    // The next timer write after `now`: a wall-clock multiple of the period, so its moments
    // depend on nothing but the clock.
    std::time_t write_after(std::time_t now) const { return (now / interval() + 1) * interval(); }

    // Moves queued uses to the store; engine_mutex held by the caller. On failure they are
    // queued again, in front, and false is returned.
    bool store_uses_locked() {
        std::vector<Use> uses;
        {
            std::lock_guard lock(shared_mutex);
            uses.swap(pending_uses);
        }
        try {
            engine.record_uses(uses);
            std::lock_guard lock(shared_mutex);
            store_failing = false;
            return true;
        } catch (const std::exception& error) {
            // The kiosk keeps running on whatever it has; the next step tries again.
            log(Poco::Message::PRIO_ERROR, std::string("local store error: ") + error.what());
        }
        // add_uses is one transaction, so none of these reached the disk: back in front of the
        // queue, oldest first, for the next step. As in record(), the newest go past the cap.
        std::lock_guard lock(shared_mutex);
        store_failing = true;
        uses.insert(uses.end(), std::make_move_iterator(pending_uses.begin()),
                    std::make_move_iterator(pending_uses.end()));
        if (uses.size() > max_pending_uses)
            uses.erase(uses.begin() + static_cast<std::ptrdiff_t>(max_pending_uses), uses.end());
        pending_uses.swap(uses);
        return false;
    }

    // Stores queued uses and prepares due releases; engine_mutex held by the caller.
    void persist_locked() {
        try {
            engine.prepare_weeks(settings.wall_clock());
        } catch (const std::exception& error) {
            // The queued uses stay queued for the next write.
            log(Poco::Message::PRIO_ERROR, std::string("local store error: ") + error.what());
            return;
        }
        if (!store_uses_locked())
            return;
        try {
            engine.maintain(settings.wall_clock());
        } catch (const std::exception& error) {
            log(Poco::Message::PRIO_ERROR, std::string("local store error: ") + error.what());
        }
    }

    void contact_locked() {
        try {
            engine.contact(settings.wall_clock());
        } catch (const std::exception& error) {
            log(Poco::Message::PRIO_WARNING, std::string("sync failed: ") + error.what());
        }
    }

    void publish_locked() {
        auto status = engine.status();
        auto update = engine.take_content_update();
        std::lock_guard lock(shared_mutex);
        shared_status = status;
        shared_status.station_configured = !settings.station_url.empty();
        if (update)
            content_update = std::move(update);
    }

    void run_worker() {
        {
            std::lock_guard engine_lock(engine_mutex);
            persist_locked();
            next_write = write_after(settings.wall_clock());
            // The first contact comes soon after start; from then on the fixed schedule.
            contact_locked();
            next_contact_copy = engine.next_contact();
            publish_locked();
        }
        while (true) {
            bool contact_requested = false;
            {
                std::unique_lock lock(shared_mutex);
                const std::time_t now = settings.wall_clock();
                const std::time_t next = std::min(next_contact_copy, next_write);
                const auto until_next = std::chrono::seconds(std::max<std::time_t>(0, next - now));
                // A recorded use does not wake the worker: uses wait for the timer, so the
                // moments the disk is written say nothing about when anyone used the kiosk.
                wake.wait_for(lock, std::min(until_next, std::chrono::seconds(max_idle_wait)),
                              [&] { return stopping || contact_now; });
                contact_requested = std::exchange(contact_now, false);
            }
            std::lock_guard engine_lock(engine_mutex);
            if (stopping_flag.load()) {
                persist_locked(); // a clean stop writes every use recorded before it
                publish_locked();
                return;
            }
            step_locked(contact_requested);
        }
    }

    // One wake-up: the timer write when its moment has come, then a contact if due.
    void step_locked(bool contact_requested) {
        const std::time_t now = settings.wall_clock();
        if (next_write == 0)
            next_write = write_after(now);
        if (now >= next_write) {
            persist_locked();
            next_write = write_after(now);
        }
        if (contact_requested || engine.contact_due(now))
            contact_locked();
        next_contact_copy = engine.next_contact();
        publish_locked();
    }

    SyncSettings settings;
    TechnicalLog log;
    std::atomic<bool> stopping_flag{false};
    std::mutex engine_mutex; // the worker, initial_content and the blocking test members
    SyncEngine engine;

    std::mutex shared_mutex; // what the frame loop touches: a few microseconds at most
    std::condition_variable wake;
    std::vector<Use> pending_uses;
    SyncStatus shared_status;
    std::optional<ActiveContent> content_update;
    bool stopping = false;
    bool contact_now = false;
    bool store_failing = false; // the last attempt to store queued uses failed
    std::time_t next_contact_copy = 0;
    std::time_t next_write = 0;        // the worker's next timer write
    std::optional<IsoWeek> visit_week; // the week the current visit started in
    std::thread worker;
};

KioskSync::KioskSync(SyncSettings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {}

KioskSync::~KioskSync() {
    stop();
}

ActiveContent KioskSync::initial_content() {
    std::lock_guard engine_lock(impl_->engine_mutex);
    ActiveContent content = impl_->engine.initial_content();
    impl_->publish_locked();
    return content;
}

void KioskSync::start() {
    if (impl_->worker.joinable())
        return;
    {
        std::lock_guard lock(impl_->shared_mutex);
        impl_->stopping = false;
    }
    impl_->stopping_flag = false;
    impl_->worker = std::thread([impl = impl_.get()] { impl->run_worker(); });
}

void KioskSync::stop() {
    {
        std::lock_guard lock(impl_->shared_mutex);
        impl_->stopping = true;
    }
    impl_->stopping_flag = true;
    impl_->wake.notify_all();
    if (impl_->worker.joinable())
        impl_->worker.join();
    // Whatever was recorded before stop() and not yet written (the worker never ran, or a use
    // came in while it was finishing) is written now (issue 17).
    bool pending = false;
    {
        std::lock_guard lock(impl_->shared_mutex);
        pending = !impl_->pending_uses.empty();
    }
    if (pending) {
        std::lock_guard engine_lock(impl_->engine_mutex);
        impl_->persist_locked();
        impl_->publish_locked();
    }
}

void KioskSync::record(const CounterKey& key) {
    // Only the week is kept: the week the visit started in, so a session that runs past
    // midnight on Sunday counts wholly in one week (a use before any visit: the current week).
    const IsoWeek now = IsoWeek::from_local_time(impl_->settings.wall_clock());
    std::lock_guard lock(impl_->shared_mutex);
    if (key.metric == metric::visit || !impl_->visit_week)
        impl_->visit_week = now;
    if (impl_->pending_uses.size() >= max_pending_uses)
        return;
    impl_->pending_uses.push_back(Use{*impl_->visit_week, key});
}

std::optional<ActiveContent> KioskSync::take_content_update() {
    std::lock_guard lock(impl_->shared_mutex);
    auto update = std::move(impl_->content_update);
    impl_->content_update.reset();
    return update;
}

SyncStatus KioskSync::status() const {
    std::lock_guard lock(impl_->shared_mutex);
    return impl_->shared_status;
}

void KioskSync::request_contact_now() {
    {
        std::lock_guard lock(impl_->shared_mutex);
        impl_->contact_now = true;
    }
    impl_->wake.notify_one();
}

void KioskSync::persist_pending() {
    std::lock_guard engine_lock(impl_->engine_mutex);
    impl_->persist_locked();
    impl_->publish_locked();
}

void KioskSync::step() {
    std::lock_guard engine_lock(impl_->engine_mutex);
    impl_->step_locked(false);
}

void KioskSync::contact_once() {
    std::lock_guard engine_lock(impl_->engine_mutex);
    impl_->persist_locked();
    impl_->contact_locked();
    impl_->persist_locked();
    impl_->publish_locked();
}

} // namespace wellness::kiosk
