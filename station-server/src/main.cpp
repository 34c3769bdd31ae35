// station-server: the precinct's station. `serve` runs the HTTP service until SIGTERM;
// `add-admin NAME` creates an admin account with a password read from standard input; `backup`
// and `restore` copy the data directory to one file and back (station_backup.hpp).

#include "config.hpp"
#include "http_support.hpp"
#include "security.hpp"
#include "station.hpp"
#include "station_backup.hpp"
#include "station_tls.hpp"
#include "wellness/durable_file.hpp"
#include "wellness/log_channel.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <Poco/Util/ServerApplication.h>
#include <csignal>
#include <fstream>
#include <iostream>
#include <optional>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace {

using Poco::Util::Option;
using Poco::Util::OptionSet;
using namespace wellness::station;

class StationServerApp : public Poco::Util::ServerApplication {
  protected:
    void defineOptions(OptionSet& options) override {
        ServerApplication::defineOptions(options);
        options.addOption(Option("help", "h", "show this help").required(false).repeatable(false));
        options.addOption(Option("data", "", "state directory (holds station.sqlite3)")
                              .argument("DIR")
                              .repeatable(false));
        options.addOption(
            Option("port", "", "TCP port to listen on (0: any free port); default 8080")
                .argument("PORT")
                .repeatable(false));
        options.addOption(Option("bind", "", "address to listen on; default 127.0.0.1")
                              .argument("ADDR")
                              .repeatable(false));
        options.addOption(
            Option("config", "", "properties (.properties) or INI (.ini) file; flags win")
                .argument("FILE")
                .repeatable(false));
        options.addOption(Option("web", "", "directory of the admin and summary pages")
                              .argument("DIR")
                              .repeatable(false));
        options.addOption(Option("plain-http", "",
                                 "serve plain HTTP instead of HTTPS (loopback addresses only: "
                                 "tests and a local trial)")
                              .required(false)
                              .repeatable(false));
        options.addOption(Option("into", "", "backup: write a dated backup into DIR")
                              .argument("DIR")
                              .repeatable(false));
        options.addOption(
            Option("keep", "", "backup --into: keep the newest N backups there (1-365); default 14")
                .argument("N")
                .repeatable(false));
        options.addOption(Option("log-format", "",
                                 "auto (the default: sd-daemon priority prefixes when standard "
                                 "error is the journal, see JOURNAL_STREAM), journal or plain")
                              .argument("FORMAT")
                              .repeatable(false));
        options.addOption(
            Option("clock-offset", "", "tests only: shift the station's clock by SECONDS")
                .argument("SECONDS")
                .repeatable(false));
    }

    void handleOption(const std::string& name, const std::string& value) override {
        ServerApplication::handleOption(name, value);
        if (name == "help") {
            help_ = true;
            stopOptionsProcessing();
        } else if (name == "data") {
            data_ = value;
        } else if (name == "port") {
            port_ = value;
        } else if (name == "bind") {
            bind_ = value;
        } else if (name == "config") {
            config_file_ = value;
        } else if (name == "web") {
            web_ = value;
        } else if (name == "plain-http") {
            plain_http_ = true;
        } else if (name == "into") {
            into_ = value;
        } else if (name == "keep") {
            keep_ = value;
        } else if (name == "clock-offset") {
            clock_offset_ = value;
        } else if (name == "log-format") {
            log_format_setting_ = value;
        }
    }

    int main(const std::vector<std::string>& args) override {
        tune_allocator();
        if (help_) {
            print_help();
            return EXIT_OK;
        }
        if (args.empty()) {
            std::cerr << "station-server: say what to do: serve or add-admin (see --help)\n";
            return EXIT_USAGE;
        }
        try {
            log_format_ =
                wellness::resolve_log_format(wellness::parse_log_format(log_format_setting_));
        } catch (const std::invalid_argument& error) {
            std::cerr << "station-server: " << error.what() << "\n";
            return EXIT_USAGE;
        }
        StationConfig config;
        try {
            config = build_config();
        } catch (const std::exception& error) {
            setup_logger().fatal(std::string("cannot start: ") + error.what());
            return EXIT_CONFIG;
        }
        if (args[0] == "serve" && args.size() == 1)
            return serve(config);
        if (args[0] == "add-admin" && args.size() == 2)
            return add_admin(config, args[1]);
        if (args[0] == "backup" && args.size() == 2 && !into_ && !keep_)
            return backup(config, args[1]);
        if (args[0] == "backup" && args.size() == 1 && into_)
            return backup(config, std::nullopt);
        if (args[0] == "restore" && args.size() == 2)
            return restore(config, args[1]);
        std::cerr << "station-server: unknown command; see --help\n";
        return EXIT_USAGE;
    }

  private:
    void print_help() {
        Poco::Util::HelpFormatter formatter(options());
        formatter.setCommand(commandName());
        formatter.setUsage("serve --data DIR [--port 8080] [--bind 127.0.0.1] [--config FILE]\n"
                           "       station-server add-admin NAME --data DIR   (password on stdin)");
        formatter.setHeader(
            "The precinct wellness station: kiosks sync with it, admins manage content, "
            "coordinators pull anonymous summaries.\n\nCommands:\n"
            "  serve       serve HTTP until SIGTERM\n"
            "  add-admin   create an admin account; reads its password (12+ characters) "
            "from standard input\n"
            "  backup      copy the database (while serving), TLS key and first password to one "
            "file (0600)\n"
            "  restore     put a backup back into a stopped station's data directory");
        formatter.format(std::cout);
    }

    StationConfig build_config() {
        StationConfig config;
        config.web_dir = default_web_dir();
        config.content_dir = default_content_dir();
        if (config_file_) {
            Poco::AutoPtr<Poco::Util::AbstractConfiguration> file;
            if (config_file_->ends_with(".ini"))
                file = new Poco::Util::IniFileConfiguration(*config_file_);
            else
                file = new Poco::Util::PropertyFileConfiguration(*config_file_);
            apply_configuration(*file, config);
        }
        if (data_)
            config.data_dir = *data_;
        if (bind_)
            config.bind_address = *bind_;
        if (web_)
            config.web_dir = *web_;
        if (port_) {
            long port = std::stol(*port_);
            if (port < 0 || port > 65535)
                throw std::invalid_argument("--port must be 0 to 65535");
            config.port = static_cast<std::uint16_t>(port);
        }
        if (clock_offset_)
            config.clock_offset_seconds = std::stol(*clock_offset_);
        if (plain_http_)
            config.tls_enabled = false;
        validate_config(config);
        return config;
    }

    Poco::Logger& setup_logger() const {
        Poco::Logger& logger = Poco::Logger::get("station");
        logger.setChannel(wellness::make_stderr_log_channel("", log_format_));
        logger.setLevel(Poco::Message::PRIO_INFORMATION);
        return logger;
    }

    int serve(const StationConfig& config) {
        // Block the termination signals before any thread starts, so every thread inherits the
        // mask and only waitForTerminationRequest() receives them.
        sigset_t signals;
        sigemptyset(&signals);
        sigaddset(&signals, SIGINT);
        sigaddset(&signals, SIGTERM);
        sigaddset(&signals, SIGQUIT);
        pthread_sigmask(SIG_BLOCK, &signals, nullptr);

        Poco::Logger& logger = setup_logger();
        try {
            Station station(config, system_clock_with_offset(config.clock_offset_seconds), logger);
            auto first_password = station.create_first_admin();
            station.start();
            std::string host = config.bind_address == "0.0.0.0" ? "localhost" : config.bind_address;
            const std::string scheme = station.tls() ? "https" : "http";
            const std::string console_url =
                scheme + "://" + host + ":" + std::to_string(station.port()) + "/admin/";
            // Files first, the port file last: whoever reads "listening on" or waits for the
            // port file finds the fingerprint (and the first password) already there.
            if (station.tls())
                write_small_file(config.data_dir / "fingerprint",
                                 station.tls()->fingerprint() + "\n", 0644);
            write_small_file(config.data_dir / "port", std::to_string(station.port()) + "\n", 0644);
            std::cout << "listening on " << config.bind_address << ":" << station.port()
                      << std::endl;
            if (station.tls())
                std::cout << "serving HTTPS; certificate fingerprint SHA256 "
                          << station.tls()->fingerprint() << std::endl;
            else
                std::cout << "serving plain HTTP on loopback (--plain-http)" << std::endl;
            if (first_password)
                announce_first_password(config, *first_password, console_url);
            sd_notify(0, "READY=1");
            waitForTerminationRequest();
            sd_notify(0, "STOPPING=1");
            logger.information("stopping");
            station.stop();
        } catch (const std::exception& error) {
            logger.fatal(std::string("cannot serve: ") + error.what());
            return EXIT_SOFTWARE;
        }
        return EXIT_OK;
    }

    // The first password never goes to standard output when that is the journal: the station
    // wrote it to a file only the service user reads; it is shown on a terminal when there is one.
    static void announce_first_password(const StationConfig& config, const std::string& password,
                                        const std::string& console_url) {
        const auto file = config.data_dir / first_admin_password_file;
        if (::isatty(STDOUT_FILENO))
            std::cout << "admin login: admin / " << password << " at " << console_url << std::endl;
        std::cout << "the first admin's password (user \"admin\") is in " << file.string()
                  << "; change it in the console (" << console_url << ") and the file is removed"
                  << std::endl;
    }

    static void write_small_file(const std::filesystem::path& file, const std::string& text,
                                 mode_t mode) {
        wellness::write_file_atomically(file, text, mode);
    }

    int add_admin(const StationConfig& config, const std::string& name) {
        if (!is_valid_admin_name(name)) {
            std::cerr << "station-server: admin names are 1 to 64 of a-z A-Z 0-9 . _ - @\n";
            return EXIT_USAGE;
        }
        std::string password;
        std::getline(std::cin, password);
        if (!password.empty() && password.back() == '\r')
            password.pop_back();
        if (password.size() < minimum_password_length) {
            std::cerr << "station-server: the password must be at least " << minimum_password_length
                      << " characters\n";
            return EXIT_DATAERR;
        }
        try {
            Poco::Logger& logger = setup_logger();
            Station station(config, system_clock_with_offset(0), logger);
            if (!station.store().add_admin(name,
                                           hash_password(password, config.pbkdf2_iterations))) {
                std::cerr << "station-server: an admin named " << name << " already exists\n";
                return EXIT_DATAERR;
            }
        } catch (const std::exception& error) {
            std::cerr << "station-server: " << error.what() << std::endl;
            return EXIT_SOFTWARE;
        }
        std::cout << "admin " << name << " added\n";
        return EXIT_OK;
    }

    // `file` given: one backup there; else the nightly one into --into, keeping --keep.
    int backup(const StationConfig& config, const std::optional<std::string>& file) {
        int keep = 14;
        if (keep_) {
            const auto parsed = wellness::station::parse_id(*keep_);
            if (!parsed || *parsed > 365) {
                std::cerr << "station-server: --keep must be 1 to 365\n";
                return EXIT_USAGE;
            }
            keep = static_cast<int>(*parsed);
        }
        try {
            std::filesystem::path written;
            if (file) {
                written = *file;
                write_backup(config.data_dir, written);
            } else {
                written = write_backup_into(config.data_dir, *into_, keep, std::time(nullptr));
            }
            std::cout << "backup written to " << written.string() << std::endl;
        } catch (const std::exception& error) {
            std::cerr << "station-server: backup failed: " << error.what() << std::endl;
            return EXIT_IOERR;
        }
        return EXIT_OK;
    }

    static int restore(const StationConfig& config, const std::string& file) {
        try {
            restore_backup(config.data_dir, file);
        } catch (const std::exception& error) {
            std::cerr << "station-server: restore refused: " << error.what() << std::endl;
            return EXIT_DATAERR;
        }
        std::cout << "restored " << file << " into " << config.data_dir.string()
                  << "; start the station" << std::endl;
        return EXIT_OK;
    }

    bool help_ = false;
    std::optional<std::string> data_;
    std::optional<std::string> port_;
    std::optional<std::string> bind_;
    std::optional<std::string> config_file_;
    std::optional<std::string> web_;
    std::optional<std::string> clock_offset_;
    std::optional<std::string> into_;
    std::optional<std::string> keep_;
    bool plain_http_ = false;
    std::string log_format_setting_ = "auto";
    wellness::LogFormat log_format_ = wellness::LogFormat::plain;
};

} // namespace

POCO_SERVER_MAIN(StationServerApp)
