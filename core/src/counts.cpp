#include "wellness/counts.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace wellness {
namespace {

std::int64_t visits_in(const Counters& counters) {
    const auto found =
        counters.find(CounterKey{std::string(metric::visit), std::string(visit_key)});
    return found == counters.end() ? 0 : found->second;
}

Counters summed(const Counters& a, const Counters& b) {
    Counters sum = a;
    for (const auto& [key, n] : b) {
        sum[key] += n;
    }
    return sum;
}

// "/name" with '~' and '/' escaped as RFC 6901 asks, for names taken from the input.
std::string pointer_to(const std::string& name) {
    return (Json::json_pointer() / name).to_string();
}

std::string index_path(std::size_t index) {
    return "/counts/" + std::to_string(index);
}

// The fixed key a metric requires, or "" when its key is a content id.
std::string_view fixed_key_of(std::string_view metric_name) {
    if (metric_name == metric::visit) {
        return visit_key;
    }
    if (metric_name == metric::crisis_viewed) {
        return crisis_key;
    }
    return {};
}

} // namespace

const std::vector<std::string>& known_metrics() {
    static const std::vector<std::string> metrics{
        std::string(metric::visit),
        std::string(metric::breathing_started),
        std::string(metric::breathing_completed),
        std::string(metric::checkin_level),
        std::string(metric::checkin_topic),
        std::string(metric::handoff_shown),
        std::string(metric::crisis_viewed),
    };
    return metrics;
}

bool is_known_metric(std::string_view metric_name) {
    const auto& metrics = known_metrics();
    return std::find(metrics.begin(), metrics.end(), metric_name) != metrics.end();
}

std::vector<CounterKey> catalogue_keys(const ContentDocument& content) {
    std::set<CounterKey> keys;
    auto add = [&](std::string_view metric_name, const std::string& key) {
        keys.insert(CounterKey{std::string(metric_name), key});
    };
    add(metric::visit, std::string(visit_key));
    for (const auto& exercise : content.exercises) {
        add(metric::breathing_started, exercise.id);
        add(metric::breathing_completed, exercise.id);
    }
    for (const auto& level : content.checkin.levels) {
        add(metric::checkin_level, level.id);
    }
    for (const auto& topic : content.checkin.topics) {
        add(metric::checkin_topic, topic.id);
    }
    for (const auto& provider : content.providers) {
        add(metric::handoff_shown, provider.id);
    }
    add(metric::crisis_viewed, std::string(crisis_key));
    return {keys.begin(), keys.end()};
}

Counters build_release(const std::vector<CounterKey>& shape, const Counters& counted) {
    Counters release;
    for (const auto& key : shape) {
        release.emplace(key, 0);
    }
    for (const auto& [key, n] : counted) {
        release[key] += n;
    }
    return release;
}

PoolingOutcome pool_closed_week(const Counters& closed_week, const Counters& carried_in, int k) {
    PoolingOutcome outcome;
    Counters combined = summed(closed_week, carried_in);
    const std::int64_t visits = visits_in(combined);
    if (visits >= 1 && visits < k) {
        outcome.pooled = true;
        for (const auto& entry : combined) {
            outcome.release.emplace(entry.first, 0);
        }
        outcome.carried_out = std::move(combined);
        return outcome;
    }
    outcome.release = std::move(combined);
    return outcome;
}

bool is_valid_uuid(std::string_view text) {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') {
                return false;
            }
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

std::string encode_batch(const CountsBatch& batch) {
    Json counts = Json::array();
    for (const auto& entry : batch.counts) {
        counts.push_back(Json{{"week", entry.week.to_string()},
                              {"metric", entry.metric},
                              {"key", entry.key},
                              {"n", entry.n}});
    }
    const Json body{{"batch_id", batch.batch_id}, {"counts", std::move(counts)}};
    // Replacing invalid UTF-8 (which only a caller's bug could put in a key) keeps dump() from
    // throwing; decode_batch then refuses the key as no slug.
    return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

BatchDecodeResult decode_batch(std::string_view body, IsoWeek current_week) {
    BatchDecodeResult result;
    auto problem = [&](std::string path, std::string message) {
        result.problems.push_back(Problem{std::move(path), std::move(message)});
    };

    JsonLimits limits;
    limits.max_bytes = max_batch_bytes;
    limits.max_depth = 8;
    JsonInputResult parsed = parse_json_input(body, limits);
    if (!parsed.value) {
        result.json_error = parsed.error;
        problem("", parsed.message);
        return result;
    }
    const Json& root = *parsed.value;
    if (!root.is_object()) {
        problem("", "the body must be a JSON object with \"batch_id\" and \"counts\"");
        return result;
    }
    for (const auto& item : root.items()) {
        if (item.key() != "batch_id" && item.key() != "counts") {
            problem(pointer_to(item.key()),
                    "unknown field; only \"batch_id\" and \"counts\" are allowed");
        }
    }

    CountsBatch batch;
    const auto batch_id = root.find("batch_id");
    if (batch_id == root.end()) {
        problem("/batch_id", "missing; a batch needs a lowercase uuid as its id");
    } else if (!batch_id->is_string() || !is_valid_uuid(batch_id->get_ref<const std::string&>())) {
        problem("/batch_id", "must be a lowercase uuid such as "
                             "\"0f8fad5b-d9cb-469f-a165-70867728950e\"");
    } else {
        batch.batch_id = batch_id->get<std::string>();
    }

    const auto counts = root.find("counts");
    if (counts == root.end()) {
        problem("/counts", "missing; a batch needs a list of counts (it may be empty)");
    } else if (!counts->is_array()) {
        problem("/counts", "must be a list of counts");
    } else if (counts->size() > max_batch_entries) {
        problem("/counts", "holds " + std::to_string(counts->size()) + " entries; at most " +
                               std::to_string(max_batch_entries) + " are accepted");
    } else {
        std::set<std::tuple<IsoWeek, std::string, std::string>> seen;
        for (std::size_t index = 0; index < counts->size(); ++index) {
            const Json& item = (*counts)[index];
            const std::string path = index_path(index);
            if (!item.is_object()) {
                problem(path, "must be an object with \"week\", \"metric\", \"key\" and \"n\"");
                continue;
            }
            const std::size_t before = result.problems.size();
            for (const auto& field : item.items()) {
                if (field.key() != "week" && field.key() != "metric" && field.key() != "key" &&
                    field.key() != "n") {
                    problem(path + pointer_to(field.key()),
                            "unknown field; a count has only \"week\", \"metric\", \"key\" and "
                            "\"n\"");
                }
            }
            CountEntry entry;

            const auto week = item.find("week");
            if (week == item.end()) {
                problem(path + "/week", "missing; an ISO week such as \"2026-W47\" is needed");
            } else if (!week->is_string()) {
                problem(path + "/week", "must be an ISO week such as \"2026-W47\"");
            } else if (const auto parsed_week = IsoWeek::parse(week->get_ref<const std::string&>());
                       !parsed_week) {
                problem(path + "/week", "is not an existing ISO week written like \"2026-W47\"");
            } else if (*parsed_week >= current_week) {
                problem(path + "/week", "week " + parsed_week->to_string() +
                                            " has not ended yet; only closed weeks are accepted");
            } else {
                entry.week = *parsed_week;
            }

            const auto metric_field = item.find("metric");
            bool metric_ok = false;
            if (metric_field == item.end()) {
                problem(path + "/metric", "missing; a count needs a metric");
            } else if (!metric_field->is_string() ||
                       !is_known_metric(metric_field->get_ref<const std::string&>())) {
                problem(path + "/metric", "is not a known metric");
            } else {
                entry.metric = metric_field->get<std::string>();
                metric_ok = true;
            }

            const auto key = item.find("key");
            if (key == item.end()) {
                problem(path + "/key", "missing; a count needs a key");
            } else if (!key->is_string() || !is_valid_slug(key->get_ref<const std::string&>())) {
                problem(path + "/key",
                        "must be a content id: 1 to 32 lowercase letters, digits or '-'");
            } else if (const std::string_view fixed = fixed_key_of(entry.metric);
                       metric_ok && !fixed.empty() && key->get_ref<const std::string&>() != fixed) {
                problem(path + "/key", "must be \"" + std::string(fixed) + "\" for metric \"" +
                                           entry.metric + "\"");
            } else {
                entry.key = key->get<std::string>();
            }

            const auto n = item.find("n");
            if (n == item.end()) {
                problem(path + "/n", "missing; a count needs n");
            } else if (!n->is_number_integer()) {
                problem(path + "/n",
                        "must be a whole number from 0 to " + std::to_string(max_count));
            } else if (n->is_number_unsigned()
                           ? n->get<std::uint64_t>() > static_cast<std::uint64_t>(max_count)
                           : (n->get<std::int64_t>() < 0 || n->get<std::int64_t>() > max_count)) {
                problem(path + "/n", "must be from 0 to " + std::to_string(max_count));
            } else {
                entry.n = n->get<std::int64_t>();
            }

            if (result.problems.size() != before) {
                continue;
            }
            if (!seen.emplace(entry.week, entry.metric, entry.key).second) {
                problem(path, "repeats week " + entry.week.to_string() + ", metric \"" +
                                  entry.metric + "\" and key \"" + entry.key +
                                  "\" of an earlier entry");
                continue;
            }
            batch.counts.push_back(std::move(entry));
        }
    }

    if (result.problems.empty()) {
        result.batch = std::move(batch);
    }
    return result;
}

} // namespace wellness
