// Group commit of counts batches: many batches share one transaction, each still counts exactly
// once, and nothing is acknowledged before its commit.

#include "station_fixture.hpp"
#include "wellness/iso_week.hpp"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace station_test;
using wellness::IsoWeek;
using wellness::station::BatchOutcome;
using wellness::station::PendingBatch;

namespace {

PendingBatch pending_visits(const std::string& batch_id, const IsoWeek& week, int n,
                            std::int64_t kiosk_id, std::time_t at) {
    PendingBatch pending;
    pending.batch.batch_id = batch_id;
    pending.batch.counts.push_back({week, "visit", "start", n});
    pending.kiosk_id = kiosk_id;
    pending.received_at = at;
    return pending;
}

// A station with one enrolled kiosk (id 1), a group writer of the test's own and last week.
struct StationWithWriter {
    TestStation station;
    wellness::station::StationStore& store;
    std::unique_ptr<wellness::station::BatchGroupWriter> writer;
    IsoWeek week;

    StationWithWriter()
        : store((station.kiosk_token("room 1"), station.station().store())),
          writer(store.open_group_writer()),
          week(IsoWeek::from_local_time(station.now.load()).prev()) {}
};

// A station with one enrolled kiosk, and the week its batches count for.
struct StationWithKiosk {
    TestStation station;
    std::string kiosk;
    std::string week;
    explicit StationWithKiosk(const TestStation::Tweak& tweak = {})
        : station(tweak), kiosk(station.kiosk_token()), week(last_week(station)) {}
};

// A station that stops waiting for a commit after 100 ms.
TestStation::Tweak short_commit_wait() {
    return [](wellness::station::StationConfig& config) {
        config.counts_commit_wait = std::chrono::milliseconds(100);
    };
}

// Another writer holding the database's write lock while it lives, as a long admin change would.
struct WriteLockHeld {
    SQLite::Database other;
    SQLite::Transaction hold;
    explicit WriteLockHeld(const TestStation& station)
        : other((station.data_dir() / "station.sqlite3").string(), SQLite::OPEN_READWRITE),
          hold(other, SQLite::TransactionBehavior::IMMEDIATE) {}
};

} // namespace

TEST_CASE("a commit group holding the same batch twice applies it once and records the contact",
          "[station]") {
    StationWithWriter setup;
    auto& [station, store, writer, week] = setup;
    std::time_t contact = station.now.load() + 3600;
    auto first = pending_visits(new_batch_id(), week, 4, 1, contact);
    // Another kiosk's: one kiosk releases a week once (promise 7).
    auto second = pending_visits(new_batch_id(), week, 7, 2, contact);
    auto repeat = first;

    auto outcomes = writer->apply_group({&first, &second, &repeat});
    REQUIRE(outcomes.size() == 3);
    CHECK(outcomes[0] == BatchOutcome::applied);
    CHECK(outcomes[1] == BatchOutcome::applied);
    CHECK(outcomes[2] == BatchOutcome::duplicate);
    CHECK(stored_visits(station, week.to_string()) == 11);
    auto kiosk = store.find_kiosk(1);
    REQUIRE(kiosk);
    REQUIRE(kiosk->last_contact);
    CHECK(*kiosk->last_contact == contact);

    // A later group sees both ids as already counted.
    auto again = writer->apply_group({&second, &first});
    CHECK(again == std::vector<BatchOutcome>{BatchOutcome::duplicate, BatchOutcome::duplicate});
    CHECK(stored_visits(station, week.to_string()) == 11);
}

TEST_CASE("concurrent kiosks' batches are each counted exactly once, replays included",
          "[station]") {
    // Each batch releases another week (a kiosk releases a week once), none of them sealed yet.
    TestStation station([](auto& config) { config.seal_after_days = 366; });
    std::vector<std::string> tokens;
    for (int k = 0; k < 4; ++k)
        tokens.push_back(station.kiosk_token("room " + std::to_string(k)));
    std::string week = last_week(station);
    constexpr int batches_per_kiosk = 12;
    // Every batch is sent twice by its kiosk's two connections at once: one answer must be
    // applied and the other duplicate.
    std::vector<std::vector<std::string>> ids(tokens.size());
    for (auto& mine : ids)
        for (int b = 0; b < batches_per_kiosk; ++b)
            mine.push_back(new_batch_id());
    std::vector<std::vector<std::string>> answers(tokens.size() * 2);
    std::vector<std::thread> senders;
    for (std::size_t s = 0; s < answers.size(); ++s)
        senders.emplace_back([&, s] {
            std::size_t kiosk = s / 2;
            for (std::size_t b = 0; b < ids[kiosk].size(); ++b) {
                auto reply = station.post(
                    "/api/v1/kiosk/counts",
                    visit_batch(ids[kiosk][b],
                                IsoWeek::parse(week)->plus_weeks(-static_cast<long>(b)).to_string(),
                                5),
                    tokens[kiosk]);
                answers[s].push_back(reply.status == 200 ? reply.json()["status"].get<std::string>()
                                                         : std::to_string(reply.status));
            }
        });
    for (auto& sender : senders)
        sender.join();

    for (std::size_t kiosk = 0; kiosk < tokens.size(); ++kiosk)
        for (int b = 0; b < batches_per_kiosk; ++b) {
            std::multiset<std::string> pair{answers[kiosk * 2][static_cast<std::size_t>(b)],
                                            answers[kiosk * 2 + 1][static_cast<std::size_t>(b)]};
            CHECK(pair == std::multiset<std::string>{"applied", "duplicate"});
        }
    for (long b = 0; b < batches_per_kiosk; ++b)
        CHECK(stored_visits(station, IsoWeek::parse(week)->plus_weeks(-b).to_string()) ==
              static_cast<std::int64_t>(tokens.size()) * 5);
}

TEST_CASE("a counts request whose commit cannot happen in time answers 503, and its retry counts "
          "once",
          "[station]") {
    TestStation station(short_commit_wait());
    auto kiosk = station.kiosk_token();
    std::string week = last_week(station);
    auto batch = visit_batch(new_batch_id(), week, 6);
    {
        WriteLockHeld lock(station);
        auto busy = station.post("/api/v1/kiosk/counts", batch, kiosk);
        REQUIRE(busy.status == 503);
        CHECK(busy.error_code() == "station_busy");
        CHECK(busy.header("Retry-After") == "5");
    } // the lock goes; the queued batch commits

    auto retry = station.post("/api/v1/kiosk/counts", batch, kiosk);
    REQUIRE(retry.status == 200);
    CHECK(retry.json()["status"] == "duplicate");
    CHECK(stored_visits(station, week) == 6);
}

TEST_CASE("after a checkpoint the counts writer finishes, the write-ahead log starts over",
          "[station]") {
    StationWithWriter setup;
    auto& [station, store, writer, week] = setup;
    std::int64_t kiosk_id = 0; // each commit another kiosk's release of the week
    // Through setup: clang 14 (Debian's) cannot capture a structured binding.
    auto commit_one = [&] {
        auto pending =
            pending_visits(new_batch_id(), setup.week, 5, ++kiosk_id, setup.station.now.load());
        REQUIRE(setup.writer->apply_group({&pending}) == std::vector{BatchOutcome::applied});
    };
    commit_one();
    // A summary reading while batches commit: the checkpoint cannot copy what was committed
    // after the reader's view began, just as when commits run beside a background checkpoint.
    SQLite::Database reader((station.data_dir() / "station.sqlite3").string(),
                            SQLite::OPEN_READONLY);
    SQLite::Transaction reading(reader);
    SQLite::Statement view(reader, "SELECT count(*) FROM weekly_counts");
    REQUIRE(view.executeStep());
    commit_one();
    store.checkpoint();
    view.reset();
    reading.commit();
    commit_one();
    const int frames_before = writer->wal_frames();
    REQUIRE(frames_before > 0);

    SECTION("finished: the next commit writes from the start of the log") {
        writer->finish_checkpoint();
        commit_one();
        CHECK(writer->wal_frames() < frames_before);
    }
    SECTION("not finished: the log only grows") {
        commit_one();
        CHECK(writer->wal_frames() > frames_before);
    }
}

TEST_CASE("a commit group that fails applies nothing and the next group is applied", "[station]") {
    StationWithWriter setup;
    auto& [station, store, writer, week] = setup;
    const std::string file = (station.data_dir() / "station.sqlite3").string();
    const std::time_t contact = station.now.load() + 3600;
    auto failing = pending_visits(new_batch_id(), week, 5, 1, contact);
    const auto contact_before = store.find_kiosk(1)->last_contact;
    {
        // Stands in for a full disk or an I/O error in the middle of the group.
        SQLite::Database side(file, SQLite::OPEN_READWRITE);
        side.exec("CREATE TRIGGER fail_counts BEFORE INSERT ON weekly_counts "
                  "BEGIN SELECT RAISE(ABORT, 'x'); END");
    }
    REQUIRE_THROWS(writer->apply_group({&failing}));
    CHECK(stored_visits(station, week.to_string()) == 0);
    auto kiosk = store.find_kiosk(1);
    REQUIRE(kiosk);
    CHECK(kiosk->last_contact == contact_before);
    {
        SQLite::Database side(file, SQLite::OPEN_READWRITE);
        side.exec("DROP TRIGGER fail_counts");
    }

    // The same writer goes on: the failed batch was not remembered, so its retry counts.
    auto next = pending_visits(new_batch_id(), week, 2, 2, contact);
    CHECK(writer->apply_group({&next, &failing}) ==
          std::vector{BatchOutcome::applied, BatchOutcome::applied});
    CHECK(stored_visits(station, week.to_string()) == 7);
    kiosk = store.find_kiosk(1);
    REQUIRE(kiosk);
    REQUIRE(kiosk->last_contact);
    CHECK(*kiosk->last_contact == contact);
}

namespace {

// A counts request as raw HTTP/1.1 text, to send several on one connection without waiting.
std::string raw_counts_request(const Json& batch, const std::string& token,
                               bool close_after = false) {
    std::string body = batch.dump();
    return "POST /api/v1/kiosk/counts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Content-Type: application/json\r\nAuthorization: Bearer " +
           token + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
           (close_after ? "Connection: close\r\n" : "") + "\r\n" + body;
}

// The bodies of the answers in `received`, in the order they came.
std::vector<std::string> answer_bodies(const std::string& received) {
    std::vector<std::string> bodies;
    for (auto head_end = received.find("\r\n\r\n"); head_end != std::string::npos;) {
        auto next = received.find("HTTP/1.1 ", head_end);
        bodies.push_back(received.substr(
            head_end + 4, next == std::string::npos ? std::string::npos : next - head_end - 4));
        head_end = next == std::string::npos ? next : received.find("\r\n\r\n", next);
    }
    return bodies;
}

} // namespace

TEST_CASE("batches sent on one connection without waiting are answered in the order sent, "
          "each once",
          "[station]") {
    StationWithKiosk setup;
    auto& [station, kiosk, week] = setup;
    // Two weeks of one kiosk: each released once, with at least k visits.
    auto first = visit_batch(new_batch_id(), week, 6);
    const std::string week_before = IsoWeek::parse(week)->prev().to_string();
    auto second = visit_batch(new_batch_id(), week_before, 5);
    std::string raw = raw_counts_request(first, kiosk) + raw_counts_request(second, kiosk) +
                      raw_counts_request(first, kiosk) +
                      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    bool closed = false;
    auto received = exchange_raw(station.port(), raw, closed);
    CHECK(closed);
    auto bodies = answer_bodies(received);
    REQUIRE(bodies.size() == 4);
    CHECK(bodies[0] == R"({"status":"applied"})");
    CHECK(bodies[1] == R"({"status":"applied"})");
    CHECK(bodies[2] == R"({"status":"duplicate"})");
    CHECK(wellness::parse_json_input(bodies[3]).value->at("status") == "ok");
    CHECK(stored_visits(station, week) == 6);
    CHECK(stored_visits(station, week_before) == 5);
}

TEST_CASE("a counts request that asks to close the connection has its answer before the close",
          "[station]") {
    StationWithKiosk setup;
    auto& [station, kiosk, week] = setup;
    bool closed = false;
    auto received =
        exchange_raw(station.port(),
                     raw_counts_request(visit_batch(new_batch_id(), week, 5), kiosk, true), closed);
    CHECK(closed);
    REQUIRE(status_lines(received) == 1);
    CHECK(received.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(received.find("Connection: Close\r\n") != std::string::npos);
    CHECK(received.find("Content-Security-Policy: default-src 'none'") != std::string::npos);
    CHECK(answer_bodies(received) == std::vector<std::string>{R"({"status":"applied"})"});
    CHECK(stored_visits(station, week) == 5);
}

TEST_CASE("a kiosk that hangs up right after sending a batch leaves it counted once and the "
          "station serving",
          "[station]") {
    StationWithKiosk setup;
    auto& [station, kiosk, week] = setup;
    auto batch = visit_batch(new_batch_id(), week, 7);
    for (int attempt = 0; attempt < 5; ++attempt) {
        Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", station.port()));
        std::string raw = raw_counts_request(batch, kiosk);
        socket.sendBytes(raw.data(), static_cast<int>(raw.size()));
        socket.close(); // before any answer: the station's answer meets a closed connection
    }
    auto retry = station.post("/api/v1/kiosk/counts", batch, kiosk);
    REQUIRE(retry.status == 200);
    station.restart(); // a stop finishes every request in flight, the hung-up ones too
    CHECK(stored_visits(station, week) == 7);
    auto again = station.post("/api/v1/kiosk/counts", batch, kiosk);
    REQUIRE(again.status == 200);
    CHECK(again.json()["status"] == "duplicate");
}

TEST_CASE("a batch answered 503 at its deadline gets no second answer on its connection when it "
          "commits later",
          "[station]") {
    StationWithKiosk setup(short_commit_wait());
    auto& [station, kiosk, week] = setup;
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", station.port()));
    socket.setReceiveTimeout(Poco::Timespan(3, 0));
    {
        WriteLockHeld lock(station);
        std::string raw = raw_counts_request(visit_batch(new_batch_id(), week, 5), kiosk);
        socket.sendBytes(raw.data(), static_cast<int>(raw.size()));
        std::string busy;
        char buffer[4096];
        for (int reads = 0; reads < 100 && busy.find("station_busy") == std::string::npos;
             ++reads) {
            int got = socket.receiveBytes(buffer, sizeof buffer);
            REQUIRE(got > 0);
            busy.append(buffer, static_cast<std::size_t>(got));
        }
        CHECK(busy.rfind("HTTP/1.1 503", 0) == 0);
    } // the lock goes; the queued batch commits, and its answer must not follow the 503
    // Answered only after its own commit, which comes after the first batch's (one queue, in
    // order): by then any second answer to the first would have been written.
    const std::string week_before = IsoWeek::parse(week)->prev().to_string();
    REQUIRE(station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), week_before, 6), kiosk)
                .status == 200);
    CHECK(stored_visits(station, week) == 5);
    CHECK(stored_visits(station, week_before) == 6);

    std::string health = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    socket.sendBytes(health.data(), static_cast<int>(health.size()));
    bool closed = false;
    auto received = read_until_closed(socket, closed);
    CHECK(closed);
    auto bodies = answer_bodies(received);
    REQUIRE(bodies.size() == 1);
    CHECK(wellness::parse_json_input(bodies[0]).value->at("status") == "ok");
}

TEST_CASE("a station whose database has the first schema keeps its applied batch ids when it "
          "upgrades",
          "[station]") {
    StationWithKiosk setup;
    auto& [station, kiosk, week] = setup;
    auto batch = visit_batch(new_batch_id(), week, 6);
    REQUIRE(station.post("/api/v1/kiosk/counts", batch, kiosk).json()["status"] == "applied");
    station.stop();
    {
        // As the first schema kept them: a table ordered by batch id.
        SQLite::Database db((station.data_dir() / "station.sqlite3").string(),
                            SQLite::OPEN_READWRITE);
        db.exec("CREATE TABLE applied_batches (batch_id TEXT PRIMARY KEY) WITHOUT ROWID;"
                "INSERT INTO applied_batches SELECT batch_id FROM applied_batch_ids;"
                "DROP TABLE applied_batch_ids;"
                "DROP TABLE published_cells; DROP TABLE sealing; DROP TABLE kiosk_releases;"
                "ALTER TABLE kiosks DROP COLUMN enrolled_at;"
                "ALTER TABLE kiosks DROP COLUMN token_issued_at;"
                "ALTER TABLE kiosks DROP COLUMN token_expires_at;"
                "ALTER TABLE kiosks DROP COLUMN next_token_hash;"
                "ALTER TABLE kiosks DROP COLUMN next_token_expires_at;"
                "ALTER TABLE coordinator_tokens DROP COLUMN expires_at; DROP TABLE health_probe;"
                "ALTER TABLE content_versions DROP COLUMN note;"
                "ALTER TABLE audit_log DROP COLUMN details; DROP TABLE content_drafts;"
                "DROP TABLE week_reporting;"
                "ALTER TABLE coordinator_tokens DROP COLUMN last_used_day;"
                "PRAGMA user_version=1");
    }
    station.restart();
    auto replay = station.post("/api/v1/kiosk/counts", batch, kiosk);
    REQUIRE(replay.status == 200);
    CHECK(replay.json()["status"] == "duplicate");
    CHECK(stored_visits(station, week) == 6);
    SQLite::Database db((station.data_dir() / "station.sqlite3").string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() ==
          wellness::station::StationStore::schema_version());
    CHECK_FALSE(db.tableExists("applied_batches"));
}

TEST_CASE("a counts writer opened afresh knows every batch id committed before", "[station]") {
    StationWithWriter setup;
    auto& [station, store, writer, week] = setup;
    auto first = pending_visits(new_batch_id(), week, 2, 1, station.now.load());
    auto other = pending_visits(new_batch_id(), week, 5, 2, station.now.load());
    REQUIRE(writer->apply_group({&first, &other}) ==
            std::vector{BatchOutcome::applied, BatchOutcome::applied});
    auto reopened = store.open_group_writer(); // as after a restart
    CHECK(reopened->apply_group({&other, &first}) ==
          std::vector{BatchOutcome::duplicate, BatchOutcome::duplicate});
    CHECK(stored_visits(station, week.to_string()) == 7);
}

TEST_CASE("a group whose commit fails leaves its batch ids unknown, so their resend is applied",
          "[station]") {
    StationWithWriter setup;
    auto& [station, store, writer, week] = setup;
    auto good = pending_visits(new_batch_id(), week, 2, 1, station.now.load());
    // Refused by the counters' CHECK (core never lets such a count through): the whole group
    // rolls back.
    auto refused = pending_visits(new_batch_id(), week, -9, 2, station.now.load());
    CHECK_THROWS(writer->apply_group({&good, &refused}));
    CHECK(stored_visits(station, week.to_string()) == 0);
    CHECK(writer->apply_group({&good}) == std::vector{BatchOutcome::applied});
    CHECK(stored_visits(station, week.to_string()) == 2);
}

TEST_CASE("a batch whose commit fails is answered 500 on its connection, and its resend is "
          "applied once",
          "[station]") {
    StationWithKiosk setup;
    auto& [station, kiosk, week] = setup;
    auto batch = visit_batch(new_batch_id(), week, 5);
    SQLite::Database other((station.data_dir() / "station.sqlite3").string(),
                           SQLite::OPEN_READWRITE);
    // Stands in for a disk that refuses the write: the counters refuse every change.
    other.exec("CREATE TRIGGER refuse_counts BEFORE INSERT ON weekly_counts "
               "BEGIN SELECT RAISE(ABORT, 'refused'); END");
    auto failed = station.post("/api/v1/kiosk/counts", batch, kiosk);
    REQUIRE(failed.status == 500);
    CHECK(failed.error_code() == "internal_error");
    CHECK(stored_visits(station, week) == 0);
    other.exec("DROP TRIGGER refuse_counts");

    auto resend = station.post("/api/v1/kiosk/counts", batch, kiosk);
    REQUIRE(resend.status == 200);
    CHECK(resend.json()["status"] == "applied");
    CHECK(stored_visits(station, week) == 5);
}

TEST_CASE("the counts writer forgets a batch id once its week is sealed, and refuses its retry",
          "[station]") {
    StationWithWriter setup;
    auto& [station, store, writer, week] = setup;
    const std::time_t now = station.now.load();
    auto old = pending_visits(new_batch_id(), week, 5, 1, now);
    auto next = pending_visits(new_batch_id(), week, 6, 2, now);
    REQUIRE(writer->apply_group({&old, &next}) ==
            std::vector{BatchOutcome::applied, BatchOutcome::applied});
    CHECK(writer->remembered_ids() == 2);
    // Three weeks on, `week` is sealed by the next group: both its ids go, from memory and disk.
    auto later = pending_visits(new_batch_id(), week.plus_weeks(2), 7, 1, now + 21 * 24 * 3600);
    CHECK(writer->apply_group({&later, &old}) ==
          std::vector{BatchOutcome::applied, BatchOutcome::sealed});
    CHECK(writer->remembered_ids() == 1);
    CHECK(store.open_group_writer()->remembered_ids() == 1); // as after a restart
    CHECK(stored_visits(station, week.to_string()) == 11);
}
