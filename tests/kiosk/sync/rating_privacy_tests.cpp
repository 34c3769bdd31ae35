// Issue 15: a person's before / after stress rating is a pair only in the kiosk's memory, until
// Done. What reaches the kiosk's counts database (and its journal or WAL) and the wire are the two
// marginal histograms: two kiosks whose visitors gave the same ratings, paired differently, hold
// and send exactly the same bytes. The files are read raw, as the privacy tests of issue 11 do.

#include "local_store.hpp"
#include "sync_schedule.hpp"
#include "sync_test_support.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

using namespace wellness;
using namespace wellness::kiosk;
using namespace wellness::kiosk::test;

namespace {

// The kiosk's own random secret (it derives batch ids) differs from kiosk to kiosk by design;
// zeroed, so what is left to compare is what the visits wrote.
std::string without_secret(std::string bytes) {
    const std::string name = "kiosk_secret";
    for (auto at = bytes.find(name); at != std::string::npos; at = bytes.find(name, at + 1)) {
        for (std::size_t i = at + name.size(); i < std::min(bytes.size(), at + name.size() + 64);
             ++i) {
            bytes[i] = '0';
        }
    }
    return bytes;
}

// A release body with its batch id (random per kiosk and week) zeroed.
std::string without_batch_id(std::string body) {
    const auto decoded = decode_batch(body, *IsoWeek::parse("2026-W48"));
    REQUIRE(decoded.batch);
    const auto at = body.find(decoded.batch->batch_id);
    body.replace(at, decoded.batch->batch_id.size(), 36, '0');
    return body;
}

// The kiosk's counts database and anything beside it (journal, WAL), by name, raw. (The
// content cache holds only the station's document, under a name of its own per kiosk.)
std::map<std::string, std::string> disk_of(const std::filesystem::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file() &&
            entry.path().filename().string().rfind("kiosk.sqlite3", 0) == 0) {
            files[std::filesystem::relative(entry.path(), dir).string()] =
                without_secret(raw(entry.path()));
        }
    }
    return files;
}

struct Rated {
    int before;
    int after;
};

// Five visitors, each rating before and after a box breathing session, in the order the flow
// records them: the before rating, the session, the after rating.
void record_visits(KioskSync& sync, const std::vector<Rated>& people) {
    for (const Rated& person : people) {
        sync.record({"visit", "start"});
        sync.record({std::string(metric::rating_before), std::to_string(person.before)});
        sync.record({"breathing.started", "box"});
        sync.record({"breathing.completed", "box"});
        sync.record({std::string(metric::rating_after), std::to_string(person.after)});
    }
}

struct KioskRun {
    std::map<std::string, std::string> disk_mid_week; // after the timer write, mid-week
    Counters week_counters;
    std::string release_body; // the exact counts POST body
    std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> station_totals;
    bool journal_or_wal_seen = false;
};

KioskRun run_kiosk(const std::vector<Rated>& people) {
    FakeStation station;
    TempDir dir;
    std::time_t now = local_instant(2026, 11, 18, 9, 0); // Wednesday of 2026-W47
    const IsoWeek w47 = *IsoWeek::parse("2026-W47");
    station.set_content("1", default_content_json(), {});
    auto settings = settings_for(dir.path(), station.url(), &now);
    KioskRun run;
    const auto file = dir.path() / "kiosk.sqlite3";
    auto journal_or_wal = [&] {
        for (const char* suffix : {"-wal", "-shm", "-journal"}) {
            auto sibling = file;
            sibling += suffix;
            if (std::filesystem::exists(sibling)) {
                return true;
            }
        }
        return false;
    };
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
        record_visits(sync, people);
        sync.persist_pending();
        run.journal_or_wal_seen = journal_or_wal();
    }
    run.disk_mid_week = disk_of(dir.path());
    {
        LocalStore store(file, {});
        run.week_counters = store.week_counters(w47);
    }
    now = week_end(w47) + settings.release_spread.count() + 60;
    {
        KioskSync sync(settings); // restarted after the week's release moment
        sync.initial_content();
        sync.persist_pending();
        station.set_counts_answer(CountsAnswer::server_error); // keep the body in the outbox
        sync.contact_once();
        run.journal_or_wal_seen = run.journal_or_wal_seen || journal_or_wal();
    }
    {
        LocalStore store(file, {});
        const auto outbox = store.outbox();
        REQUIRE(outbox.size() == 1);
        run.release_body = without_batch_id(outbox[0].body);
    }
    station.set_counts_answer(CountsAnswer::applied);
    now += 4 * 3600;
    {
        KioskSync sync(settings);
        sync.initial_content();
        sync.contact_once();
    }
    run.station_totals = station.totals();
    return run;
}

} // namespace

TEST_CASE("A before/after rating pair never reaches the kiosk's disk or the wire together, so "
          "visitors paired differently leave the same bytes",
          "[kiosk-sync][privacy][rating]") {
    // The same ratings before (7, 2, 5, 9, 0) and after (4, 6, 5, 3, 1) in both rooms, but
    // in room A the 7 became a 4 and in room B the 7 became a 6, and so on.
    const std::vector<Rated> room_a{{7, 4}, {2, 6}, {5, 5}, {9, 3}, {0, 1}};
    const std::vector<Rated> room_b{{7, 6}, {2, 1}, {5, 3}, {9, 5}, {0, 4}};
    const KioskRun a = run_kiosk(room_a);
    const KioskRun b = run_kiosk(room_b);

    // No journal or WAL was left, and the database is the same byte for byte (but for each
    // kiosk's own random secret): nothing on disk says which before went with which after.
    CHECK_FALSE(a.journal_or_wal_seen);
    CHECK_FALSE(b.journal_or_wal_seen);
    REQUIRE(a.disk_mid_week.size() == 1); // the database alone: no journal, no WAL
    REQUIRE(a.disk_mid_week.size() == b.disk_mid_week.size());
    for (const auto& [name, bytes] : a.disk_mid_week) {
        INFO(name);
        REQUIRE(b.disk_mid_week.count(name) == 1);
        const std::string& other = b.disk_mid_week.at(name);
        std::size_t first_difference = 0;
        while (first_difference < std::min(bytes.size(), other.size()) &&
               bytes[first_difference] == other[first_difference]) {
            ++first_difference;
        }
        auto around = [&](const std::string& text) {
            std::string shown = text.substr(first_difference > 40 ? first_difference - 40 : 0, 120);
            for (char& c : shown) {
                c = (c >= 32 && c < 127) ? c : '.';
            }
            return shown;
        };
        INFO(bytes.size() << " and " << other.size() << " bytes, first difference at "
                          << first_difference << ": " << around(bytes) << " / " << around(other));
        CHECK((bytes == other)); // the bytes themselves are not printed: a whole database
    }
    // What is kept is the two histograms, each on its own.
    CHECK(a.week_counters == b.week_counters);
    for (const Rated& person : room_a) {
        CHECK(a.week_counters.at({"rating.before", std::to_string(person.before)}) == 1);
        CHECK(a.week_counters.at({"rating.after", std::to_string(person.after)}) == 1);
    }
    CHECK(a.week_counters.at({"rating.before", "8"}) == 0);
    // The wire: the release bodies are identical (but for the random batch id), and the station
    // holds the same totals.
    CHECK_FALSE(a.release_body.empty());
    CHECK((a.release_body == b.release_body));
    CHECK(a.station_totals == b.station_totals);
    CHECK(a.station_totals.at({"2026-W47", "rating.before", "7"}) == 1);
    CHECK(a.station_totals.at({"2026-W47", "rating.after", "4"}) == 1);
    CHECK(a.station_totals.at({"2026-W47", "rating.after", "6"}) == 1);
    // Only the two marginal metrics carry ratings; nothing sent combines them.
    for (const auto& [cell, n] : a.station_totals) {
        const std::string& metric = std::get<1>(cell);
        if (metric.find("rating") != std::string::npos) {
            CHECK((metric == "rating.before" || metric == "rating.after"));
        }
    }
}
