// The log line format both programs share (logging/), and the real station-server under a
// stand-in for systemd: standard error whose device and inode JOURNAL_STREAM names.

#include "station_fixture.hpp"
#include "wellness/log_channel.hpp"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace station_test;
using wellness::LogFormat;
using wellness::LogLineFormatter;

namespace {

std::string formatted(LogFormat format, Poco::Message::Priority priority, const std::string& text) {
    LogLineFormatter formatter("program", format);
    std::string line;
    formatter.format(Poco::Message("test", text, priority), line);
    return line;
}

// "DEVICE:INODE" of an open descriptor, as systemd puts it in JOURNAL_STREAM.
std::string stream_id(int descriptor) {
    struct stat status {};
    REQUIRE(::fstat(descriptor, &status) == 0);
    return std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino);
}

struct StationRun {
    std::vector<std::string> errors; // standard error's lines
    int exit_code = -1;
};

// Runs station-server with `args` (and JOURNAL_STREAM naming its standard error, another
// stream, or unset), standard error on its own pipe; once a
// line holding `stop_after` has come (bounded), sends SIGTERM; reads standard error to its end.
StationRun run_station(const std::vector<std::string>& args, const std::string& journal_stream,
                       const std::string& stop_after) {
    Poco::Pipe out;
    Poco::Pipe err;
    Poco::Process::Env environment;
    if (!journal_stream.empty())
        environment["JOURNAL_STREAM"] =
            journal_stream == "stderr" ? stream_id(err.writeHandle()) : journal_stream;
    Poco::Process::Args arguments(args.begin(), args.end());
    auto handle = Poco::Process::launch(STATION_SERVER_BINARY, arguments, ".", nullptr, &out, &err,
                                        environment);
    // Standard output stays open but unread: the station writes a few lines to it, far less
    // than a pipe holds.
    Poco::PipeInputStream errors(err);
    StationRun run;
    std::string line;
    bool stopped = stop_after.empty();
    for (int i = 0; i < 200 && std::getline(errors, line); ++i) {
        run.errors.push_back(line);
        if (!stopped && line.find(stop_after) != std::string::npos) {
            ::kill(static_cast<pid_t>(handle.id()), SIGTERM);
            stopped = true;
        }
    }
    run.exit_code = handle.wait();
    return run;
}

bool has_line(const StationRun& run, const std::string& start) {
    for (const auto& line : run.errors)
        if (line.rfind(start, 0) == 0)
            return true;
    return false;
}

} // namespace

TEST_CASE("Journal log lines carry the sd-daemon prefix of the priority the code chose, plain "
          "lines none",
          "[station][logging]") {
    using Poco::Message;
    CHECK(formatted(LogFormat::journal, Message::PRIO_FATAL, "x") == "<2>program: Fatal: x");
    CHECK(formatted(LogFormat::journal, Message::PRIO_CRITICAL, "x") == "<2>program: Critical: x");
    CHECK(formatted(LogFormat::journal, Message::PRIO_ERROR, "x") == "<3>program: Error: x");
    CHECK(formatted(LogFormat::journal, Message::PRIO_WARNING, "x") == "<4>program: Warning: x");
    CHECK(formatted(LogFormat::journal, Message::PRIO_NOTICE, "x") == "<5>program: Notice: x");
    CHECK(formatted(LogFormat::journal, Message::PRIO_INFORMATION, "x") ==
          "<6>program: Information: x");
    CHECK(formatted(LogFormat::journal, Message::PRIO_DEBUG, "x") == "<7>program: Debug: x");
    CHECK(formatted(LogFormat::journal, Message::PRIO_TRACE, "x") == "<7>program: Trace: x");
    CHECK(formatted(LogFormat::plain, Message::PRIO_ERROR, "x") == "program: Error: x");
    // A peer's words cannot start an entry of their own, with a priority of their choosing.
    CHECK(formatted(LogFormat::journal, Message::PRIO_INFORMATION, "sync failed: a\n<0>forged\r") ==
          "<6>program: Information: sync failed: a <0>forged ");
}

TEST_CASE("Standard error is the journal only when JOURNAL_STREAM names its own device and "
          "inode, and the log format setting is auto, journal or plain",
          "[station][logging]") {
    const char* before = std::getenv("JOURNAL_STREAM");
    const std::string saved = before ? before : "";
    ::unsetenv("JOURNAL_STREAM");
    CHECK_FALSE(wellness::stderr_is_journal());
    ::setenv("JOURNAL_STREAM", stream_id(STDERR_FILENO).c_str(), 1);
    CHECK(wellness::stderr_is_journal());
    CHECK(wellness::resolve_log_format(std::nullopt) == LogFormat::journal);
    CHECK(wellness::resolve_log_format(LogFormat::plain) == LogFormat::plain);
    ::setenv("JOURNAL_STREAM", (stream_id(STDERR_FILENO) + "7").c_str(), 1);
    CHECK_FALSE(wellness::stderr_is_journal());
    ::setenv("JOURNAL_STREAM", "not:a:stream", 1);
    CHECK_FALSE(wellness::stderr_is_journal());
    if (before)
        ::setenv("JOURNAL_STREAM", saved.c_str(), 1);
    else
        ::unsetenv("JOURNAL_STREAM");

    CHECK(wellness::parse_log_format("auto") == std::nullopt);
    CHECK(wellness::parse_log_format("journal") == LogFormat::journal);
    CHECK(wellness::parse_log_format("plain") == LogFormat::plain);
    CHECK_THROWS_AS(wellness::parse_log_format("syslog"), std::invalid_argument);
}

TEST_CASE("Under systemd the real station's log lines carry each event's priority: information, "
          "warning and fatal",
          "[station][logging]") {
    TempDir dir;
    const auto no_content = dir.path() / "no-content";
    std::filesystem::create_directories(no_content);
    std::ofstream(dir.path() / "station.properties")
        << "station.content = " << no_content.string() << "\n";
    const std::vector<std::string> serve{"serve",
                                         "--data",
                                         (dir.path() / "data").string(),
                                         "--port",
                                         "0",
                                         "--plain-http",
                                         "--config",
                                         (dir.path() / "station.properties").string()};

    const StationRun journal = run_station(serve, "stderr", "listening on http://127.0.0.1:");
    INFO(Catch::Detail::stringify(journal.errors));
    CHECK(journal.exit_code == 0);
    REQUIRE_FALSE(journal.errors.empty());
    CHECK(has_line(journal, "<4>Warning: no default content at "));
    CHECK(has_line(journal, "<6>Information: created the first admin account"));
    CHECK(has_line(journal, "<6>Information: listening on http://127.0.0.1:"));
    CHECK(has_line(journal, "<6>Information: stopping"));
    for (const auto& line : journal.errors)
        CHECK(line.rfind("<", 0) == 0);

    // The same station when JOURNAL_STREAM belongs to another stream (a shell started from a
    // service): plain lines.
    const StationRun elsewhere = run_station(serve, "1:1", "listening on http://127.0.0.1:");
    INFO(Catch::Detail::stringify(elsewhere.errors));
    CHECK(elsewhere.exit_code == 0);
    CHECK(has_line(elsewhere, "Information: listening on http://127.0.0.1:"));
    for (const auto& line : elsewhere.errors)
        CHECK(line.rfind("<", 0) != 0);

    // A station that cannot serve says so at the fatal priority (a data directory under a file).
    std::ofstream(dir.path() / "a-file") << "x";
    const StationRun failing =
        run_station({"serve", "--data", (dir.path() / "a-file" / "data").string(), "--port", "0",
                     "--plain-http", "--log-format", "journal"},
                    "", "");
    INFO(Catch::Detail::stringify(failing.errors));
    CHECK(failing.exit_code != 0);
    CHECK(has_line(failing, "<2>Fatal: cannot serve: "));
    for (const auto& line : failing.errors)
        CHECK(line.rfind("<", 0) == 0);

    const StationRun refused = run_station({"serve", "--log-format", "syslog"}, "", "");
    CHECK(refused.exit_code != 0);
    CHECK(has_line(refused, "station-server: the log format is auto, journal or plain"));
}
