#include "local_store.hpp"
#include "sync_engine.hpp"
#include "sync_test_support.hpp"

#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace wellness;
using namespace wellness::kiosk;
using namespace wellness::kiosk::test;

namespace {

IsoWeek week(const char* text) {
    return *IsoWeek::parse(text);
}

CounterKey visit() {
    return {"visit", "start"};
}

std::vector<Use> uses(const char* week_text, const CounterKey& key, int times) {
    return std::vector<Use>(static_cast<std::size_t>(times), Use{week(week_text), key});
}

std::vector<CounterKey> shape() {
    return {{"visit", "start"},
            {"crisis.viewed", "list"},
            {"checkin.level", "healthy"},
            {"checkin.level", "ill"}};
}

} // namespace

TEST_CASE("Uses add up per week, metric and key, with no row per use", "[kiosk-sync]") {
    TempDir dir;
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    store.add_uses(uses("2026-W47", visit(), 3));
    store.add_uses(uses("2026-W47", {"checkin.level", "ill"}, 2));
    store.add_uses(uses("2026-W48", visit(), 1));

    const Counters w47 = store.week_counters(week("2026-W47"));
    CHECK(w47.at(visit()) == 3);
    CHECK(w47.at({"checkin.level", "ill"}) == 2);
    CHECK(store.week_counters(week("2026-W48")).at(visit()) == 1);
    const int rows = store.database().execAndGet("SELECT count(*) FROM counters").getInt();
    CHECK(rows == 3);
}

TEST_CASE("A use with an unknown metric or a bad key is not stored", "[kiosk-sync]") {
    TempDir dir;
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    store.add_uses({Use{week("2026-W47"), {"sneaky.metric", "x"}},
                    Use{week("2026-W47"), {"visit", "Not A Slug"}}});
    CHECK(store.week_counters(week("2026-W47")).empty());
}

TEST_CASE("Seeding gives every catalogue key a zero row without touching counted ones",
          "[kiosk-sync]") {
    TempDir dir;
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    store.add_uses(uses("2026-W47", visit(), 2));
    store.seed_week(week("2026-W47"), shape());
    const Counters counters = store.week_counters(week("2026-W47"));
    CHECK(counters.size() == shape().size());
    CHECK(counters.at(visit()) == 2);
    CHECK(counters.at({"checkin.level", "healthy"}) == 0);
}

TEST_CASE("A prepared release waits in the outbox exactly once across a restart", "[kiosk-sync]") {
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    std::string batch_id = new_batch_id();
    {
        LocalStore store(file, {});
        store.add_uses(uses("2026-W47", visit(), 6));
        store.prepare_release(week("2026-W47"), shape(), 5, batch_id);
        // The object is dropped here without sending: the kiosk died before its next contact.
    }
    LocalStore reopened(file, {});
    const auto outbox = reopened.outbox();
    REQUIRE(outbox.size() == 1);
    CHECK(outbox[0].batch_id == batch_id);
    CHECK(outbox[0].week == week("2026-W47"));
    CHECK(reopened.is_released(week("2026-W47")));
    CHECK(reopened.unreleased_weeks_before(week("2026-W49")).empty());
    const auto decoded = decode_batch(outbox[0].body, week("2026-W48"));
    REQUIRE(decoded.batch);
    CHECK(decoded.batch->batch_id == batch_id);
}

TEST_CASE("A crash in the middle of preparing a release leaves the week as it was",
          "[kiosk-sync]") {
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    {
        LocalStore store(file, {});
        store.add_uses(uses("2026-W47", visit(), 7));
    }
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The child dies after writing everything but before the commit, like a power cut.
        try {
            LocalStore store(file, {});
            store.prepare_release(week("2026-W47"), shape(), 5, new_batch_id(), [] { ::_exit(3); });
        } catch (...) {
        }
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 3);

    LocalStore store(file, {});
    CHECK(store.outbox().empty());
    CHECK_FALSE(store.is_released(week("2026-W47")));
    CHECK(store.week_counters(week("2026-W47")).at(visit()) == 7);
    store.prepare_release(week("2026-W47"), shape(), 5, new_batch_id());
    CHECK(store.outbox().size() == 1);
}

TEST_CASE("A week with fewer than k visits is pooled into the next week's release",
          "[kiosk-sync]") {
    TempDir dir;
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    store.add_uses(uses("2026-W46", visit(), 2));
    store.add_uses(uses("2026-W46", {"crisis.viewed", "list"}, 1));
    store.add_uses(uses("2026-W47", visit(), 4));

    const auto first = store.prepare_release(week("2026-W46"), shape(), 5, new_batch_id());
    const auto second = store.prepare_release(week("2026-W47"), shape(), 5, new_batch_id());
    CHECK(first.pooled);
    CHECK_FALSE(second.pooled);

    const auto outbox = store.outbox();
    REQUIRE(outbox.size() == 2);
    const auto pooled = decode_batch(outbox[0].body, week("2026-W49"));
    const auto combined = decode_batch(outbox[1].body, week("2026-W49"));
    REQUIRE(pooled.batch);
    REQUIRE(combined.batch);
    for (const auto& entry : pooled.batch->counts)
        CHECK(entry.n == 0);
    std::map<std::string, std::int64_t> by_metric;
    for (const auto& entry : combined.batch->counts)
        by_metric[entry.metric] += entry.n;
    CHECK(by_metric["visit"] == 6);
    CHECK(by_metric["crisis.viewed"] == 1);
    CHECK(pooled.batch->counts.size() == combined.batch->counts.size());
    CHECK(store.carry().empty());
}

TEST_CASE("The station's k decides what is pooled", "[kiosk-sync]") {
    TempDir dir;
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    store.add_uses(uses("2026-W46", visit(), 4));
    CHECK(store.prepare_release(week("2026-W46"), shape(), 3, new_batch_id()).pooled == false);
    store.add_uses(uses("2026-W47", visit(), 4));
    CHECK(store.prepare_release(week("2026-W47"), shape(), 8, new_batch_id()).pooled == true);
    CHECK(store.carry().at(visit()) == 4);
}

TEST_CASE("Releases of the same shape have the same size however much the kiosk was used",
          "[kiosk-sync]") {
    TempDir dir;
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    store.seed_week(week("2026-W46"), shape());
    store.seed_week(week("2026-W47"), shape());
    store.add_uses(uses("2026-W47", visit(), 1234));
    store.add_uses(uses("2026-W47", {"checkin.level", "ill"}, 56));
    store.prepare_release(week("2026-W46"), shape(), 5, new_batch_id());
    store.prepare_release(week("2026-W47"), shape(), 5, new_batch_id());
    const auto outbox = store.outbox();
    REQUIRE(outbox.size() == 2);
    CHECK(outbox[0].body.size() == outbox[1].body.size());
    CHECK(decode_batch(outbox[1].body, week("2026-W49")).batch.has_value());
}

TEST_CASE("A use in a week already released is carried to the next release", "[kiosk-sync]") {
    TempDir dir;
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    store.add_uses(uses("2026-W46", visit(), 9));
    store.prepare_release(week("2026-W46"), shape(), 5, new_batch_id());
    store.add_uses(uses("2026-W46", {"crisis.viewed", "list"}, 1)); // the clock was set back
    CHECK(store.week_counters(week("2026-W46")).empty());
    CHECK(store.carry().at({"crisis.viewed", "list"}) == 1);
}

TEST_CASE("A garbage database file is moved aside and a fresh store started", "[kiosk-sync]") {
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    {
        std::ofstream garbage(file, std::ios::binary);
        garbage << std::string(5000, 'x') << "not a database";
    }
    std::vector<std::string> log;
    LocalStore store(
        file, [&](Poco::Message::Priority, const std::string& line) { log.push_back(line); });
    REQUIRE(store.moved_aside().has_value());
    CHECK(std::filesystem::exists(*store.moved_aside()));
    CHECK(store.moved_aside()->filename().string() == "kiosk.sqlite3.corrupt-1");
    CHECK_FALSE(log.empty());
    store.add_uses(uses("2026-W47", visit(), 1));
    CHECK(store.week_counters(week("2026-W47")).at(visit()) == 1);
}

TEST_CASE("A database locked by another program is left in place with its data and opens later",
          "[kiosk-sync]") {
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    const std::string batch_id = new_batch_id();
    std::string secret;
    {
        LocalStore store(file, {});
        store.add_uses(uses("2026-W46", visit(), 6));
        store.prepare_release(week("2026-W46"), shape(), 5, batch_id);
        store.add_uses(uses("2026-W47", visit(), 4));
        secret = store.kiosk_secret();
    }
    {
        // Holds the whole file: in WAL mode only exclusive locking mode keeps readers out.
        SQLite::Database holder(file.string(), SQLite::OPEN_READWRITE);
        holder.exec("PRAGMA locking_mode=EXCLUSIVE");
        holder.exec("BEGIN EXCLUSIVE");
        std::vector<std::string> log;
        auto open_now = [&] {
            LocalStore store(
                file,
                [&](Poco::Message::Priority, const std::string& line) { log.push_back(line); },
                std::chrono::milliseconds(0));
        };
        CHECK_THROWS_AS(open_now(), SQLite::Exception);
        CHECK_FALSE(log.empty());
        auto beside = file;
        beside += ".corrupt-1";
        CHECK_FALSE(std::filesystem::exists(beside));
        CHECK(std::filesystem::exists(file));
        holder.exec("ROLLBACK");
    }
    LocalStore store(file, {});
    CHECK_FALSE(store.moved_aside().has_value());
    CHECK(store.week_counters(week("2026-W47")).at(visit()) == 4);
    const auto outbox = store.outbox();
    REQUIRE(outbox.size() == 1);
    CHECK(outbox[0].batch_id == batch_id);
    CHECK(store.kiosk_secret() == secret);
}

TEST_CASE("A database with another schema is moved aside", "[kiosk-sync]") {
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    {
        SQLite::Database other(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        other.exec(
            "CREATE TABLE counters (week TEXT, metric TEXT, key TEXT, n INTEGER, used_at INTEGER)");
        other.exec("PRAGMA user_version=1");
    }
    LocalStore store(file, {});
    CHECK(store.moved_aside().has_value());
    CHECK(store.database()
              .execAndGet("SELECT count(*) FROM pragma_table_info('counters')")
              .getInt() == 4);
}

TEST_CASE("Tampered rows are dropped at open and the rest kept", "[kiosk-sync]") {
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    {
        LocalStore store(file, {});
        store.add_uses(uses("2026-W47", visit(), 2));
        auto& db = store.database();
        db.exec("INSERT INTO counters VALUES ('2026-W47', 'checkin.level', 'ill', -5)");
        db.exec("INSERT INTO counters VALUES ('2026-W99', 'visit', 'start', 1)");
        db.exec("INSERT INTO counters VALUES ('2026-11-18 13:05', 'visit', 'start', 1)");
        db.exec("INSERT INTO counters VALUES ('2026-W46', 'visit', 'start', 'many')");
        db.exec("INSERT INTO counters VALUES ('2026-W46', 'nope', 'start', 1)");
        db.exec("INSERT INTO carry VALUES ('visit', 'start', 100001)");
        db.exec("INSERT INTO outbox VALUES ('not-a-uuid', '2026-W45', '{}')");
        db.exec("INSERT INTO meta VALUES ('station_k', '1')");
    }
    LocalStore store(file, {});
    CHECK_FALSE(store.moved_aside().has_value());
    CHECK(store.rows_dropped_at_open() == 8);
    CHECK(store.week_counters(week("2026-W47")) == Counters{{visit(), 2}});
    CHECK(store.database().execAndGet("SELECT count(*) FROM counters").getInt() == 1);
    CHECK(store.carry().empty());
    CHECK(store.outbox().empty());
    CHECK(store.station_k() == default_k);
}

TEST_CASE("The station's k is kept only when it is at least the minimum", "[kiosk-sync]") {
    TempDir dir;
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    CHECK(store.station_k() == default_k);
    store.set_station_k(7);
    CHECK(store.station_k() == 7);
    store.set_station_k(2);
    CHECK(store.station_k() == 7);
}
