#include "station_metrics.hpp"

#include "security.hpp"
#include "wellness/durable_file.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace wellness::station {

namespace {

bool is_sha256_hex(std::string_view text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

bool is_metric_name(std::string_view name) {
    if (name.empty())
        return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
        if (!letter && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

std::string format_value(double value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out.precision(17);
    out << value;
    return out.str();
}

} // namespace

void RouteCounters::count(int status) {
    int status_class = status / 100;
    if (status_class >= 1 && status_class <= 5)
        by_class_[static_cast<std::size_t>(status_class - 1)].fetch_add(1,
                                                                        std::memory_order_relaxed);
}

std::uint64_t RouteCounters::answered(int status_class) const {
    if (status_class < 1 || status_class > 5)
        return 0;
    return by_class_[static_cast<std::size_t>(status_class - 1)].load(std::memory_order_relaxed);
}

std::uint64_t RouteCounters::total() const {
    std::uint64_t sum = 0;
    for (int status_class = 1; status_class <= 5; ++status_class)
        sum += answered(status_class);
    return sum;
}

RouteCounters& RequestMetrics::route(const std::string& route) {
    std::lock_guard lock(mutex_);
    for (auto& counters : routes_)
        if (counters.route() == route)
            return counters;
    return routes_.emplace_back(route);
}

std::vector<const RouteCounters*> RequestMetrics::routes() const {
    std::lock_guard lock(mutex_);
    std::vector<const RouteCounters*> all;
    for (const auto& counters : routes_)
        all.push_back(&counters);
    return all;
}

MetricsToken::MetricsToken(std::filesystem::path file) : file_(std::move(file)) {
    auto text = read_file_limited(file_, 256);
    if (!text)
        return;
    std::string hash = text->substr(0, text->find('\n'));
    if (is_sha256_hex(hash))
        hash_ = hash;
}

std::string MetricsToken::issue() {
    std::string token = "m." + random_secret();
    std::string hash = sha256_hex(token);
    std::lock_guard lock(mutex_);
    write_file_atomically(file_, hash + "\n", 0600);
    hash_ = hash;
    return token;
}

void MetricsToken::revoke() {
    std::lock_guard lock(mutex_);
    // An empty file, written as durably as a hash: a crash never brings the old token back.
    write_file_atomically(file_, "", 0600);
    hash_.clear();
}

bool MetricsToken::configured() const {
    std::lock_guard lock(mutex_);
    return !hash_.empty();
}

bool MetricsToken::matches(std::string_view token) const {
    std::string presented = sha256_hex(token);
    std::lock_guard lock(mutex_);
    return !hash_.empty() && constant_time_equal(presented, hash_);
}

void PrometheusText::family(std::string_view name, Type type, std::string_view help) {
    if (!is_metric_name(name))
        throw std::invalid_argument("not a metric name: " + std::string(name));
    name_ = name;
    text_ += "# HELP " + name_ + " " + escape_help(help) + "\n";
    text_ += "# TYPE " + name_ + (type == Type::counter ? " counter\n" : " gauge\n");
}

void PrometheusText::sample(const Labels& labels, double value) {
    text_ += name_;
    if (!labels.empty()) {
        text_ += "{";
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (!is_metric_name(labels[i].first) || labels[i].first.find(':') != std::string::npos)
                throw std::invalid_argument("not a label name: " + labels[i].first);
            text_ += (i ? "," : "") + labels[i].first + "=\"" +
                     escape_label_value(labels[i].second) + "\"";
        }
        text_ += "}";
    }
    text_ += " " + format_value(value) + "\n";
}

std::string PrometheusText::escape_help(std::string_view text) {
    return escape(text, false);
}

std::string PrometheusText::escape_label_value(std::string_view text) {
    return escape(text, true);
}

std::string PrometheusText::escape(std::string_view text, bool quote) {
    std::string escaped;
    for (char c : text) {
        if (c == '\\')
            escaped += "\\\\";
        else if (c == '\n')
            escaped += "\\n";
        else if (quote && c == '"')
            escaped += "\\\"";
        else
            escaped += c;
    }
    return escaped;
}

} // namespace wellness::station
