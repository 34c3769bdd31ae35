#include "wellness/log_channel.hpp"

#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/PatternFormatter.h>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace wellness {

namespace {

std::string pattern_for(const std::string& program) {
    return program.empty() ? "%p: %t" : program + ": %p: %t";
}

} // namespace

std::optional<LogFormat> parse_log_format(std::string_view setting) {
    if (setting == "auto")
        return std::nullopt;
    if (setting == "journal")
        return LogFormat::journal;
    if (setting == "plain")
        return LogFormat::plain;
    throw std::invalid_argument("the log format is auto, journal or plain");
}

bool stderr_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (!stream)
        return false;
    unsigned long long device = 0;
    unsigned long long inode = 0;
    char rest = 0;
    if (std::sscanf(stream, "%llu:%llu%c", &device, &inode, &rest) != 2)
        return false;
    struct stat status {};
    if (::fstat(STDERR_FILENO, &status) != 0)
        return false;
    return static_cast<unsigned long long>(status.st_dev) == device &&
           static_cast<unsigned long long>(status.st_ino) == inode;
}

LogFormat resolve_log_format(std::optional<LogFormat> chosen) {
    if (chosen)
        return *chosen;
    return stderr_is_journal() ? LogFormat::journal : LogFormat::plain;
}

int journal_priority(Poco::Message::Priority priority) {
    switch (priority) {
    case Poco::Message::PRIO_FATAL:
    case Poco::Message::PRIO_CRITICAL:
        return 2;
    case Poco::Message::PRIO_ERROR:
        return 3;
    case Poco::Message::PRIO_WARNING:
        return 4;
    case Poco::Message::PRIO_NOTICE:
        return 5;
    case Poco::Message::PRIO_INFORMATION:
        return 6;
    case Poco::Message::PRIO_DEBUG:
    case Poco::Message::PRIO_TRACE:
        return 7;
    }
    return 6;
}

LogLineFormatter::LogLineFormatter(const std::string& program, LogFormat format)
    : Poco::PatternFormatter(pattern_for(program)), format_(format) {}

void LogLineFormatter::format(const Poco::Message& message, std::string& text) {
    if (format_ == LogFormat::journal)
        text += "<" + std::to_string(journal_priority(message.getPriority())) + ">";
    std::string one_line = message.getText();
    for (char& c : one_line)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = ' ';
    Poco::Message flattened(message);
    flattened.setText(one_line);
    Poco::PatternFormatter::format(flattened, text);
}

Poco::AutoPtr<Poco::Channel> make_stderr_log_channel(const std::string& program, LogFormat format) {
    Poco::AutoPtr<Poco::Formatter> formatter(new LogLineFormatter(program, format));
    Poco::AutoPtr<Poco::Channel> console(new Poco::ConsoleChannel(std::cerr));
    return new Poco::FormattingChannel(formatter, console);
}

} // namespace wellness
