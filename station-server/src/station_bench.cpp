// station-bench: loopback figures for the station, printed as JSON lines.
//  - counts batches per second and p50 / p99 latency at 1, 16 and 64 connections against the
//    real in-process station, and the same against a bare Poco handler returning a constant
//    body (the ratio says what the station's work costs);
//  - the time of a summary over a year of weekly counts from 100 kiosks.
// Each load runs in rounds that alternate between the two servers; rates are the median round's.
// `--quick` runs a short smoke version (one round); `--rounds N` and `--connections N`
// (repeatable) pick the rounds and loads. Exits 1 when any request failed. `--abuse` measures
// instead what an anonymous host can do to everyone else (station_abuse_bench.cpp).

#include "security.hpp"
#include "station.hpp"
#include "station_abuse_bench.hpp"
#include "wellness/content.hpp"
#include "wellness/counts.hpp"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/NullChannel.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/UUIDGenerator.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <numeric>
#include <random>
#include <sstream>
#include <sys/resource.h>
#include <thread>
#include <time.h>

namespace {

using namespace wellness;
using namespace wellness::station;
using Steady = std::chrono::steady_clock;

// CPU time of the whole process (clients, server, writer): unlike the rate, barely moved by
// what else runs on the machine.
double process_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double thread_cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// One timed round against one server.
struct Round {
    std::vector<double> latencies_ms;
    long failures = 0;
    double seconds = 0;
    double cpu_seconds = 0;
    double client_cpu_seconds = 0; // the clients' threads' share of cpu_seconds

    double per_second() const { return static_cast<double>(latencies_ms.size()) / seconds; }
};

// Several rounds taken together. The rate is the median round's: on a shared machine one
// round can lose a second to a neighbour, and the median does not follow it.
struct Figures {
    double per_second = 0;
    double cpu_us_per_batch = 0;
    // Without the clients' threads: the server's own cost, the figure that says what the
    // station's work adds, and steadier than any rate on a shared machine.
    double server_cpu_us_per_batch = 0;
    double busy_cores = 0; // CPU seconds per second of the whole process, clients included
    double p50_ms = 0;
    double p99_ms = 0;
    long requests = 0;
    long failures = 0;
};

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

Figures summarize(const std::vector<Round>& rounds) {
    Figures figures;
    std::vector<double> all;
    std::vector<double> rates;
    double seconds = 0;
    double cpu_seconds = 0;
    double client_cpu_seconds = 0;
    for (const auto& round : rounds) {
        all.insert(all.end(), round.latencies_ms.begin(), round.latencies_ms.end());
        rates.push_back(round.per_second());
        figures.failures += round.failures;
        seconds += round.seconds;
        cpu_seconds += round.cpu_seconds;
        client_cpu_seconds += round.client_cpu_seconds;
    }
    std::sort(all.begin(), all.end());
    figures.requests = static_cast<long>(all.size());
    figures.per_second = median(rates);
    if (!all.empty()) {
        figures.cpu_us_per_batch = cpu_seconds * 1e6 / static_cast<double>(all.size());
        figures.server_cpu_us_per_batch =
            (cpu_seconds - client_cpu_seconds) * 1e6 / static_cast<double>(all.size());
        figures.p50_ms = all[all.size() / 2];
        figures.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
    }
    if (seconds > 0)
        figures.busy_cores = cpu_seconds / seconds;
    return figures;
}

std::string post(Poco::Net::HTTPClientSession& session, const std::string& path,
                 const std::string& body, const std::string& token, int& status) {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    request.setKeepAlive(true);
    if (!token.empty())
        request.set("Authorization", "Bearer " + token);
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::string answer;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
    status = static_cast<int>(response.getStatus());
    return answer;
}

std::string get(std::uint16_t port, const std::string& path, const std::string& token) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Authorization", "Bearer " + token);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string answer;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
        throw std::runtime_error("GET " + path + " answered " + answer);
    return answer;
}

// A release as a kiosk sends it: every catalogue key of the content, one closed week.
std::string make_batch(const std::vector<CounterKey>& shape, const IsoWeek& week,
                       std::mt19937& random) {
    CountsBatch batch;
    batch.batch_id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    std::uniform_int_distribution<int> n(0, 40);
    std::uniform_int_distribution<int> visits(default_k, 40); // the station refuses 1..k-1
    for (const auto& key : shape)
        batch.counts.push_back(
            {week, key.metric, key.key, key.metric == metric::visit ? visits(random) : n(random)});
    return encode_batch(batch);
}

// Each batch is a kiosk's one release of a week (promise 7): the i-th batch sent is kiosk
// i % kiosks' release of the week i / kiosks weeks after `first`, the week the kiosks were
// enrolled in. The station refuses weeks that have not ended and weeks already sealed, so
// before each batch the station's clock (`weeks_ahead`, null for the bare server) is moved on
// until that week has ended; weeks seal a year after their end, far behind the batches still in
// flight.
Round hammer(std::uint16_t port, const std::vector<std::string>& tokens,
             std::atomic<long>& sent_so_far, int connections, std::chrono::milliseconds duration,
             const std::vector<CounterKey>& shape, const IsoWeek& first,
             std::atomic<long>* weeks_ahead) {
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(connections));
    std::atomic<long> failures{0};
    std::vector<double> client_cpu(static_cast<std::size_t>(connections));
    std::vector<std::thread> clients;
    auto start = Steady::now();
    double cpu_start = process_cpu_seconds();
    auto stop_at = start + duration;
    for (int c = 0; c < connections; ++c) {
        clients.emplace_back([&, c] {
            double cpu_at_start = thread_cpu_seconds();
            std::mt19937 random(static_cast<unsigned>(c) + 1);
            Poco::Net::HTTPClientSession session("127.0.0.1", port);
            session.setKeepAlive(true);
            session.setTimeout(Poco::Timespan(30, 0));
            auto& mine = latencies[static_cast<std::size_t>(c)];
            while (Steady::now() < stop_at) {
                const long i = sent_so_far++;
                const auto kiosks = static_cast<long>(tokens.size());
                const std::string& token = tokens[static_cast<std::size_t>(i % kiosks)];
                const long week = i / kiosks;
                if (weeks_ahead) {
                    long ahead = weeks_ahead->load();
                    while (ahead < week + 1 &&
                           !weeks_ahead->compare_exchange_weak(ahead, week + 1)) {
                    }
                }
                std::string body = make_batch(shape, first.plus_weeks(week), random);
                auto sent = Steady::now();
                int status = 0;
                try {
                    post(session, "/api/v1/kiosk/counts", body, token, status);
                } catch (const std::exception&) {
                    status = 0;
                    session.reset();
                }
                if (status != 200)
                    ++failures;
                mine.push_back(
                    std::chrono::duration<double, std::milli>(Steady::now() - sent).count());
            }
            client_cpu[static_cast<std::size_t>(c)] = thread_cpu_seconds() - cpu_at_start;
        });
    }
    for (auto& client : clients)
        client.join();
    Round round;
    round.seconds = std::chrono::duration<double>(Steady::now() - start).count();
    round.cpu_seconds = process_cpu_seconds() - cpu_start;
    round.client_cpu_seconds = std::accumulate(client_cpu.begin(), client_cpu.end(), 0.0);
    round.failures = failures.load();
    for (auto& mine : latencies)
        round.latencies_ms.insert(round.latencies_ms.end(), mine.begin(), mine.end());
    return round;
}

// The floor: Poco's HTTP server reading the body and answering a constant.
class ConstantHandler : public Poco::Net::HTTPRequestHandler {
  public:
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        std::string body;
        Poco::StreamCopier::copyToString(request.stream(), body);
        static const std::string answer = R"({"status":"applied"})";
        response.setContentType("application/json");
        response.setContentLength64(static_cast<Poco::Int64>(answer.size()));
        response.sendBuffer(answer.data(), answer.size());
    }
};

class ConstantFactory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new ConstantHandler;
    }
};

void print(const std::string& target, int connections, const Figures& figures) {
    std::cout << Json{{"bench", "counts_batches"},
                      {"target", target},
                      {"connections", connections},
                      {"batches_per_second", std::round(figures.per_second)},
                      {"p50_ms", figures.p50_ms},
                      {"p99_ms", figures.p99_ms},
                      {"cpu_us_per_batch", std::round(figures.cpu_us_per_batch)},
                      {"server_cpu_us_per_batch", std::round(figures.server_cpu_us_per_batch)},
                      {"busy_cores", std::round(figures.busy_cores * 100) / 100},
                      {"requests", figures.requests},
                      {"failures", figures.failures}}
                     .dump()
              << std::endl;
}

} // namespace

int main(int argc, char** argv) {
    // As station-server does; the bare handler and the clients share the process and so the
    // setting, which keeps the comparison fair.
    tune_allocator();
    bool quick = false;
    bool abuse = false;
    int rounds = 0;
    std::vector<int> connection_counts;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--quick") {
            quick = true;
        } else if (argument == "--abuse") {
            abuse = true;
        } else if (argument == "--connections" && i + 1 < argc) {
            connection_counts.push_back(std::clamp(std::atoi(argv[++i]), 1, 256));
        } else if (argument == "--rounds" && i + 1 < argc) {
            rounds = std::clamp(std::atoi(argv[++i]), 1, 100);
        } else {
            std::cerr << "usage: station-bench [--quick] [--abuse] [--rounds N] "
                         "[--connections N]...\n";
            return 2;
        }
    }
    if (abuse)
        return run_abuse_bench(quick);
    if (rounds == 0)
        rounds = quick ? 1 : 7;
    auto duration = std::chrono::milliseconds(quick ? 200 : 1000);
    if (connection_counts.empty())
        connection_counts = quick ? std::vector<int>{1, 4} : std::vector<int>{1, 16, 64};

    auto dir =
        std::filesystem::temp_directory_path() / ("station-bench-" + random_secret().substr(0, 10));
    Poco::Logger& logger = Poco::Logger::get("station-bench");
    logger.setChannel(new Poco::NullChannel);
    int status = 0;
    try {
        StationConfig config;
        config.data_dir = dir / "data";
        config.port = 0;
        config.content_dir = default_content_dir();
        config.web_dir = default_web_dir();
        config.pbkdf2_iterations = 1000;
        config.tls_enabled = false; // the HTTP path itself; TLS costs are the same per request
        config.max_threads = 80;
        config.connections_per_address = 0; // every load comes from 127.0.0.1
        config.max_queued = 256;
        // A year from a week's end to its seal: see hammer().
        config.seal_after_days = 366;
        // The clock runs years ahead with the batches (one week per 64 of them): tokens that end
        // would end mid-run.
        config.kiosk_token_days = 0;
        constexpr long week_seconds = 7L * 24 * 3600;
        std::atomic<long> weeks_ahead{0};
        auto station_now = [&weeks_ahead] {
            return std::time(nullptr) + weeks_ahead.load() * week_seconds;
        };
        Station station(config, station_now, logger);
        station.start();
        station.store().add_admin("bench", hash_password("bench password", 1000));
        auto port = station.port();

        Poco::Net::HTTPClientSession setup("127.0.0.1", port);
        int code = 0;
        auto login =
            Json::parse(post(setup, "/api/v1/admin/session",
                             R"({"username":"bench","password":"bench password"})", "", code));
        std::string admin = login["token"];
        auto kiosk =
            Json::parse(post(setup, "/api/v1/admin/kiosks", R"({"name":"bench"})", admin, code));
        auto enrolled =
            Json::parse(post(setup, "/api/v1/kiosk/enroll",
                             Json{{"enrollment_code", kiosk["enrollment_code"]}}.dump(), "", code));
        std::string kiosk_token = enrolled["token"];
        std::vector<std::string> kiosk_tokens{kiosk_token};
        while (kiosk_tokens.size() < 64) {
            auto more = Json::parse(
                post(setup, "/api/v1/admin/kiosks", R"({"name":"bench"})", admin, code));
            kiosk_tokens.push_back(Json::parse(post(
                setup, "/api/v1/kiosk/enroll",
                Json{{"enrollment_code", more["enrollment_code"]}}.dump(), "", code))["token"]);
        }
        std::atomic<long> batches_sent{0};
        std::atomic<long> bare_sent{0};

        auto document = Json::parse(get(port, "/api/v1/kiosk/content", kiosk_token))["document"];
        auto content = parse_content(document);
        if (!content.document)
            throw std::runtime_error("the default content does not parse");
        auto shape = catalogue_keys(*content.document);
        const IsoWeek enrolled_week = IsoWeek::from_local_time(std::time(nullptr));
        auto sign_in = [&] {
            // The station's clock has moved on by years since the last session: a fresh one.
            return Json::parse(post(setup, "/api/v1/admin/session",
                                    R"({"username":"bench","password":"bench password"})", "",
                                    code))["token"]
                .get<std::string>();
        };

        // The bare handler on its own port with the same thread limits.
        Poco::ThreadPool bare_threads(2, config.max_threads);
        auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
        params->setMaxThreads(config.max_threads);
        params->setMaxQueued(config.max_queued);
        params->setKeepAlive(true);
        Poco::Net::ServerSocket bare_socket(Poco::Net::SocketAddress("127.0.0.1", 0));
        Poco::Net::HTTPServer bare(Poco::makeShared<ConstantFactory>(), bare_threads, bare_socket,
                                   params);
        bare.start();

        long failures = 0;
        for (int connections : connection_counts) {
            // Rounds alternate between the two servers, so both meet the same spells of a
            // busy machine.
            std::vector<Round> on_station;
            std::vector<Round> on_bare;
            std::vector<double> ratios;
            for (int round = 0; round < rounds; ++round) {
                on_station.push_back(hammer(port, kiosk_tokens, batches_sent, connections, duration,
                                            shape, enrolled_week, &weeks_ahead));
                on_bare.push_back(hammer(bare_socket.address().port(), kiosk_tokens, bare_sent,
                                         connections, duration, shape, enrolled_week, nullptr));
                ratios.push_back(on_station.back().per_second() / on_bare.back().per_second());
            }
            auto station_figures = summarize(on_station);
            auto bare_figures = summarize(on_bare);
            failures += station_figures.failures + bare_figures.failures;
            print("station", connections, station_figures);
            print("bare_poco", connections, bare_figures);
            std::sort(ratios.begin(), ratios.end());
            std::cout << Json{{"bench", "counts_ratio"},
                              {"connections", connections},
                              {"rounds", rounds},
                              {"station_over_bare",
                               bare_figures.per_second > 0
                                   ? station_figures.per_second / bare_figures.per_second
                                   : 0.0},
                              {"lowest_round", ratios.front()},
                              {"highest_round", ratios.back()}}
                             .dump()
                      << std::endl;
        }
        bare.stopAll(true);
        bare_threads.joinAll();

        // A year of weekly counts from 100 kiosks, then summaries over it.
        int kiosks = quick ? 5 : 100;
        const IsoWeek last_week = IsoWeek::from_local_time(station_now()).prev();
        IsoWeek first_week = last_week.plus_weeks(-51);
        std::mt19937 random(7);
        // Written through a group writer of its own: the same code as the station's counts.
        // Its weeks seal only at the first summary, as if every release came in on time (the
        // batches above used kiosk ids of their own).
        auto year_writer =
            station.store().open_group_writer(SealPolicy{config.k, 400L * 24 * 3600});
        auto load_start = Steady::now();
        for (int k = 0; k < kiosks; ++k) {
            PendingBatch year;
            year.batch.batch_id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
            year.kiosk_id = 1000 + k; // each kiosk releases each week once
            year.received_at = station_now();
            std::uniform_int_distribution<int> n(0, 30);
            for (IsoWeek week = first_week; week <= last_week; week = week.next())
                for (const auto& key : shape)
                    year.batch.counts.push_back({week, key.metric, key.key, n(random)});
            year_writer->apply_group({&year});
        }
        double load_ms =
            std::chrono::duration<double, std::milli>(Steady::now() - load_start).count();
        // The year is read once sealed, as a coordinator would; the first summary seals it.
        weeks_ahead += 54;
        admin = sign_in();
        for (std::string period : {"week", "month", "total"}) {
            std::string path = "/api/v1/summary?from=" + first_week.to_string() +
                               "&to=" + last_week.to_string() + "&period=" + period;
            std::vector<double> times;
            std::size_t bytes = 0;
            for (int i = 0; i < (quick ? 2 : 15); ++i) {
                auto started = Steady::now();
                bytes = get(port, path, admin).size();
                times.push_back(
                    std::chrono::duration<double, std::milli>(Steady::now() - started).count());
            }
            std::sort(times.begin(), times.end());
            std::cout << Json{{"bench", "summary_year"},
                              {"kiosks", kiosks},
                              {"weeks", 52},
                              {"period", period},
                              {"median_ms", times[times.size() / 2]},
                              {"max_ms", times.back()},
                              {"response_bytes", bytes},
                              {"load_ms", load_ms}}
                             .dump()
                      << std::endl;
        }
        station.stop();
        if (failures > 0) {
            std::cerr << "station-bench: " << failures << " requests failed" << std::endl;
            status = 1;
        }
    } catch (const std::exception& error) {
        std::cerr << "station-bench: " << error.what() << std::endl;
        status = 1;
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return status;
}
