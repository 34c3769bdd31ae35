// The real station-server program as a child process: help, add-admin, SIGTERM, kill -9.

#include "station_fixture.hpp"
#include "wellness/iso_week.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <thread>

using namespace station_test;

namespace {

struct Child {
    Poco::ProcessHandle handle;
    std::unique_ptr<Poco::PipeInputStream> output;
    std::vector<std::string> lines;
};

Child launch(const std::vector<std::string>& args, Poco::Pipe& out, Poco::Pipe* in = nullptr) {
    Poco::Process::Args arguments(args.begin(), args.end());
    auto handle = Poco::Process::launch(STATION_SERVER_BINARY, arguments, in, &out, &out);
    return {handle, std::make_unique<Poco::PipeInputStream>(out), {}};
}

// Reads the child's output until "listening on HOST:PORT" (bounded), returns the port.
std::uint16_t wait_for_port(Child& child) {
    std::string line;
    for (int i = 0; i < 50 && std::getline(*child.output, line); ++i) {
        child.lines.push_back(line);
        auto at = line.find("listening on 127.0.0.1:");
        if (at != std::string::npos)
            return static_cast<std::uint16_t>(std::stoi(line.substr(at + 23)));
    }
    throw std::runtime_error("the station never said where it listens");
}

std::string read_all(Poco::PipeInputStream& in) {
    std::string all;
    std::string line;
    for (int i = 0; i < 200 && std::getline(in, line); ++i)
        all += line + "\n";
    return all;
}

} // namespace

TEST_CASE("station-server --help lists serve and add-admin", "[station]") {
    Poco::Pipe out;
    auto child = launch({"--help"}, out);
    std::string text = read_all(*child.output);
    CHECK(child.handle.wait() == 0);
    CHECK(text.find("serve") != std::string::npos);
    CHECK(text.find("add-admin") != std::string::npos);
    CHECK(text.find("--data") != std::string::npos);
}

TEST_CASE("add-admin refuses a short password and adds one from standard input", "[station]") {
    TempDir dir;
    auto data = (dir.path() / "data").string();
    {
        Poco::Pipe in, out;
        auto child = launch({"add-admin", "bob", "--data", data}, out, &in);
        Poco::PipeOutputStream(in) << "short\n" << std::flush;
        in.close(Poco::Pipe::CLOSE_WRITE);
        read_all(*child.output);
        CHECK(child.handle.wait() != 0);
    }
    {
        Poco::Pipe in, out;
        auto child = launch({"add-admin", "bob", "--data", data}, out, &in);
        {
            Poco::PipeOutputStream writer(in);
            writer << "a good long password\n" << std::flush;
        }
        in.close(Poco::Pipe::CLOSE_WRITE);
        read_all(*child.output);
        REQUIRE(child.handle.wait() == 0);
    }
    TestStation station({}, dir.path() / "data");
    auto admin = station.station().store().find_admin("bob");
    REQUIRE(admin);
    CHECK(admin->password.iterations >= 600000);
}

TEST_CASE("serve refuses a k below 3 with a clear error", "[station]") {
    TempDir dir;
    std::ofstream(dir.path() / "station.properties") << "summary.k = 2\n";
    Poco::Pipe out;
    auto child = launch({"serve", "--data", (dir.path() / "data").string(), "--port", "0",
                         "--config", (dir.path() / "station.properties").string()},
                        out);
    std::string text = read_all(*child.output);
    CHECK(child.handle.wait() != 0);
    CHECK(text.find("at least 3") != std::string::npos);
}

TEST_CASE("serve refuses at start-up an asset limit or a k its kiosks would reject, and says why",
          "[station][limits]") {
    // Issue 13: a station with these settings started and served content no kiosk would take.
    const std::vector<std::pair<std::string, std::string>> settings = {
        {"limits.asset_bytes = 8388608\n", "kiosks accept an asset of at most 4194304 bytes"},
        {"summary.k = 20000\n", "kiosks accept a k of at most 10000"},
        {"limits.content_body_bytes = 2097152\n",
         "kiosks accept a content document of at most 1048576 bytes"},
    };
    for (const auto& [setting, words] : settings) {
        TempDir dir;
        std::ofstream(dir.path() / "station.properties") << setting;
        Poco::Pipe out;
        auto child = launch({"serve", "--data", (dir.path() / "data").string(), "--port", "0",
                             "--config", (dir.path() / "station.properties").string()},
                            out);
        std::string text = read_all(*child.output);
        INFO(setting << text);
        CHECK(child.handle.wait() != 0);
        CHECK(text.find(words) != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(dir.path() / "data" / "port"));
    }
}

TEST_CASE("serve speaks HTTPS by default, keeps the first password out of its output, and exits "
          "0 on SIGTERM",
          "[station][tls]") {
    TempDir dir;
    const auto data = dir.path() / "data";
    Poco::Pipe out;
    auto child = launch({"serve", "--data", data.string(), "--port", "0"}, out);
    auto port = wait_for_port(child);
    std::string said;
    std::string line;
    for (int i = 0;
         i < 10 && said.find("change it") == std::string::npos && std::getline(*child.output, line);
         ++i)
        said += line + "\n";
    // Standard output is the journal under systemd: the password is in a file only.
    const auto password_file = data / wellness::station::first_admin_password_file;
    std::ifstream password_in(password_file);
    std::string password;
    std::getline(password_in, password);
    REQUIRE(password.size() >= 12);
    CHECK(said.find(password) == std::string::npos);
    CHECK(said.find(password_file.string()) != std::string::npos);
    CHECK((std::filesystem::status(password_file).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));

    std::ifstream fingerprint_in(data / "fingerprint");
    std::string fingerprint;
    std::getline(fingerprint_in, fingerprint);
    CHECK(said.find("SHA256 " + fingerprint) != std::string::npos);
    wellness::tls::PinnedContext pins({fingerprint});
    const Reply signed_in = send(port,
                                 {"POST",
                                  "/api/v1/admin/session",
                                  Json{{"username", "admin"}, {"password", password}}.dump(),
                                  "application/json",
                                  "",
                                  {},
                                  false},
                                 &pins);
    CHECK(signed_in.status == 200);
    bool closed = false;
    std::string in_clear;
    try {
        in_clear = exchange_raw(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", closed);
    } catch (const Poco::Net::ConnectionResetException&) {
        // refused outright: nothing in clear either
    }
    CHECK(in_clear.find("HTTP/1.1 200") == std::string::npos);
    ::kill(static_cast<pid_t>(child.handle.id()), SIGTERM);
    CHECK(child.handle.wait() == 0);
}

TEST_CASE("kill -9 during counts leaves each batch wholly applied or not, and its retry once",
          "[station]") {
    TempDir dir;
    auto data = dir.path() / "data";
    // Weeks seal a year after they end here, and the kiosks were enrolled 60 weeks ago, so each
    // kiosk may release every one of the last 50 weeks (a kiosk releases a week once).
    constexpr int kiosk_count = 4;
    constexpr int weeks_back = 50;
    std::vector<std::string> kiosks;
    {
        TestStation setup([](auto& config) { config.seal_after_days = 366; }, data);
        setup.now = std::time(nullptr);
        for (int k = 0; k < kiosk_count; ++k)
            kiosks.push_back(setup.kiosk_token("room " + std::to_string(k), 60));
    }
    std::string week = wellness::IsoWeek::from_local_time(std::time(nullptr)).prev().to_string();
    std::ofstream(dir.path() / "station.properties") << "summary.seal_after_days = 366\n";

    Poco::Pipe out;
    auto child = launch({"serve", "--data", data.string(), "--port", "0", "--plain-http",
                         "--config", (dir.path() / "station.properties").string()},
                        out);
    auto port = wait_for_port(child);

    std::mutex mutex;
    std::condition_variable progress;
    int acknowledged = 0;
    Json in_flight;
    std::string in_flight_kiosk;
    std::thread client([&] {
        for (int i = 0; i < kiosk_count * weeks_back; ++i) {
            // Each batch is a full release of another kiosk-week, with k visits (promise 7).
            const std::string& kiosk = kiosks[static_cast<std::size_t>(i % kiosk_count)];
            const std::string released =
                wellness::IsoWeek::parse(week)->plus_weeks(-(i / kiosk_count)).to_string();
            Json batch = release_batch(
                released, counters({{"visit", "start", 5}, {"crisis.viewed", "list", 5}}));
            {
                std::lock_guard lock(mutex);
                in_flight = batch;
                in_flight_kiosk = kiosk;
            }
            try {
                auto reply = send(port, {"POST",
                                         "/api/v1/kiosk/counts",
                                         batch.dump(),
                                         "application/json",
                                         kiosk,
                                         {},
                                         false});
                if (reply.json()["status"] != "applied")
                    return;
            } catch (const std::exception&) {
                return; // the station is gone; `in_flight` may or may not have been applied
            }
            std::lock_guard lock(mutex);
            ++acknowledged;
            progress.notify_all();
        }
    });
    {
        std::unique_lock lock(mutex);
        progress.wait_for(lock, std::chrono::seconds(60), [&] { return acknowledged >= 25; });
    }
    Poco::Process::kill(child.handle);
    child.handle.wait();
    client.join();
    REQUIRE(acknowledged >= 25);

    TestStation after([](auto& config) { config.seal_after_days = 366; }, data);
    after.now = std::time(nullptr);
    auto counted = [&] {
        auto iso = *wellness::IsoWeek::parse(week);
        std::map<std::string, std::int64_t> n;
        for (const auto& count :
             after.station().store().weekly_counts(iso.plus_weeks(-weeks_back - 1), iso))
            n[count.metric] += count.n;
        return n;
    };
    auto before_retry = counted();
    // Both counters of a batch moved together: never half a batch.
    CHECK(before_retry["visit"] == before_retry["crisis.viewed"]);
    bool in_flight_applied = before_retry["visit"] == 5 * (acknowledged + 1);
    CHECK((before_retry["visit"] == 5 * acknowledged || in_flight_applied));

    auto retry = after.post("/api/v1/kiosk/counts", in_flight, in_flight_kiosk);
    REQUIRE(retry.status == 200);
    CHECK(retry.json()["status"] == (in_flight_applied ? "duplicate" : "applied"));
    auto final_counts = counted();
    CHECK(final_counts["visit"] == 5 * (acknowledged + 1));
    CHECK(final_counts["crisis.viewed"] == 5 * (acknowledged + 1));
}
