// Issue 11: what the kiosk's disk and its releases give away to whoever runs the station, edits
// its content and images the kiosk's disk. The files are read raw, byte by byte, as the attack
// did; time is stepped exactly; a kill -9 comes from a forked child.

#include "local_store.hpp"
#include "sync_engine.hpp"
#include "sync_test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <iterator>
#include <random>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace wellness;
using namespace wellness::kiosk;
using namespace wellness::kiosk::test;

namespace {

std::size_t occurrences(const std::string& haystack, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + 1))
        ++count;
    return count;
}

std::filesystem::path sibling(const std::filesystem::path& file, const char* suffix) {
    auto path = file;
    path += suffix;
    return path;
}

// SQLite's file change counter (header bytes 24..27): how many writes the file has seen.
std::uint32_t change_counter(const std::filesystem::path& file) {
    const std::string bytes = raw(file);
    if (bytes.size() < 28)
        return 0;
    std::uint32_t value = 0;
    for (int i = 24; i < 28; ++i)
        value = (value << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
    return value;
}

// One person's check-in as a combination, and the counter keys it adds.
std::vector<CounterKey> combination(const ContentDocument& content, std::size_t person) {
    const auto& levels = content.checkin.levels;
    const auto& topics = content.checkin.topics;
    return {{"visit", "start"},
            {"checkin.level", levels[person % levels.size()].id},
            {"checkin.topic", topics[person % topics.size()].id},
            {"checkin.topic", topics[(person * 3 + 1) % topics.size()].id},
            {"crisis.viewed", "list"}};
}

// The raw text SQLite keeps of one counter row (and of its index entry): week, metric and key
// side by side.
std::string row_text(const IsoWeek& week, const CounterKey& key) {
    return week.to_string() + key.metric + key.key;
}

Json renamed_red_level() {
    Json document = default_content_json();
    document["checkin"]["levels"][3]["id"] = "ill-thu-10h15";
    return document;
}

} // namespace

TEST_CASE("A used kiosk's file, journal and free pages show no more than an unused kiosk's, "
          "and it is written at the same moments",
          "[kiosk-sync][privacy]") {
    // Issue 11, break 1: the WAL held one transaction per tap and its mtime was the last tap.
    TempDir used_dir, unused_dir;
    const std::time_t start = local_instant(2026, 11, 18, 12, 0); // Wednesday of 2026-W47
    std::time_t used_now = start, unused_now = start;
    KioskSync used(settings_for(used_dir.path(), "", &used_now));
    KioskSync unused(settings_for(unused_dir.path(), "", &unused_now));
    const ContentDocument content = used.initial_content().document;
    unused.initial_content();
    const auto used_file = used_dir.path() / "kiosk.sqlite3";
    const auto unused_file = unused_dir.path() / "kiosk.sqlite3";

    struct Shot {
        std::uintmax_t size;
        std::uint32_t writes;
        bool operator==(const Shot&) const = default;
    };
    auto shot = [](const std::filesystem::path& file) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(file, ec);
        return Shot{ec ? 0 : size, change_counter(file)};
    };
    std::vector<Shot> used_shots, unused_shots;
    std::size_t person = 0;
    for (int minute = 0; minute < 60; ++minute) { // an hour in one-minute steps
        used_now += 60;
        unused_now += 60;
        if (minute % 7 == 3) {
            const Shot before = shot(used_file);
            for (const auto& key : combination(content, person++))
                used.record(key);
            // Recording touches nothing on disk: no write, no size change, so no mtime either.
            CHECK(shot(used_file) == before);
        }
        used.step();
        unused.step();
        used_shots.push_back(shot(used_file));
        unused_shots.push_back(shot(unused_file));
        for (const char* suffix : {"-wal", "-shm", "-journal"}) {
            CHECK_FALSE(std::filesystem::exists(sibling(used_file, suffix)));
        }
    }
    REQUIRE(person >= 8);
    for (std::size_t i = 0; i < used_shots.size(); ++i) {
        INFO("minute " << i << ": " << used_shots[i].size << " bytes, " << used_shots[i].writes
                       << " writes against " << unused_shots[i].size << ", "
                       << unused_shots[i].writes);
        CHECK(used_shots[i] == unused_shots[i]);
    }
    // Writes happened, on the timer alone: one per five minutes.
    CHECK(used_shots.back().writes > used_shots.front().writes);

    // Byte by byte: every counter row's text appears exactly as often as in the unused file
    // (its row and its index entry), so no copy of a person's choices is left anywhere.
    const IsoWeek week = IsoWeek::from_local_time(start);
    const std::string used_bytes = raw(used_file);
    const std::string unused_bytes = raw(unused_file);
    CHECK(used_bytes.size() == unused_bytes.size());
    for (const auto& key : catalogue_keys(content)) {
        INFO(key.metric << " " << key.key);
        CHECK(occurrences(used_bytes, row_text(week, key)) ==
              occurrences(unused_bytes, row_text(week, key)));
    }
    used.stop();
    LocalStore store(used_file, {});
    const Counters counted = store.week_counters(week);
    CHECK(counted.at({"visit", "start"}) == static_cast<std::int64_t>(person));
}

TEST_CASE("A journal a kill left that is not hot is gone after the kiosk's next write",
          "[kiosk-sync][privacy]") {
    // A kill just as SQLite made the journal leaves it empty (not hot): opening does not roll
    // it back or remove it, so the next write must.
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    const ContentDocument content = *parse_content(default_content_json()).document;
    const IsoWeek week = *IsoWeek::parse("2026-W47");
    std::vector<Use> person;
    for (const auto& key : combination(content, 1))
        person.push_back({week, key});
    LocalStore(file, {}).add_uses(person);
    { std::ofstream left(sibling(file, "-journal"), std::ios::binary); }
    REQUIRE(std::filesystem::exists(sibling(file, "-journal")));
    LocalStore store(file, {});
    store.add_uses(person);
    CHECK_FALSE(std::filesystem::exists(sibling(file, "-journal")));
    CHECK(store.week_counters(week).at({"visit", "start"}) == 2);
}

TEST_CASE("A kiosk killed -9 at random moments leaves no WAL, no order of uses and whole writes "
          "only",
          "[kiosk-sync][privacy]") {
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    const ContentDocument content = *parse_content(default_content_json()).document;
    const IsoWeek week = *IsoWeek::parse("2026-W47");
    std::mt19937 random(20261118);
    for (int round = 0; round < 4; ++round) {
        int ready[2];
        REQUIRE(::pipe(ready) == 0);
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            ::close(ready[0]);
            std::time_t now = local_instant(2026, 11, 16, 1, 0); // Monday of 2026-W47
            KioskSync sync(settings_for(dir.path(), "", &now));
            sync.initial_content();
            sync.step();
            (void)::write(ready[1], "x", 1);
            // Bounded: one person per timer period, each write a whole period.
            for (std::size_t person = 0; person < 1500; ++person) {
                for (const auto& key : combination(content, person))
                    sync.record(key);
                now += 300;
                sync.step();
            }
            ::_exit(0);
        }
        ::close(ready[1]);
        char byte = 0;
        (void)::read(ready[0], &byte, 1);
        ::close(ready[0]);
        std::this_thread::sleep_for(
            std::chrono::microseconds(std::uniform_int_distribution<int>(0, 40000)(random)));
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);

        CHECK_FALSE(std::filesystem::exists(sibling(file, "-wal")));
        CHECK_FALSE(std::filesystem::exists(sibling(file, "-shm")));
        // A hot journal, if the kill came during a write, holds at most one earlier image of
        // each page: never a row per use.
        const std::string journal = raw(sibling(file, "-journal"));
        const std::string database = raw(file);
        const auto catalogue = catalogue_keys(content);
        // A key's row text is also the start of a longer key's ("rating.before" "1" of "10"):
        // those are that key's own rows, not more of this one.
        auto rows_of = [&](const std::string& bytes, const CounterKey& key) {
            std::size_t count = occurrences(bytes, row_text(week, key));
            for (const auto& longer : catalogue) {
                if (longer.metric == key.metric && longer.key.size() > key.key.size() &&
                    longer.key.rfind(key.key, 0) == 0) {
                    count -= occurrences(bytes, row_text(week, longer));
                }
            }
            return count;
        };
        for (const auto& key : catalogue) {
            INFO(key.metric << " " << key.key);
            CHECK(rows_of(database, key) <= 2);
            CHECK(rows_of(journal, key) <= 2);
        }
        // Opening rolls a hot journal back; the next write removes any journal left (a kill
        // just as the journal was made leaves one that is not hot: SQLite keeps it until a
        // write, which the kiosk makes on its next timer). Here the next write is a use in an
        // earlier week: one of 2026-W47 would make its rows outside the kiosk's catalogue for
        // the week, if the kill came before the kiosk made them. What is left of 2026-W47 is
        // whole people only.
        LocalStore store(file, {});
        store.add_uses({{*IsoWeek::parse("2026-W40"), {"visit", "start"}}});
        CHECK_FALSE(std::filesystem::exists(sibling(file, "-journal")));
        const Counters counted = store.week_counters(week);
        std::int64_t levels = 0, topics = 0;
        for (const auto& [key, n] : counted) {
            levels += key.metric == "checkin.level" ? n : 0;
            topics += key.metric == "checkin.topic" ? n : 0;
        }
        const auto count_of = [&](const CounterKey& key) {
            const auto found = counted.find(key);
            return found == counted.end() ? std::int64_t{0} : found->second;
        };
        const std::int64_t visits = count_of({"visit", "start"});
        CHECK(levels == visits);
        CHECK(topics == 2 * visits);
        CHECK(count_of({"crisis.viewed", "list"}) == visits);
    }
}

TEST_CASE("A power cut loses at most the uses since the last timer write; a clean stop loses none",
          "[kiosk-sync][privacy]") {
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        std::time_t now = local_instant(2026, 11, 18, 12, 1);
        auto settings = settings_for(dir.path(), "", &now);
        KioskSync sync(settings);
        sync.initial_content();
        sync.step(); // the timer is set: next write at 12:05
        for (int i = 0; i < 3; ++i)
            sync.record({"visit", "start"});
        now = local_instant(2026, 11, 18, 12, 5);
        sync.step(); // written
        for (int i = 0; i < 2; ++i)
            sync.record({"visit", "start"});
        now = local_instant(2026, 11, 18, 12, 9);
        sync.step(); // not yet: the next write is at 12:10
        ::_exit(0);  // the power goes, no stop()
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    {
        LocalStore store(file, {});
        CHECK(store.week_counters(*IsoWeek::parse("2026-W47")).at({"visit", "start"}) == 3);
    }
    // Issue 17: a use recorded just before quitting is written by stop(), even if the worker
    // never ran.
    std::time_t now = local_instant(2026, 11, 18, 12, 11);
    {
        KioskSync sync(settings_for(dir.path(), "", &now));
        sync.initial_content();
        sync.record({"visit", "start"});
        sync.stop();
    }
    LocalStore store(file, {});
    CHECK(store.week_counters(*IsoWeek::parse("2026-W47")).at({"visit", "start"}) == 4);
}

TEST_CASE("A database left by the WAL version is migrated: no WAL, hostile rows dropped, counts "
          "kept",
          "[kiosk-sync][privacy]") {
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    {
        SQLite::Database old(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        old.exec("PRAGMA journal_mode=WAL");
        old.exec("PRAGMA secure_delete=OFF"); // SQLite's own default; some distributions differ
        old.exec(R"sql(
CREATE TABLE counters (
  week TEXT NOT NULL, metric TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (week, metric, key));
CREATE TABLE carry (
  metric TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (metric, key));
CREATE TABLE outbox (
  batch_id TEXT PRIMARY KEY NOT NULL, week TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE released_weeks (week TEXT PRIMARY KEY NOT NULL);
CREATE TABLE meta (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
PRAGMA user_version=1;
)sql");
        old.exec("INSERT INTO counters VALUES ('2026-W47', 'visit', 'start', 9)");
        old.exec("INSERT INTO counters VALUES ('2026-W47', 'checkin.level', 'ill', -5)");
        old.exec("INSERT INTO counters VALUES ('2026-11-18 13:05', 'visit', 'start', 1)");
        old.exec("INSERT INTO carry VALUES ('visit', 'start', 'x')");
        old.exec("INSERT INTO meta VALUES ('station_k', '1')");
        // Old per-tap rows deleted, left in free pages without secure_delete.
        old.exec("CREATE TABLE old_taps (what TEXT)");
        for (int i = 0; i < 200; ++i)
            old.exec("INSERT INTO old_taps VALUES ('tap-combination-ill-alcohol-grief')");
        old.exec("DROP TABLE old_taps");
    }
    REQUIRE(raw(file).at(18) == 2); // the file says WAL mode
    REQUIRE(occurrences(raw(file), "tap-combination") > 0);
    LocalStore store(file, {});
    CHECK_FALSE(store.moved_aside().has_value());
    CHECK(store.database().execAndGet("PRAGMA user_version").getInt() ==
          LocalStore::schema_version);
    CHECK(store.database().execAndGet("PRAGMA journal_mode").getString() == "delete");
    CHECK(store.week_counters(*IsoWeek::parse("2026-W47")) == Counters{{{"visit", "start"}, 9}});
    CHECK(store.carry().empty());
    CHECK(store.station_k() == default_k);
    CHECK(store.rows_dropped_at_open() == 4);
    CHECK_FALSE(std::filesystem::exists(sibling(file, "-wal")));
    CHECK_FALSE(std::filesystem::exists(sibling(file, "-shm")));
    CHECK(occurrences(raw(file), "tap-combination") == 0);
    CHECK(raw(file).at(18) == 1); // a rollback-journal file now
}

TEST_CASE("Content that renames a counted id mid-week waits for the next week, across a restart",
          "[kiosk-sync][privacy]") {
    // Issue 11, break 2: `ill` renamed `ill-thu-10h15` mid-week time-stamped uses.
    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18, 9, 0); // Wednesday of 2026-W47
    const IsoWeek w47 = *IsoWeek::parse("2026-W47");
    const IsoWeek w48 = *IsoWeek::parse("2026-W48");
    station.set_content("1", default_content_json(), {});
    {
        KioskSync sync(settings_for(dir.path(), station.url(), &now));
        sync.initial_content();
        sync.contact_once();
        REQUIRE(sync.status().content_version == "1"); // same structure: at once
        REQUIRE(sync.take_content_update());
        station.set_content("2", renamed_red_level(), {});
        now += 3600;
        sync.contact_once();
        CHECK(sync.status().content_version == "1");
        CHECK_FALSE(sync.take_content_update().has_value());
        sync.record({"visit", "start"});
        sync.record({"checkin.level", "ill"});
        sync.record({"checkin.level", "ill-thu-10h15"}); // not in this week's catalogue
        sync.persist_pending();
    }
    now += 3600;
    {
        KioskSync sync(settings_for(dir.path(), station.url(), &now));
        CHECK(sync.initial_content().version == "1"); // still waiting after the restart
        sync.contact_once();                          // 304: nothing new
        CHECK(sync.status().content_version == "1");
        now = week_end(w47) + 60; // Monday 00:01 of 2026-W48
        sync.persist_pending();
        const auto update = sync.take_content_update();
        REQUIRE(update);
        CHECK(update->version == "2");
        CHECK(update->document.checkin.levels.back().id == "ill-thu-10h15");
        sync.record({"visit", "start"});
        sync.record({"checkin.level", "ill-thu-10h15"});
        sync.persist_pending();
    }
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    const Counters first = store.week_counters(w47);
    CHECK(first.at({"checkin.level", "ill"}) == 1);
    CHECK(first.count({"checkin.level", "ill-thu-10h15"}) == 0);
    const Counters second = store.week_counters(w48);
    CHECK(second.count({"checkin.level", "ill"}) == 0);
    CHECK(second.at({"checkin.level", "ill-thu-10h15"}) == 1);
}

TEST_CASE("New wording, phone numbers and links apply at once", "[kiosk-sync][privacy]") {
    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18, 9, 0);
    Json document = default_content_json();
    station.set_content("1", document, {});
    KioskSync sync(settings_for(dir.path(), station.url(), &now));
    sync.initial_content();
    sync.contact_once();
    document["attract_text"]["en"] = "Take five. Tap anywhere.";
    document["providers"][0]["phone"] = "+1 555 0199";
    station.set_content("2", document, {});
    sync.contact_once();
    CHECK(sync.status().content_version == "2");
}

TEST_CASE("A session across Sunday midnight counts wholly in the week it started",
          "[kiosk-sync][privacy]") {
    // Issue 11, break 3: the next week had 0 visits but a check-in, and went out as is.
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 22, 23, 58); // Sunday of 2026-W47
    KioskSync sync(settings_for(dir.path(), "", &now));
    sync.initial_content();
    sync.record({"visit", "start"});
    now = local_instant(2026, 11, 23, 0, 3); // Monday of 2026-W48
    sync.record({"checkin.level", "ill"});
    sync.record({"checkin.topic", "alcohol"});
    sync.record({"crisis.viewed", "list"});
    sync.persist_pending();
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    const Counters w47 = store.week_counters(*IsoWeek::parse("2026-W47"));
    CHECK(w47.at({"visit", "start"}) == 1);
    CHECK(w47.at({"checkin.level", "ill"}) == 1);
    CHECK(w47.at({"checkin.topic", "alcohol"}) == 1);
    CHECK(w47.at({"crisis.viewed", "list"}) == 1);
    for (const auto& [key, n] : store.week_counters(*IsoWeek::parse("2026-W48"))) {
        INFO(key.metric << " " << key.key);
        CHECK(n == 0);
    }
}

TEST_CASE("A raised k reaches the kiosk through a 304, and no release is prepared before a "
          "contact says k",
          "[kiosk-sync][privacy]") {
    // Issue 11, break 5.
    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18, 9, 0);
    const IsoWeek w47 = *IsoWeek::parse("2026-W47");
    station.set_content("1", default_content_json(), {}, 5);
    auto settings = settings_for(dir.path(), station.url(), &now);
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        for (int i = 0; i < 6; ++i)
            sync.record({"visit", "start"});
        sync.persist_pending();
        station.set_content("1", default_content_json(), {}, 8); // same version: a 304
        station.clear_requests();
        sync.contact_once();
        REQUIRE(station.requests().size() == 1);
        LocalStore peek(dir.path() / "kiosk.sqlite3", {});
        CHECK(peek.station_k() == 8);
    }
    // A restart after the release moment: nothing is prepared until a contact has said k.
    station.set_content("1", default_content_json(), {}, 9);
    now = week_end(w47) + settings.release_spread.count() + 60;
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.persist_pending();
        {
            LocalStore peek(dir.path() / "kiosk.sqlite3", {});
            CHECK(peek.outbox().empty());
            CHECK_FALSE(peek.is_released(w47));
        }
        sync.contact_once();
    }
    // 6 visits < 9: pooled, all zeros reached the station.
    CHECK(station.batches_applied() == 1);
    for (const auto& [cell, n] : station.totals())
        CHECK(n == 0);
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    CHECK(store.carry().at({"visit", "start"}) == 6);
}

TEST_CASE("A pooled release has the same entries and bytes whether or not the visitor was shown "
          "a provider that content then dropped",
          "[kiosk-sync][privacy]") {
    // Issue 11, break 6: 27 entries / 2056 bytes if shown, 26 / 1983 if not.
    FakeStation station;
    std::vector<std::string> bodies;
    for (const bool shown : {true, false}) {
        TempDir dir;
        std::time_t now = local_instant(2026, 11, 18, 9, 0);
        const IsoWeek w47 = *IsoWeek::parse("2026-W47");
        station.set_content("1", default_content_json(), {});
        auto settings = settings_for(dir.path(), station.url(), &now);
        {
            KioskSync sync(settings);
            sync.initial_content();
            sync.contact_once();
            sync.record({"visit", "start"});
            if (shown)
                sync.record({"handoff.shown", "chaplain"});
            sync.persist_pending();
        }
        Json dropped = default_content_json();
        dropped["providers"].erase(2); // chaplain
        station.set_content("2", dropped, {});
        now = week_end(w47) + settings.release_spread.count() + 60;
        {
            KioskSync sync(settings); // restarted
            sync.initial_content();
            sync.persist_pending();
            station.set_counts_answer(CountsAnswer::server_error); // keep it in the outbox
            sync.contact_once();
        }
        LocalStore store(dir.path() / "kiosk.sqlite3", {});
        const auto outbox = store.outbox();
        REQUIRE(outbox.size() == 1);
        const auto decoded = decode_batch(outbox[0].body, w47.next());
        REQUIRE(decoded.batch);
        for (const auto& entry : decoded.batch->counts)
            CHECK(entry.n == 0);
        bodies.push_back(outbox[0].body);
        // batch ids differ; everything else must not
        const auto id_at = bodies.back().find(decoded.batch->batch_id);
        bodies.back().replace(id_at, decoded.batch->batch_id.size(), 36, '0');
        station.set_counts_answer(CountsAnswer::applied);
    }
    CHECK(bodies[0] == bodies[1]);
}
