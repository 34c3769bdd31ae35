// Counts: the catalogue and the kiosk-station batch (DESIGN.md, counts catalogue). Sections:
//   1. The catalogue: known_metrics, is_known_metric, catalogue_keys.
//   2. Batches out (the kiosk's side): encode_batch, encode_fixed_size_batch, decide_release.
//   3. Batches in (the station's side): the SAX BatchReader (RawValue / RawEntry / RawBatch),
//      then decode_batch's checks of what it read.

#include "wellness/counts.hpp"

#include "wellness/limits.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory_resource>
#include <optional>
#include <set>
#include <tuple>

namespace wellness {
namespace {

std::int64_t visits_in(const Counters& counters) {
    const auto found =
        counters.find(CounterKey{std::string(metric::visit), std::string(visit_key)});
    return found == counters.end() ? 0 : found->second;
}

// "/name" with '~' and '/' escaped as RFC 6901 asks, for names taken from the input.
std::string pointer_to(const std::string& name) {
    return (Json::json_pointer() / name).to_string();
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
        std::string(metric::rating_before),
        std::string(metric::rating_after),
        std::string(metric::card_viewed),
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
    if (content.stress_rating) {
        for (const auto& bucket : rating_buckets(*content.stress_rating)) {
            add(metric::rating_before, bucket);
            add(metric::rating_after, bucket);
        }
    }
    // Only with cards, so content without them keeps the catalogue it had.
    for (const auto& card : content.topic_cards) {
        add(metric::card_viewed, card.id);
    }
    return {keys.begin(), keys.end()};
}

bool is_valid_uuid(std::string_view text) {
    if (text.size() != shared_limits::batch_id_chars) {
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

std::string encode_fixed_size_batch(const CountsBatch& batch) {
    std::string body = encode_batch(batch);
    CountsBatch widest = batch;
    for (auto& entry : widest.counts)
        entry.n = max_count;
    const std::size_t fixed_size = encode_batch(widest).size();
    if (body.size() < fixed_size)
        body.append(fixed_size - body.size(), ' ');
    return body;
}

ReleaseDecision decide_release(const IsoWeek& week, const std::vector<CounterKey>& catalogue,
                               const Counters& closed_week, const Counters& carried_in, int k,
                               const std::string& batch_id) {
    k = std::max(k, minimum_k); // the privacy floor holds whatever the caller was told
    Counters combined;
    for (const auto& key : catalogue)
        combined.emplace(key, 0);
    combined.emplace(CounterKey{std::string(metric::visit), std::string(visit_key)}, 0);
    ReleaseDecision decision;
    auto add = [&](const Counters& counters) {
        for (const auto& [key, n] : counters) {
            const std::int64_t value = std::clamp<std::int64_t>(n, 0, max_count);
            const auto found = combined.find(key);
            if (found == combined.end()) {
                decision.dropped += value;
                continue;
            }
            found->second = std::min<std::int64_t>(found->second + value, max_count);
        }
    };
    add(closed_week);
    add(carried_in);
    const std::int64_t visits = visits_in(combined);
    const bool any_count = std::any_of(combined.begin(), combined.end(),
                                       [](const auto& entry) { return entry.second > 0; });
    decision.pooled = any_count && visits < k;
    decision.batch.batch_id = batch_id;
    decision.batch.counts.reserve(combined.size());
    for (const auto& [key, n] : combined)
        decision.batch.counts.push_back(
            CountEntry{week, key.metric, key.key, decision.pooled ? 0 : n});
    if (decision.pooled) {
        for (const auto& [key, n] : combined)
            if (n > 0)
                decision.carried_out.emplace(key, n);
    }
    decision.body = encode_fixed_size_batch(decision.batch);
    return decision;
}

namespace {

// A JSON value as far as the batch checks need it: its type, and its text or number.
struct RawValue {
    enum class Type { missing, string, integer, unsigned_integer, other };
    Type type = Type::missing;
    std::string text;
    std::int64_t integer = 0;
    std::uint64_t unsigned_integer = 0;

    bool is_integer() const { return type == Type::integer || type == Type::unsigned_integer; }
};

struct RawEntry {
    bool is_object = false;
    std::vector<std::string> unknown_fields;
    RawValue week;
    RawValue metric;
    RawValue key;
    RawValue n;
};

struct RawBatch {
    bool is_object = false;
    std::vector<std::string> unknown_fields;
    RawValue batch_id;
    enum class Counts { missing, not_array, array } counts = Counts::missing;
    std::size_t count_items = 0;
    std::vector<RawEntry> entries; // the first max_batch_entries items of "counts"
};

// Reads a batch straight from the text (nlohmann's SAX interface), keeping only what the checks
// look at: a batch arrives many times a second, and building a whole document for each cost
// more than everything else the station does with it.
class BatchReader final : public nlohmann::json_sax<Json> {
  public:
    RawBatch batch;
    bool repeated_key = false;
    bool too_deep = false;
    std::string error; // why the text is not JSON, once the parse has failed

    BatchReader(std::string_view text, int max_depth) : text_(text), max_depth_(max_depth) {}

    bool null() override { return value({}, RawValue::Type::other); }
    bool boolean(bool) override { return value({}, RawValue::Type::other); }
    bool number_integer(number_integer_t n) override {
        RawValue v;
        v.type = RawValue::Type::integer;
        v.integer = n;
        return put(std::move(v));
    }
    bool number_unsigned(number_unsigned_t n) override {
        RawValue v;
        v.type = RawValue::Type::unsigned_integer;
        v.unsigned_integer = n;
        return put(std::move(v));
    }
    bool number_float(number_float_t, const string_t&) override {
        return value({}, RawValue::Type::other);
    }
    bool string(string_t& text) override { return value(std::move(text), RawValue::Type::string); }
    bool binary(binary_t&) override { return value({}, RawValue::Type::other); }

    bool start_object(std::size_t) override {
        if (!open(true))
            return false;
        keys_.open_object();
        return true;
    }
    bool end_object() override {
        keys_.close_object();
        frames_.pop_back();
        known_fields_.pop_back();
        return true;
    }
    bool start_array(std::size_t) override { return open(false); }
    bool end_array() override {
        frames_.pop_back();
        known_fields_.pop_back();
        return true;
    }

    bool key(string_t& name) override {
        slot_ = Slot::none;
        target_ = nullptr;
        // A field the batch knows is marked in a bit set; any other name goes through the
        // general repeated-key check. Both together refuse exactly what parse_json_input does.
        auto known = [&](unsigned field) {
            if (known_fields_.back() & (1U << field))
                repeated_key = true;
            known_fields_.back() |= 1U << field;
        };
        if (top() == Frame::batch_object) {
            if (name == "batch_id") {
                known(0);
                slot_ = Slot::batch_id;
                return true;
            }
            if (name == "counts") {
                known(1);
                slot_ = Slot::counts;
                return true;
            }
            batch.unknown_fields.push_back(name);
        } else if (top() == Frame::entry_object) {
            RawEntry& entry = batch.entries.back();
            RawValue* fields[] = {&entry.week, &entry.metric, &entry.key, &entry.n};
            static constexpr std::string_view names[] = {"week", "metric", "key", "n"};
            for (unsigned field = 0; field < 4; ++field) {
                if (name == names[field]) {
                    known(field);
                    target_ = fields[field];
                    return true;
                }
            }
            entry.unknown_fields.push_back(name);
        }
        if (!keys_.add_key(name))
            repeated_key = true;
        return true;
    }

    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& failure) override {
        const auto* parse_failure = dynamic_cast<const Json::parse_error*>(&failure);
        error = parse_failure ? describe_json_parse_error(*parse_failure, text_)
                              : "the text is not valid JSON";
        return false;
    }

  private:
    enum class Frame { none, batch_object, counts_array, entry_object, ignored };
    enum class Slot { none, batch_id, counts };

    Frame top() const { return frames_.empty() ? Frame::none : frames_.back(); }

    bool value(std::string text, RawValue::Type type) {
        RawValue v;
        v.type = type;
        v.text = std::move(text);
        return put(std::move(v));
    }

    // A value that is not an array or object.
    bool put(RawValue v) {
        switch (top()) {
        case Frame::batch_object:
            if (slot_ == Slot::batch_id)
                batch.batch_id = std::move(v);
            else if (slot_ == Slot::counts)
                batch.counts = RawBatch::Counts::not_array;
            break;
        case Frame::counts_array:
            if (++batch.count_items <= max_batch_entries)
                batch.entries.emplace_back(); // not an object
            break;
        case Frame::entry_object:
            if (target_ != nullptr)
                *target_ = std::move(v);
            break;
        case Frame::none: // the whole text is one value, so not an object
        case Frame::ignored:
            break;
        }
        slot_ = Slot::none;
        target_ = nullptr;
        return true;
    }

    bool open(bool is_object) {
        if (frames_.size() >= static_cast<std::size_t>(max_depth_)) {
            too_deep = true;
            return false;
        }
        Frame next = Frame::ignored;
        switch (top()) {
        case Frame::none:
            batch.is_object = is_object;
            if (is_object)
                next = Frame::batch_object;
            break;
        case Frame::batch_object:
            if (slot_ == Slot::batch_id) {
                batch.batch_id.type = RawValue::Type::other;
            } else if (slot_ == Slot::counts) {
                batch.counts = is_object ? RawBatch::Counts::not_array : RawBatch::Counts::array;
                if (!is_object) {
                    next = Frame::counts_array;
                    batch.entries.reserve(64); // a kiosk's weekly release, without regrowing
                }
            }
            break;
        case Frame::counts_array:
            if (++batch.count_items <= max_batch_entries) {
                batch.entries.emplace_back();
                batch.entries.back().is_object = is_object;
                if (is_object)
                    next = Frame::entry_object;
            }
            break;
        case Frame::entry_object:
            if (target_ != nullptr)
                target_->type = RawValue::Type::other;
            break;
        case Frame::ignored:
            break;
        }
        frames_.push_back(next);
        known_fields_.push_back(0);
        slot_ = Slot::none;
        target_ = nullptr;
        return true;
    }

    std::string_view text_;
    int max_depth_;
    std::vector<Frame> frames_;
    std::vector<unsigned> known_fields_; // per open frame, the known fields it has had
    Slot slot_ = Slot::none;
    RawValue* target_ = nullptr; // the field of the entry being read that the next value fills
    OpenObjectKeys keys_;
};

} // namespace

BatchDecodeResult decode_batch(std::string_view body, IsoWeek current_week) {
    BatchDecodeResult result;
    // Counted in full, listed up to content's limit: a hostile body of thousands of unknown
    // fields must not turn into an answer of megabytes.
    std::size_t problems_found = 0;
    auto problem = [&](std::string path, std::string message) {
        if (++problems_found <= content_limits::max_problems)
            result.problems.push_back(Problem{std::move(path), std::move(message)});
    };

    JsonLimits limits;
    limits.max_bytes = max_batch_bytes;
    limits.max_depth = 8;
    auto refuse = [&](JsonInputResult refused) {
        result.json_error = refused.error;
        problem("", std::move(refused.message));
        return result;
    };
    if (auto refused = screen_json_text(body, limits, DepthScan::left_to_parser))
        return refuse(std::move(*refused));
    BatchReader reader(body, limits.max_depth);
    bool parsed = false;
    try {
        parsed = Json::sax_parse(body.begin(), body.end(), &reader, Json::input_format_t::json,
                                 /*strict=*/true, /*ignore_comments=*/false);
    } catch (const std::exception&) {
        parsed = false;
    }
    if (reader.too_deep)
        return refuse(too_deep_refusal(limits.max_depth));
    if (!parsed) {
        JsonInputResult refused;
        refused.error = JsonInputError::malformed;
        refused.message = reader.error.empty() ? "the text is not valid JSON" : reader.error;
        return refuse(std::move(refused));
    }
    if (reader.repeated_key) {
        JsonInputResult refused;
        refused.error = JsonInputError::malformed;
        refused.message = std::string(repeated_key_message);
        return refuse(std::move(refused));
    }

    RawBatch& raw = reader.batch;
    if (!raw.is_object) {
        problem("", "the body must be a JSON object with \"batch_id\" and \"counts\"");
        return result;
    }
    // In name order, as a parsed document would list them.
    std::sort(raw.unknown_fields.begin(), raw.unknown_fields.end());
    for (const auto& name : raw.unknown_fields)
        problem(pointer_to(name), "unknown field; only \"batch_id\" and \"counts\" are allowed");

    CountsBatch batch;
    if (raw.batch_id.type == RawValue::Type::missing) {
        problem("/batch_id", "missing; a batch needs a lowercase uuid as its id");
    } else if (raw.batch_id.type != RawValue::Type::string || !is_valid_uuid(raw.batch_id.text)) {
        problem("/batch_id", "must be a lowercase uuid such as "
                             "\"0f8fad5b-d9cb-469f-a165-70867728950e\"");
    } else {
        batch.batch_id = std::move(raw.batch_id.text);
    }

    if (raw.counts == RawBatch::Counts::missing) {
        problem("/counts", "missing; a batch needs a list of counts (it may be empty)");
    } else if (raw.counts == RawBatch::Counts::not_array) {
        problem("/counts", "must be a list of counts");
    } else if (raw.count_items > max_batch_entries) {
        problem("/counts", "holds " + std::to_string(raw.count_items) + " entries; at most " +
                               std::to_string(max_batch_entries) + " are accepted");
    } else {
        // Views into the accepted entries' texts: batch.counts never outgrows what is reserved
        // here, so its elements stay put. The nodes come from a buffer on the stack, enough for
        // a kiosk's weekly release (a batch arrives many times a second under load).
        std::array<std::byte, 8192> node_buffer;
        std::pmr::monotonic_buffer_resource nodes(node_buffer.data(), node_buffer.size());
        std::pmr::set<std::tuple<IsoWeek, std::string_view, std::string_view>> seen(&nodes);
        batch.counts.reserve(raw.entries.size());
        std::optional<IsoWeek> last_week; // a release's entries mostly share one week
        std::string_view last_week_text;
        for (std::size_t index = 0; index < raw.entries.size(); ++index) {
            RawEntry& item = raw.entries[index];
            // Built only for an entry with a problem.
            auto path = [index] { return "/counts/" + std::to_string(index); };
            if (!item.is_object) {
                problem(path(), "must be an object with \"week\", \"metric\", \"key\" and \"n\"");
                continue;
            }
            const std::size_t before = problems_found;
            std::sort(item.unknown_fields.begin(), item.unknown_fields.end());
            for (const auto& name : item.unknown_fields) {
                problem(path() + pointer_to(name),
                        "unknown field; a count has only \"week\", \"metric\", \"key\" and "
                        "\"n\"");
            }
            CountEntry entry;

            const RawValue& week = item.week;
            if (week.type == RawValue::Type::missing) {
                problem(path() + "/week", "missing; an ISO week such as \"2026-W47\" is needed");
            } else if (week.type != RawValue::Type::string) {
                problem(path() + "/week", "must be an ISO week such as \"2026-W47\"");
            } else {
                if (!last_week || week.text != last_week_text) {
                    last_week = IsoWeek::parse(week.text);
                    last_week_text = week.text;
                }
                if (!last_week) {
                    problem(path() + "/week",
                            "is not an existing ISO week written like \"2026-W47\"");
                } else if (*last_week >= current_week) {
                    problem(path() + "/week",
                            "week " + last_week->to_string() +
                                " has not ended yet; only closed weeks are accepted");
                } else {
                    entry.week = *last_week;
                }
            }

            RawValue& metric_field = item.metric;
            bool metric_ok = false;
            if (metric_field.type == RawValue::Type::missing) {
                problem(path() + "/metric", "missing; a count needs a metric");
            } else if (metric_field.type != RawValue::Type::string ||
                       !is_known_metric(metric_field.text)) {
                problem(path() + "/metric", "is not a known metric");
            } else {
                metric_ok = true;
            }

            RawValue& key = item.key;
            if (key.type == RawValue::Type::missing) {
                problem(path() + "/key", "missing; a count needs a key");
            } else if (key.type != RawValue::Type::string || !is_valid_slug(key.text)) {
                problem(path() + "/key", "must be a content id: 1 to " +
                                             std::to_string(shared_limits::max_id_chars) +
                                             " lowercase letters, digits or '-'");
            } else if (const std::string_view fixed = fixed_key_of(metric_field.text);
                       metric_ok && !fixed.empty() && key.text != fixed) {
                problem(path() + "/key", "must be \"" + std::string(fixed) + "\" for metric \"" +
                                             metric_field.text + "\"");
            }

            const RawValue& n = item.n;
            if (n.type == RawValue::Type::missing) {
                problem(path() + "/n", "missing; a count needs n");
            } else if (!n.is_integer()) {
                problem(path() + "/n",
                        "must be a whole number from 0 to " + std::to_string(max_count));
            } else if (n.type == RawValue::Type::unsigned_integer
                           ? n.unsigned_integer > static_cast<std::uint64_t>(max_count)
                           : (n.integer < 0 || n.integer > max_count)) {
                problem(path() + "/n", "must be from 0 to " + std::to_string(max_count));
            } else {
                entry.n = n.type == RawValue::Type::unsigned_integer
                              ? static_cast<std::int64_t>(n.unsigned_integer)
                              : n.integer;
            }

            if (problems_found != before) {
                continue;
            }
            entry.metric = std::move(metric_field.text);
            entry.key = std::move(key.text);
            const CountEntry& accepted = batch.counts.emplace_back(std::move(entry));
            if (!seen.emplace(accepted.week, accepted.metric, accepted.key).second) {
                problem(path(), "repeats week " + accepted.week.to_string() + ", metric \"" +
                                    accepted.metric + "\" and key \"" + accepted.key +
                                    "\" of an earlier entry");
                batch.counts.pop_back();
            }
        }
    }

    if (problems_found > content_limits::max_problems) {
        result.problems.push_back(
            Problem{"", std::to_string(problems_found - content_limits::max_problems) +
                            " more problems are not listed; the batch was refused as a whole"});
    }
    if (result.problems.empty()) {
        result.batch = std::move(batch);
    }
    return result;
}

} // namespace wellness
