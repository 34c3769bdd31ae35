// Backup and restore (issue 17) against the real station on loopback: a backup taken while
// kiosks post batches restores to a station that serves what the original held at that moment,
// and the batches kiosks send it again count once; a restore refuses every file that is not a
// whole, undamaged backup of a schema this program knows, and a data directory still in use,
// leaving the data directory as it was; the nightly backup keeps the newest 14; only admins
// download it.

#include "station_backup.hpp"
#include "station_fixture.hpp"
#include "station_tls.hpp"
#include "wellness/kiosk_headers.hpp"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>
#include <fstream>
#include <latch>
#include <map>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace station_test;
namespace fs = std::filesystem;
using wellness::station::BackupError;

namespace {

std::string read_bytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

void write_bytes(const fs::path& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

using CountMap = std::map<std::tuple<std::string, std::string, std::string>, std::int64_t>;

CountMap stored_counts(TestStation& station) {
    CountMap counts;
    const auto from = *wellness::IsoWeek::parse("2026-W01");
    const auto to = *wellness::IsoWeek::parse("2026-W53");
    for (const auto& count : station.station().store().weekly_counts(from, to))
        if (count.n != 0)
            counts[{count.week.to_string(), count.metric, count.key}] = count.n;
    return counts;
}

// A batch as a kiosk keeps it in its outbox: its token and the exact body, resent unchanged.
struct SentBatch {
    std::string kiosk;
    Json body;
    wellness::Counters counts;
    std::string week;
};

std::string post_batch(TestStation& station, const SentBatch& sent) {
    auto reply = station.post("/api/v1/kiosk/counts", sent.body, sent.kiosk);
    if (reply.status != 200)
        return "HTTP " + std::to_string(reply.status) + " " + reply.body;
    return reply.json()["status"].get<std::string>();
}

void add_counts(CountMap& total, const SentBatch& sent) {
    for (const auto& [key, n] : sent.counts)
        total[{sent.week, key.metric, key.key}] += n;
}

// What an admin sees of the station's kiosks, tokens and content. A kiosk's last contact is
// written with its batches, so it is left out when `with_contacts` is false.
Json admin_view(TestStation& station, const std::string& admin, bool with_contacts = true) {
    // The kiosks themselves; the answer's station-wide parts (free disk space, the time) are not
    // the data a restore brings back.
    Json kiosks = station.get("/api/v1/admin/kiosks", admin).json()["kiosks"];
    if (!with_contacts)
        for (auto& kiosk : kiosks) {
            kiosk.erase("last_contact");
            kiosk.erase("health"); // follows from the last contact
        }
    // The tokens without the station's time; their last use is a contact too.
    Json tokens = station.get("/api/v1/admin/coordinator-tokens", admin).json()["tokens"];
    if (!with_contacts)
        for (auto& token : tokens)
            token.erase("last_used_day");
    return {{"kiosks", kiosks},
            {"tokens", tokens},
            {"content", station.get("/api/v1/admin/content/versions", admin).json()},
            {"current", station.get("/api/v1/admin/content", admin).json()}};
}

std::string summary_of(TestStation& station, const std::string& coordinator) {
    auto reply = station.get("/api/v1/summary?from=2026-W40&to=2026-W47&period=week&format=csv",
                             coordinator);
    return std::to_string(reply.status) + "\n" + reply.body;
}

// Every file in the directory with its bytes, to see that a refused restore changed nothing.
std::map<std::string, std::string> directory_state(const fs::path& dir) {
    std::map<std::string, std::string> state;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file())
            state[fs::relative(entry.path(), dir).string()] = read_bytes(entry.path());
    return state;
}

// A stopped station with a kiosk, a coordinator token and one week of counts.
struct StoppedStation {
    TestStation station;
    StoppedStation() {
        const auto kiosk = station.kiosk_token("hall");
        station.coordinator_token();
        REQUIRE(
            station.post("/api/v1/kiosk/counts", visit_batch(new_batch_id(), "2026-W46", 7), kiosk)
                .json()["status"] == "applied");
        station.stop();
    }
};

std::string restore_refusal(const fs::path& data_dir, const fs::path& file) {
    try {
        wellness::station::restore_backup(data_dir, file);
    } catch (const BackupError& error) {
        return error.what();
    }
    return "restored";
}

} // namespace

TEST_CASE("a station restored from a backup taken mid-ingest serves what the original held then, "
          "and kiosks' resent batches count once",
          "[station][backup]") {
    TempDir temp;
    const fs::path backup_file = temp.path() / "mid-ingest.backup";
    TestStation original;
    const std::string admin = original.admin_token();
    const std::string coordinator = original.coordinator_token();

    std::vector<SentBatch> batches;
    for (int room = 0; room < 8; ++room) {
        const std::string kiosk = original.kiosk_token("room " + std::to_string(room));
        for (const char* week : {"2026-W45", "2026-W46"}) {
            auto counts = counters({{"visit", "start", 5 + room}, {"crisis.viewed", "list", 3}});
            batches.push_back({kiosk, release_batch(week, counts), counts, week});
        }
    }
    const Json admin_before = admin_view(original, admin, false);

    // Six acknowledged before the backup, six from two kiosks' threads while it runs (each
    // thread's first acknowledged before it starts), four after it.
    for (std::size_t i = 0; i < 6; ++i)
        REQUIRE(post_batch(original, batches[i]) == "applied");
    std::latch senders_started(2);
    std::vector<std::string> concurrent_outcomes(6);
    std::vector<std::thread> senders;
    for (std::size_t thread = 0; thread < 2; ++thread)
        senders.emplace_back([&, thread] {
            for (std::size_t j = 0; j < 3; ++j) {
                const std::size_t index = 6 + thread * 3 + j;
                concurrent_outcomes[index - 6] = post_batch(original, batches[index]);
                if (j == 0)
                    senders_started.count_down();
            }
        });
    senders_started.wait();
    wellness::station::write_backup(original.data_dir(), backup_file);
    for (auto& sender : senders)
        sender.join();
    for (const auto& outcome : concurrent_outcomes)
        REQUIRE(outcome == "applied");
    for (std::size_t i = 12; i < batches.size(); ++i)
        REQUIRE(post_batch(original, batches[i]) == "applied");
    CHECK(file_mode(backup_file) == 0600);

    TempDir restored_temp;
    const fs::path restored_dir = restored_temp.path() / "data";
    wellness::station::restore_backup(restored_dir, backup_file);
    TestStation restored({}, restored_dir);

    // Accounts, sessions and tokens made before the backup work on the restored station.
    CHECK(restored.get("/api/v1/summary?from=2026-W45&to=2026-W46", coordinator).status == 200);
    CHECK(admin_view(restored, admin, false) == admin_before);
    const CountMap at_backup = stored_counts(restored);

    // The kiosks send every batch again (as they would to a station that lost them): those in
    // the backup are duplicates, the rest are applied, and the counts before the resend are
    // exactly the batches the backup held, each wholly.
    CountMap held;
    int in_backup = 0;
    for (std::size_t i = 0; i < batches.size(); ++i) {
        const std::string outcome = post_batch(restored, batches[i]);
        INFO("batch " << i << ": " << outcome);
        if (i < 6)
            CHECK(outcome == "duplicate");
        else if (i >= 12)
            CHECK(outcome == "applied");
        else
            CHECK((outcome == "duplicate" || outcome == "applied"));
        if (outcome == "duplicate") {
            add_counts(held, batches[i]);
            ++in_backup;
        }
    }
    CHECK(at_backup == held);
    CHECK(in_backup >= 6);
    CHECK(in_backup <= 12);

    // Nothing lost, nothing doubled: the same counts and the same summary as the original, and
    // a third sending changes nothing.
    CHECK(stored_counts(restored) == stored_counts(original));
    CHECK(summary_of(restored, coordinator) == summary_of(original, coordinator));
    CHECK(admin_view(restored, admin) == admin_view(original, admin));
    for (const auto& batch : batches)
        CHECK(post_batch(restored, batch) == "duplicate");
    CHECK(stored_counts(restored) == stored_counts(original));
}

TEST_CASE("a restored TLS station keeps the certificate its kiosks pinned", "[station][backup]") {
    TempDir temp;
    const auto tls_on = [](wellness::station::StationConfig& config) { config.tls_enabled = true; };
    TestStation original(tls_on);
    const std::string fingerprint = original.station().tls()->fingerprint();
    wellness::station::write_backup(original.data_dir(), temp.path() / "tls.backup");
    original.stop();

    wellness::station::restore_backup(temp.path() / "data", temp.path() / "tls.backup");
    TestStation restored(tls_on, temp.path() / "data");
    CHECK(restored.station().tls()->fingerprint() == fingerprint);
    CHECK(file_mode(temp.path() / "data" / "tls" / "station.pem") == 0600);
    CHECK(restored.get("/healthz").status == 200);
}

TEST_CASE("restore refuses a backup of a newer schema, a damaged, a truncated or a non-backup "
          "file, and leaves the data directory as it was",
          "[station][backup]") {
    TempDir temp;
    StoppedStation source;
    const fs::path good = temp.path() / "good.backup";
    wellness::station::write_backup(source.station.data_dir(), good);
    const std::string bytes = read_bytes(good);

    StoppedStation target;
    const fs::path target_dir = target.station.data_dir();
    const auto before = directory_state(target_dir);

    SECTION("damaged: one byte of the database changed") {
        std::string damaged = bytes;
        damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x55);
        write_bytes(temp.path() / "bad", damaged);
        CHECK_THAT(restore_refusal(target_dir, temp.path() / "bad"),
                   Catch::Contains("damaged") && Catch::Contains("SHA-256"));
    }
    SECTION("truncated") {
        write_bytes(temp.path() / "bad", bytes.substr(0, bytes.size() - 100));
        CHECK_THAT(restore_refusal(target_dir, temp.path() / "bad"), Catch::Contains("truncated"));
        write_bytes(temp.path() / "bad", bytes.substr(0, 40));
        CHECK_THAT(restore_refusal(target_dir, temp.path() / "bad"), Catch::Contains("truncated"));
    }
    SECTION("bytes after the last file") {
        write_bytes(temp.path() / "bad", bytes + "x");
        CHECK_THAT(restore_refusal(target_dir, temp.path() / "bad"), Catch::Contains("damaged"));
    }
    SECTION("not a backup: a bare database, a text file, an empty file, a directory") {
        write_bytes(temp.path() / "bad", read_bytes(source.station.data_dir() / "station.sqlite3"));
        CHECK_THAT(restore_refusal(target_dir, temp.path() / "bad"),
                   Catch::Contains("not a station backup"));
        write_bytes(temp.path() / "bad", "hello\n");
        CHECK_THAT(restore_refusal(target_dir, temp.path() / "bad"),
                   Catch::Contains("not a station backup"));
        write_bytes(temp.path() / "bad", "");
        CHECK_THAT(restore_refusal(target_dir, temp.path() / "bad"),
                   Catch::Contains("not a station backup"));
        CHECK_THAT(restore_refusal(target_dir, temp.path()), Catch::Contains("cannot read"));
        CHECK_THAT(restore_refusal(target_dir, temp.path() / "missing"),
                   Catch::Contains("cannot read"));
    }
    SECTION("a head that names a file no backup holds") {
        auto contents = wellness::station::decode_backup(bytes);
        contents.entries.push_back({"../escape", "x"});
        write_bytes(temp.path() / "bad", wellness::station::encode_backup(contents));
        CHECK_THAT(restore_refusal(target_dir, temp.path() / "bad"), Catch::Contains("damaged"));
    }
    SECTION("a newer schema") {
        {
            SQLite::Database db((source.station.data_dir() / "station.sqlite3").string(),
                                SQLite::OPEN_READWRITE);
            db.exec("PRAGMA user_version=" +
                    std::to_string(wellness::station::StationStore::schema_version() + 1));
        }
        wellness::station::write_backup(source.station.data_dir(), temp.path() / "bad");
        CHECK_THAT(restore_refusal(target_dir, temp.path() / "bad"),
                   Catch::Contains("newer station-server"));
    }
    SECTION("a database that fails SQLite's integrity check, its checksums right") {
        auto contents = wellness::station::decode_backup(bytes);
        std::string& database = contents.entries.front().bytes;
        REQUIRE(database.size() > 3 * 4096);
        // Page 2 onwards overwritten: the header still says SQLite, the b-trees are garbage.
        for (std::size_t i = 4096; i < database.size() - 4096; ++i)
            database[i] = static_cast<char>(i * 7);
        write_bytes(temp.path() / "bad", wellness::station::encode_backup(contents));
        const std::string refusal = restore_refusal(target_dir, temp.path() / "bad");
        CHECK_THAT(refusal,
                   Catch::Contains("integrity check") || Catch::Contains("cannot be read"));
    }
    SECTION("a database with a trigger a station never makes") {
        {
            SQLite::Database db((source.station.data_dir() / "station.sqlite3").string(),
                                SQLite::OPEN_READWRITE);
            db.exec("CREATE TRIGGER copy AFTER INSERT ON weekly_counts BEGIN SELECT 1; END");
        }
        wellness::station::write_backup(source.station.data_dir(), temp.path() / "bad");
        CHECK_THAT(restore_refusal(target_dir, temp.path() / "bad"), Catch::Contains("triggers"));
    }

    CHECK(directory_state(target_dir) == before);
}

TEST_CASE("restore refuses a data directory a running station is using", "[station][backup]") {
    TempDir temp;
    TestStation running;
    const std::string coordinator = running.coordinator_token();
    const std::string summary = summary_of(running, coordinator);
    wellness::station::write_backup(running.data_dir(), temp.path() / "b.backup");

    CHECK_THAT(restore_refusal(running.data_dir(), temp.path() / "b.backup"),
               Catch::Contains("a station-server is using"));
    CHECK(fs::exists(running.data_dir() / "station.sqlite3"));
    CHECK_FALSE(fs::exists(running.data_dir() / "station.sqlite3.restoring"));
    CHECK(summary_of(running, coordinator) == summary);

    // Stopped, the same directory takes it.
    running.stop();
    CHECK(restore_refusal(running.data_dir(), temp.path() / "b.backup") == "restored");
}

TEST_CASE("a restore run as root gives what it writes to the data directory's owner, so the "
          "service user can open it",
          "[station][backup]") {
    if (::geteuid() != 0) {
        WARN("not root: a restore then writes files as its own user");
        return;
    }
    TempDir temp;
    const auto tls_on = [](wellness::station::StationConfig& config) { config.tls_enabled = true; };
    {
        TestStation source(tls_on);
        wellness::station::write_backup(source.data_dir(), temp.path() / "b.backup");
    }
    const fs::path data = temp.path() / "data";
    fs::create_directories(data);
    const uid_t service_user = 4321;
    REQUIRE(::chown(data.c_str(), service_user, service_user) == 0);
    wellness::station::restore_backup(data, temp.path() / "b.backup");
    for (const char* name : {"station.sqlite3", "station.lock", "tls", "tls/station.pem"}) {
        struct stat info {};
        REQUIRE(::stat((data / name).c_str(), &info) == 0);
        INFO(name);
        CHECK(info.st_uid == service_user);
        CHECK(info.st_gid == service_user);
    }
}

TEST_CASE("the nightly backup keeps the newest N, mode 0600 in a 0700 directory, and leaves "
          "other files alone",
          "[station][backup]") {
    TestStation station;
    const fs::path dir = station.data_dir() / "backups";
    fs::create_directories(dir);
    write_bytes(dir / "notes.txt", "mine");
    write_bytes(dir / "station-old.backup", "also mine");
    const std::time_t first = wednesday_of_2026_w47();
    std::vector<fs::path> made;
    for (int night = 0; night < 5; ++night)
        made.push_back(wellness::station::write_backup_into(station.data_dir(), dir, 3,
                                                            first + night * 24 * 3600));
    CHECK(made.front().filename().string().starts_with("station-20261118T"));
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
        names.insert(entry.path().filename().string());
    CHECK(names == std::set<std::string>{"notes.txt", "station-old.backup",
                                         made[2].filename().string(), made[3].filename().string(),
                                         made[4].filename().string()});
    CHECK(file_mode(dir) == 0700);
    CHECK(file_mode(made[4]) == 0600);
    CHECK(wellness::station::latest_backup(dir) == made[4]);

    CHECK_THROWS_AS(wellness::station::write_backup_into(station.data_dir(), dir, 0, first),
                    BackupError);
    CHECK_THROWS_AS(wellness::station::write_backup_into(station.data_dir(), dir, 366, first),
                    BackupError);
}

TEST_CASE("only admins download the latest nightly backup, as an attachment", "[station][backup]") {
    TestStation station;
    const std::string admin = station.admin_token();
    const std::string coordinator = station.coordinator_token();
    const std::string kiosk = station.kiosk_token();
    const std::string path = "/api/v1/admin/backups/latest";
    CHECK(station.get(path, admin).error_code() == "no_backup");

    const fs::path dir = station.data_dir() / wellness::station::backups_directory;
    const std::time_t night = wednesday_of_2026_w47();
    wellness::station::write_backup_into(station.data_dir(), dir, 14, night);
    const fs::path latest =
        wellness::station::write_backup_into(station.data_dir(), dir, 14, night + 24 * 3600);

    CHECK(station.get(path).status == 401);
    CHECK(station.get(path, coordinator).status == 403);
    CHECK(station.get(path, kiosk).status == 403);
    CHECK(station.call({"POST", path, "", "", coordinator, {}, false}).status == 403);

    auto download = station.get(path, admin);
    REQUIRE(download.status == 200);
    CHECK(download.header("Content-Type") == "application/octet-stream");
    CHECK(download.header("Content-Disposition") ==
          "attachment; filename=\"" + latest.filename().string() + "\"");
    CHECK(download.header("Cache-Control") == "no-store");
    CHECK(download.body == read_bytes(latest));
    CHECK(wellness::station::decode_backup(download.body).schema ==
          wellness::station::StationStore::schema_version());
    const auto audit = station.station().store().audit_log(1);
    REQUIRE(audit.size() == 1);
    CHECK(audit[0].action == "backup.download");
    CHECK(audit[0].admin == "alice");
}

TEST_CASE("station-server backup and restore from the command line, refusing with a clear "
          "message and a non-zero exit",
          "[station][backup]") {
    TempDir temp;
    TestStation running;
    const std::string coordinator = running.coordinator_token();
    const fs::path file = temp.path() / "cli.backup";
    const auto run = [](const std::vector<std::string>& args, std::string& err) {
        Poco::Pipe errors;
        auto handle = Poco::Process::launch(STATION_SERVER_BINARY, args, nullptr, nullptr, &errors);
        Poco::PipeInputStream stream(errors);
        err.clear();
        Poco::StreamCopier::copyToString(stream, err);
        return handle.wait();
    };
    std::string err;
    CHECK(run({"backup", "--data", running.data_dir().string(), file.string()}, err) == 0);
    CHECK(file_mode(file) == 0600);
    CHECK(run({"restore", "--data", running.data_dir().string(), file.string()}, err) != 0);
    CHECK_THAT(err, Catch::Contains("a station-server is using"));
    CHECK(run({"backup", "--data", running.data_dir().string(), "--into",
               (running.data_dir() / "backups").string(), "--keep", "0"},
              err) != 0);
    CHECK(run({"backup", "--data", running.data_dir().string(), "--into",
               (running.data_dir() / "backups").string(), "--keep", "2"},
              err) == 0);
    CHECK(wellness::station::latest_backup(running.data_dir() / "backups"));

    const fs::path fresh = temp.path() / "fresh";
    CHECK(run({"restore", "--data", fresh.string(), file.string()}, err) == 0);
    TestStation restored({}, fresh);
    CHECK(summary_of(restored, coordinator) == summary_of(running, coordinator));
}

TEST_CASE("every kiosk manifest answer names the station's ledger: the same across restarts, a "
          "new one after a restore, and a damaged ledger file is made again",
          "[station][backup]") {
    TempDir temp;
    TestStation original({}, temp.path() / "data");
    const std::string kiosk = original.kiosk_token();
    const Reply first = original.get("/api/v1/kiosk/content", kiosk);
    REQUIRE(first.status == 200);
    const std::string ledger = first.header("X-Station-Ledger");
    CHECK(wellness::is_valid_ledger_id(ledger));
    Request again;
    again.path = "/api/v1/kiosk/content";
    again.token = kiosk;
    again.headers["If-None-Match"] = first.header("ETag");
    const Reply not_modified = original.call(again);
    CHECK(not_modified.status == 304);
    CHECK(not_modified.header("X-Station-Ledger") == ledger);
    wellness::station::write_backup(original.data_dir(), temp.path() / "night.backup");
    original.restart();
    CHECK(original.get("/api/v1/kiosk/content", kiosk).header("X-Station-Ledger") == ledger);
    CHECK(file_mode(temp.path() / "data" / "ledger-id") == 0600);
    original.stop();

    wellness::station::restore_backup(temp.path() / "data", temp.path() / "night.backup");
    TestStation restored({}, temp.path() / "data");
    const std::string after_restore =
        restored.get("/api/v1/kiosk/content", kiosk).header("X-Station-Ledger");
    CHECK(wellness::is_valid_ledger_id(after_restore));
    CHECK(after_restore != ledger);
    restored.stop();

    write_bytes(temp.path() / "data" / "ledger-id", "2026-11-18 13:05\n");
    TestStation repaired({}, temp.path() / "data");
    const std::string remade =
        repaired.get("/api/v1/kiosk/content", kiosk).header("X-Station-Ledger");
    CHECK(wellness::is_valid_ledger_id(remade));
    CHECK(remade != after_restore);
}
