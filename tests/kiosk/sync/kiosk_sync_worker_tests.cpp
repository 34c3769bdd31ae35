// KioskSync as the app uses it: a worker thread behind non-blocking calls.

#include "local_store.hpp"
#include "sync_test_support.hpp"
#include "wellness/log_channel.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <regex>
#include <set>

using namespace wellness;
using namespace wellness::kiosk;
using namespace wellness::kiosk::test;

TEST_CASE("Uses recorded from the frame loop are on disk once the worker stops", "[kiosk-sync]") {
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18);
    {
        KioskSync sync(settings_for(dir.path(), "", &now));
        CHECK(sync.initial_content().version == "default");
        sync.start();
        for (int i = 0; i < 25; ++i)
            sync.record({"visit", "start"});
        sync.record({"crisis.viewed", "list"});
        // Destruction stops the worker, which stores what is queued first.
    }
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    const Counters week = store.week_counters(*IsoWeek::parse("2026-W47"));
    CHECK(week.at({"visit", "start"}) == 25);
    CHECK(week.at({"crisis.viewed", "list"}) == 1);
    CHECK(week.at({"checkin.level", "healthy"}) == 0); // seeded: the shape does not depend on use
}

TEST_CASE("Offline, the kiosk says so and keeps its counts", "[kiosk-sync]") {
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18);
    KioskSync sync(settings_for(dir.path(), "", &now));
    sync.initial_content();
    sync.record({"visit", "start"});
    sync.contact_once();
    const SyncStatus status = sync.status();
    CHECK_FALSE(status.station_configured);
    CHECK_FALSE(status.last_successful_contact.has_value());
    CHECK(status.content_version == "default");
}

TEST_CASE("The worker makes its first contact on start and publishes the status", "[kiosk-sync]") {
    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18);
    station.set_content("v3", default_content_json(), {});
    KioskSync sync(settings_for(dir.path(), station.url(), &now));
    sync.initial_content();
    sync.start();
    sync.stop(); // joins after the contact in progress
    CHECK(sync.status().enrolled);
    CHECK(sync.status().station_reachable);
    CHECK(sync.status().last_successful_contact == now);
    const auto update = sync.take_content_update();
    REQUIRE(update);
    CHECK(update->version == "v3");
}

namespace {

// Uses in the week of 2026-11-18 and a contact; the next week, a contact whose counts the
// station fails and one that delivers the release. Returns the content the kiosk started with.
ActiveContent sync_a_used_week(FakeStation& station, KioskSync& sync, std::time_t& now) {
    ActiveContent content = sync.initial_content();
    for (int i = 0; i < 9; ++i)
        sync.record({"visit", "start"});
    sync.record({"checkin.level", content.document.checkin.levels.back().id});
    sync.contact_once();
    now = local_instant(2026, 11, 26);
    station.set_counts_answer(CountsAnswer::server_error);
    sync.contact_once();
    station.set_counts_answer(CountsAnswer::applied);
    sync.contact_once();
    REQUIRE(station.batches_applied() == 1);
    return content;
}

} // namespace

TEST_CASE("The sync log holds technical events only, never what anyone did", "[kiosk-sync]") {
    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18);
    std::vector<std::string> log;
    auto settings = settings_for(dir.path(), station.url(), &now);
    settings.technical_log = [&](Poco::Message::Priority, const std::string& line) {
        log.push_back(line);
    };
    KioskSync sync(settings);
    const ActiveContent content = sync_a_used_week(station, sync, now);

    std::set<std::string> words;
    for (const auto& key : catalogue_keys(content.document)) {
        words.insert(key.metric);
        words.insert("\"" + key.key + "\"");
    }
    const std::regex time_or_count(R"(\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|"n")");
    CHECK_FALSE(log.empty());
    for (const auto& line : log) {
        INFO(line);
        for (const auto& word : words)
            CHECK(line.find(word) == std::string::npos);
        CHECK_FALSE(std::regex_search(line, time_or_count));
    }
    CHECK(std::count(log.begin(), log.end(), "sync ok") == 2);
    CHECK(std::count_if(log.begin(), log.end(), [](const std::string& line) {
              return line.rfind("sync failed: ", 0) == 0;
          }) == 1);
}

TEST_CASE("Uses that fail to reach the disk are kept and stored exactly once on the next step",
          "[kiosk-sync]") {
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    std::time_t now = local_instant(2026, 11, 18);
    std::vector<std::string> log;
    auto settings = settings_for(dir.path(), "", &now);
    settings.technical_log = [&](Poco::Message::Priority, const std::string& line) {
        log.push_back(line);
    };
    KioskSync sync(settings);
    sync.initial_content();
    sync.persist_pending(); // opens the store and seeds the week
    const auto visits_on_disk = [&] {
        SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
        return reader
            .execAndGet("SELECT n FROM counters WHERE week = '2026-W47' AND metric = 'visit' "
                        "AND key = 'start'")
            .getInt();
    };
    {
        // Another writer holds the file: the kiosk's write fails (SQLITE_BUSY).
        SQLite::Database holder(file.string(), SQLite::OPEN_READWRITE);
        holder.exec("BEGIN EXCLUSIVE");
        for (int i = 0; i < 3; ++i)
            sync.record({"visit", "start"});
        sync.persist_pending();
        holder.exec("ROLLBACK");
    }
    CHECK(std::count_if(log.begin(), log.end(), [](const std::string& line) {
              return line.rfind("local store error: ", 0) == 0;
          }) == 1);
    CHECK(visits_on_disk() == 0);
    sync.record({"visit", "start"});
    sync.persist_pending();
    CHECK(visits_on_disk() == 4);
    sync.persist_pending();
    CHECK(visits_on_disk() == 4);
}

TEST_CASE("Uses recorded while the station is contacted wait in memory for the next write",
          "[kiosk-sync]") {
    // Changed for privacy (issue 11): before, uses reached the disk between a contact's
    // requests, so the file's mtime said when someone used the kiosk. Now they wait for the
    // timer write (here the blocking contact_once's own write after the contact).
    FakeStation station;
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    std::time_t now = local_instant(2026, 11, 18);
    // Enrollment, the manifest, then an asset: three requests in one contact.
    station.set_content("v2", content_with_assets({"room.png"}),
                        {{"room.png", ServedAsset{make_png(), "", 0}}});
    KioskSync sync(settings_for(dir.path(), station.url(), &now));
    sync.initial_content();
    sync.persist_pending(); // opens the store and seeds the week
    std::optional<int> visits_on_disk_at_asset;
    station.on_request([&](const std::string& path) {
        if (path == "/api/v1/kiosk/content") {
            // Someone starts a session while the kiosk talks to the station.
            sync.record({"visit", "start"});
            sync.record({"visit", "start"});
        } else if (path.rfind("/api/v1/kiosk/assets/", 0) == 0) {
            SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
            visits_on_disk_at_asset =
                reader
                    .execAndGet("SELECT n FROM counters WHERE week = '2026-W47' AND "
                                "metric = 'visit' AND key = 'start'")
                    .getInt();
        }
    });
    sync.contact_once();
    REQUIRE(visits_on_disk_at_asset);
    CHECK(*visits_on_disk_at_asset == 0);
    CHECK(sync.status().content_version == "v2");
    LocalStore store(file, {});
    CHECK(store.week_counters(*IsoWeek::parse("2026-W47")).at({"visit", "start"}) == 2);
}

namespace {

// Every message the sync library's own logger receives, with its priority.
class PriorityCapture : public Poco::Channel {
  public:
    void log(const Poco::Message& message) override {
        std::lock_guard lock(mutex_);
        messages_.push_back(message);
    }
    std::vector<Poco::Message> messages() const {
        std::lock_guard lock(mutex_);
        return messages_;
    }

  private:
    mutable std::mutex mutex_;
    std::vector<Poco::Message> messages_;
};

} // namespace

TEST_CASE("Without a log of its own the sync library gives every event the priority its code "
          "chose: a failed sync is a warning and a good one information, under the journal too",
          "[kiosk-sync]") {
    Poco::Logger& logger = Poco::Logger::get("wellness.kiosk.sync");
    Poco::AutoPtr<PriorityCapture> capture(new PriorityCapture);
    Poco::Channel::Ptr before = logger.getChannel();
    const int level_before = logger.getLevel();
    logger.setChannel(capture);
    logger.setLevel(Poco::Message::PRIO_DEBUG);
    struct Restore {
        Poco::Logger& logger;
        Poco::Channel::Ptr channel;
        int level;
        ~Restore() {
            logger.setChannel(channel);
            logger.setLevel(level);
        }
    } restore{logger, before, level_before};

    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18);
    auto settings = settings_for(dir.path(), station.url(), &now);
    settings.technical_log = nullptr;
    KioskSync sync(settings);
    const ActiveContent content = sync_a_used_week(station, sync, now);

    const auto messages = capture->messages();
    auto priorities_of = [&](const std::string& start) {
        std::set<int> priorities;
        for (const auto& message : messages)
            if (message.getText().rfind(start, 0) == 0)
                priorities.insert(message.getPriority());
        return priorities;
    };
    CHECK(priorities_of("sync ok") == std::set<int>{Poco::Message::PRIO_INFORMATION});
    CHECK(priorities_of("sync failed: ") == std::set<int>{Poco::Message::PRIO_WARNING});
    CHECK(priorities_of("content version ") == std::set<int>{Poco::Message::PRIO_INFORMATION});

    // What journald would receive from the kiosk program: one line per event, its priority as
    // the sd-daemon prefix, and nothing of what anyone did.
    LogLineFormatter journal("wellness-kiosk", LogFormat::journal);
    std::set<std::string> words;
    for (const auto& key : catalogue_keys(content.document))
        words.insert(key.metric);
    std::map<std::string, int> lines_by_prefix;
    for (const auto& message : messages) {
        std::string line;
        journal.format(message, line);
        INFO(line);
        const auto prefix = line.substr(0, 3);
        ++lines_by_prefix[prefix];
        CHECK(prefix == "<" + std::to_string(journal_priority(message.getPriority())) + ">");
        CHECK(line.find('\n') == std::string::npos);
        for (const auto& word : words)
            CHECK(line.find(word) == std::string::npos);
    }
    CHECK(lines_by_prefix["<4>"] >= 1);
    CHECK(lines_by_prefix["<6>"] >= 2);
}
