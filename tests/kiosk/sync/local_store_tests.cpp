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

TEST_CASE("An acknowledged release is kept with the ledger that took it, and goes back to the "
          "outbox byte for byte when the station's ledger is a new one",
          "[kiosk-sync][backup]") {
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    const std::string ledger(32, 'a'), restored(32, 'b');
    const std::string first = new_batch_id(), second = new_batch_id();
    std::string first_body;
    {
        LocalStore store(file, {});
        store.add_uses(uses("2026-W46", visit(), 6));
        store.prepare_release(week("2026-W46"), shape(), 5, first);
        first_body = store.outbox().at(0).body;
        store.acknowledge(first, ledger);
        store.add_uses(uses("2026-W47", visit(), 7));
        store.prepare_release(week("2026-W47"), shape(), 5, second);
        store.acknowledge(second, ""); // a station that tells no ledger
        CHECK(store.outbox().empty());
        CHECK(store.weeks_waiting(week("2026-W48")) == 0);
    }
    LocalStore store(file, {}); // across a restart
    REQUIRE(store.kept_releases().size() == 2);
    CHECK(store.resend_unless_acknowledged_by(ledger) == 1); // the one no ledger took
    REQUIRE(store.outbox().size() == 1);
    CHECK(store.outbox()[0].batch_id == second);
    store.acknowledge(second, ledger);
    CHECK(store.resend_unless_acknowledged_by(ledger) == 0);

    // The station was restored from a backup: it has a new ledger.
    CHECK(store.resend_unless_acknowledged_by(restored) == 2);
    const auto outbox = store.outbox();
    REQUIRE(outbox.size() == 2);
    CHECK(outbox[0].batch_id == first);
    CHECK(outbox[0].body == first_body);
    CHECK(store.kept_releases().empty());
    CHECK(store.weeks_waiting(week("2026-W48")) == 2);
    // Nothing is released twice: the weeks stay released.
    CHECK(store.unreleased_weeks_before(week("2026-W48")).empty());
}

TEST_CASE("Kept releases are forgotten once their week is older than a station still takes",
          "[kiosk-sync][backup]") {
    TempDir dir;
    LocalStore store(dir.path() / "kiosk.sqlite3", {});
    for (const char* text : {"2026-W40", "2026-W41", "2026-W42"}) {
        store.add_uses(uses(text, visit(), 5));
        const std::string id = new_batch_id();
        store.prepare_release(week(text), shape(), 5, id);
        store.acknowledge(id, std::string(32, 'c'));
    }
    store.forget_kept_before(week("2026-W41"));
    const auto kept = store.kept_releases();
    REQUIRE(kept.size() == 2);
    CHECK(kept[0].week == week("2026-W41"));
    CHECK(kept[1].week == week("2026-W42"));
}

TEST_CASE("A version 2 store keeps its outbox and opens with kept releases; damaged kept rows are "
          "dropped",
          "[kiosk-sync][backup]") {
    TempDir dir;
    const auto file = dir.path() / "kiosk.sqlite3";
    std::string waiting_body;
    const std::string waiting = new_batch_id();
    {
        LocalStore made(file, {});
        made.add_uses(uses("2026-W46", visit(), 6));
        made.prepare_release(week("2026-W46"), shape(), 5, waiting);
        waiting_body = made.outbox().at(0).body;
        // As a version 2 kiosk left it.
        made.database().exec("DROP TABLE kept_releases");
        made.database().exec("PRAGMA user_version=2");
    }
    {
        LocalStore store(file, {});
        CHECK_FALSE(store.moved_aside().has_value());
        CHECK(store.database().execAndGet("PRAGMA user_version").getInt() == 3);
        REQUIRE(store.outbox().size() == 1);
        CHECK(store.outbox()[0].body == waiting_body);
        store.acknowledge(waiting, std::string(32, 'd'));
        auto& db = store.database();
        // Hostile rows: a ledger that is not one, a body that is not its batch, a bad id.
        SQLite::Statement bad(db, "INSERT INTO kept_releases VALUES (?, ?, ?, ?)");
        const std::string other = new_batch_id();
        bad.bind(1, other);
        bad.bind(2, "2026-W47");
        bad.bind(3, waiting_body);
        bad.bind(4, std::string(32, 'd'));
        bad.exec();
        db.exec("INSERT INTO kept_releases VALUES ('not-a-uuid', '2026-W48', '{}', '')");
        SQLite::Statement bad_ledger(db, "UPDATE kept_releases SET ledger = ? WHERE batch_id = ?");
        bad_ledger.bind(1, "2026-11-18 13:05 Wednesday");
        bad_ledger.bind(2, waiting);
        bad_ledger.exec();
    }
    LocalStore store(file, {});
    CHECK(store.rows_dropped_at_open() == 3);
    CHECK(store.kept_releases().empty());
}
