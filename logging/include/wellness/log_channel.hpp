#pragma once

// The log line format of both programs. Every event's priority is chosen where it is logged
// (Poco::Logger::error / warning / information / debug); under systemd the line carries that
// priority as an sd-daemon prefix (sd-daemon(3): "<3>" SD_ERR, "<4>" SD_WARNING, "<6>" SD_INFO,
// "<7>" SD_DEBUG), which journald turns into the entry's priority and strips from the text.

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Message.h>
#include <Poco/PatternFormatter.h>
#include <optional>
#include <string>
#include <string_view>

namespace wellness {

// plain: "program: Warning: text"; journal: "<4>program: Warning: text" (the priority's word is
// Poco's, as its "%p" pattern writes it; no program prefix when the program is "").
enum class LogFormat { plain, journal };

// What a "log format" setting says: "auto" (nullopt: decide from the environment), "journal"
// or "plain"; anything else is refused with words for the operator (std::invalid_argument).
std::optional<LogFormat> parse_log_format(std::string_view setting);

// True when standard error is the stream systemd connected to the journal: JOURNAL_STREAM
// ("DEVICE:INODE", as systemd.exec(5) documents) names the device and inode of file descriptor
// 2. A program started from a shell of a service inherits the variable with another stderr,
// which is why the inode is compared and not only the variable's presence.
bool stderr_is_journal();

// The chosen format, or the environment's when none was chosen.
LogFormat resolve_log_format(std::optional<LogFormat> chosen);

// The sd-daemon priority (0-7) of a Poco priority: fatal and critical are SD_CRIT (2), error 3,
// warning 4, notice 5, information 6, debug and trace 7.
int journal_priority(Poco::Message::Priority priority);

// One event as one line: line breaks and other control characters in the text become spaces,
// so no text (a peer's error message, a file name) can start a line of its own and forge
// another entry or priority.
class LogLineFormatter : public Poco::PatternFormatter {
  public:
    LogLineFormatter(const std::string& program, LogFormat format);
    void format(const Poco::Message& message, std::string& text) override;

  private:
    LogFormat format_;
};

// A channel writing LogLineFormatter's lines to standard error.
Poco::AutoPtr<Poco::Channel> make_stderr_log_channel(const std::string& program, LogFormat format);

} // namespace wellness
