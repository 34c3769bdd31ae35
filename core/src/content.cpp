// The content model's rules (DESIGN.md, content) and its reader. Sections, in order:
//   1. Text checks: JSON pointers, UTF-8 lengths, colours, locale ids, phones, booking URLs.
//   2. The reader (a Reader that collects every problem, not just the first):
//      typed reads (read_string ... read_list), then one reader per part of the document:
//      locales, theme (with its contrast check), ui words, exercises, assets, providers,
//      check-in, crisis lines, emergency numbers, and read_document putting them together.
//   3. The ui words every document must have, and the built-in ones.
//   4. parse_content (from JSON or text) and to_json, its inverse.
//   5. Small public helpers: localized, is_valid_slug, is_asset_name, asset_media_type.
//   6. The counting structure (promise 6): counting_structure, same_counting_structure.

#include "wellness/content.hpp"

#include "wellness/json_input.hpp"
#include "wellness/limits.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <utility>

namespace wellness {

namespace {

namespace limits = content_limits;

const std::set<std::string>& provider_kinds() {
    static const std::set<std::string> kinds{"eap", "therapist", "peer-support", "chaplain",
                                             "other"};
    return kinds;
}

// JSON pointer escaping (RFC 6901) so that an unknown key with '/' or '~' still points at itself.
std::string pointer_token(std::string_view key) {
    std::string out;
    out.reserve(key.size());
    for (char c : key) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

std::string child(const std::string& path, std::string_view key) {
    return path + "/" + pointer_token(key);
}

std::string child(const std::string& path, std::size_t index) {
    return path + "/" + std::to_string(index);
}

// A key taken from a hostile document is shown in messages only in part, so a message stays short.
std::string shown(std::string_view text) {
    constexpr std::size_t shown = 40;
    std::string out = "\"";
    std::size_t count = 0;
    for (char c : text) {
        if (count == shown) {
            out += "...";
            break;
        }
        const auto byte = static_cast<unsigned char>(c);
        out += (byte < 0x20 || byte == 0x7f) ? '?' : c;
        ++count;
    }
    return out + "\"";
}

const char* type_name(const Json& value) {
    switch (value.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::object:
        return "an object";
    case Json::value_t::array:
        return "a list";
    case Json::value_t::string:
        return "text";
    case Json::value_t::boolean:
        return "true/false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
        return "a number";
    default:
        return "something else";
    }
}

// Code points of valid UTF-8, or nullopt when the bytes are not UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text) {
    if (first_invalid_utf8(text) != text.size()) {
        return std::nullopt;
    }
    // Well-formed, so every code point has exactly one byte that is not a continuation byte.
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0u) != 0x80u;
    }));
}

bool has_control_character(std::string_view text, bool allow_newline) {
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && !(allow_newline && c == '\n')) || byte == 0x7f) {
            return true;
        }
    }
    return false;
}

bool is_blank(std::string_view text) {
    for (char c : text) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return false;
        }
    }
    return true;
}

bool is_colour(std::string_view text) {
    if (text.size() != 7 || text[0] != '#') {
        return false;
    }
    for (std::size_t i = 1; i < text.size(); ++i) {
        const char c = text[i];
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex) {
            return false;
        }
    }
    return true;
}

bool is_locale_id(std::string_view id) {
    if (id.size() < 2 || id.size() > 8 || id.front() == '-' || id.back() == '-') {
        return false;
    }
    for (char c : id) {
        if (!((c >= 'a' && c <= 'z') || c == '-')) {
            return false;
        }
    }
    return true;
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Phone numbers are shown, never dialled: digits and the usual separators only.
Outcome check_phone(std::string_view phone) {
    if (phone.size() > limits::max_phone_chars) {
        return {"is longer than " + std::to_string(limits::max_phone_chars) + " characters"};
    }
    bool digit = false;
    for (char c : phone) {
        if (c >= '0' && c <= '9') {
            digit = true;
            continue;
        }
        if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')' && c != '.') {
            return {"may hold only digits, spaces and + - ( ) . (found " +
                    shown(std::string_view(&c, 1)) + ")"};
        }
    }
    if (!digit) {
        return {"must contain at least one digit"};
    }
    return {};
}

// Whatever follows '?' or '#' is where a link carries parameters a site can log.
bool booking_url_may_track(std::string_view url) {
    return url.find_first_of("?#") != std::string_view::npos;
}

// The booking link becomes a QR code an officer opens on their own phone: it must be a plain
// https URL with a host, nothing that can hide where it goes.
Outcome check_booking_url(std::string_view url) {
    if (url.size() > limits::max_booking_url_bytes) {
        return {"is longer than " + std::to_string(limits::max_booking_url_bytes) + " bytes"};
    }
    for (char c : url) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f) {
            return {"must not contain spaces, control characters or non-ASCII characters "
                    "(percent-encode them)"};
        }
        if (c == '\\') {
            return {"must not contain a backslash"};
        }
    }
    constexpr std::string_view scheme = "https://";
    if (url.size() < scheme.size()) {
        return {"must be an https:// link"};
    }
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        const char c = url[i];
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (lower != scheme[i]) {
            return {"must be an https:// link"};
        }
    }
    const std::string_view rest = url.substr(scheme.size());
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) {
        return {"must not contain a user name or password"};
    }
    std::string_view host = authority;
    std::string_view port;
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos || close == 1) {
            return {"has a malformed IPv6 host"};
        }
        for (char c : host.substr(1, close - 1)) {
            const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                            (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) {
                return {"has a malformed IPv6 host"};
            }
        }
        const std::string_view after = host.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                return {"has a malformed host"};
            }
            port = after.substr(1);
            if (port.empty()) {
                return {"has an empty port"};
            }
        }
    } else {
        const auto colon = host.find(':');
        if (colon != std::string_view::npos) {
            port = host.substr(colon + 1);
            host = host.substr(0, colon);
            if (port.empty()) {
                return {"has an empty port"};
            }
        }
        if (host.empty()) {
            return {"must name a host after https://"};
        }
        if (host.size() > 253 || host.front() == '.' || host.front() == '-' ||
            host.find("..") != std::string_view::npos) {
            return {"has a malformed host name"};
        }
        for (char c : host) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.';
            if (!ok) {
                return {"has a malformed host name"};
            }
        }
    }
    if (!port.empty()) {
        if (port.size() > 5) {
            return {"has a port out of range"};
        }
        long value = 0;
        for (char c : port) {
            if (c < '0' || c > '9') {
                return {"has a port that is not a number"};
            }
            value = value * 10 + (c - '0');
        }
        if (value < 1 || value > 65535) {
            return {"has a port out of range"};
        }
    }
    return {};
}

struct Reader {
    Problems problems;
    bool truncated = false;
    std::set<std::string> locale_ids; // the valid locales, once read
    bool locales_known = false;

    void add(std::string path, std::string message) {
        if (problems.size() >= limits::max_problems) {
            truncated = true;
            return;
        }
        problems.push_back(Problem{std::move(path), std::move(message)});
    }

    bool full() const { return problems.size() >= limits::max_problems; }
};

// The members of one JSON object: each read is remembered, and finish() reports the rest as
// unknown, so a typo in a field name is a problem rather than silently ignored.
class Fields {
  public:
    Fields(Reader& reader, const Json& value, std::string path)
        : reader_(reader), value_(value), path_(std::move(path)) {
        ok_ = value_.is_object();
        if (!ok_) {
            reader_.add(path_, std::string("must be an object, not ") + type_name(value_));
        }
    }

    bool ok() const { return ok_; }
    const std::string& path() const { return path_; }
    std::string path_of(std::string_view key) const { return child(path_, key); }

    const Json* required(const char* key) {
        const Json* found = optional(key);
        if (found == nullptr && ok_) {
            reader_.add(path_of(key), std::string("is required (\"") + key + "\" is missing)");
        }
        return found;
    }

    const Json* optional(const char* key) {
        known_.insert(key);
        if (!ok_) {
            return nullptr;
        }
        const auto it = value_.find(key);
        return it == value_.end() ? nullptr : &*it;
    }

    void finish() {
        if (!ok_) {
            return;
        }
        for (const auto& [key, member] : value_.items()) {
            if (reader_.full()) {
                reader_.truncated = true;
                return;
            }
            if (known_.count(key) == 0) {
                reader_.add(path_of(key), "unknown field " + shown(key));
            }
        }
    }

  private:
    Reader& reader_;
    const Json& value_;
    std::string path_;
    std::set<std::string, std::less<>> known_;
    bool ok_ = false;
};

std::optional<std::string> read_string(Reader& reader, const Json* value, const std::string& path) {
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        reader.add(path, std::string("must be text, not ") + type_name(*value));
        return std::nullopt;
    }
    return value->get<std::string>();
}

// Text an officer reads: UTF-8, no control characters, bounded length.
std::string read_text(Reader& reader, const Json* value, const std::string& path,
                      std::size_t max_chars, bool multiline, bool allow_empty = false) {
    auto text = read_string(reader, value, path);
    if (!text) {
        return {};
    }
    const auto length = utf8_length(*text);
    if (!length) {
        reader.add(path, "is not valid UTF-8 text");
        return {};
    }
    if (*length > max_chars) {
        reader.add(path, "is too long: " + std::to_string(*length) + " characters, at most " +
                             std::to_string(max_chars));
        return {};
    }
    if (has_control_character(*text, multiline)) {
        reader.add(path, multiline ? "must not contain control characters other than line breaks"
                                   : "must not contain line breaks or control characters");
        return {};
    }
    if (!allow_empty && is_blank(*text)) {
        reader.add(path, "must not be empty");
        return {};
    }
    return std::move(*text);
}

std::string read_slug(Reader& reader, const Json* value, const std::string& path) {
    auto text = read_string(reader, value, path);
    if (!text) {
        return {};
    }
    if (!is_valid_slug(*text)) {
        reader.add(path, shown(*text) + " is not a valid id: use 1 to " +
                             std::to_string(shared_limits::max_id_chars) +
                             " lowercase letters, digits or '-'");
        return {};
    }
    return std::move(*text);
}

LocalizedText read_localized(Reader& reader, const Json* value, const std::string& path,
                             std::size_t max_chars, bool multiline) {
    LocalizedText result;
    if (value == nullptr) {
        return result;
    }
    if (!value->is_object()) {
        reader.add(path, std::string("must be an object of translations like {\"en\": \"...\"}, "
                                     "not ") +
                             type_name(*value));
        return result;
    }
    for (const auto& [locale, text] : value->items()) {
        if (reader.full()) {
            reader.truncated = true;
            return result;
        }
        const std::string text_path = child(path, locale);
        if (reader.locales_known && reader.locale_ids.count(locale) == 0) {
            reader.add(text_path, shown(locale) + " is not one of the document's locales");
            continue;
        }
        if (!reader.locales_known && !is_locale_id(locale)) {
            reader.add(text_path, shown(locale) + " is not a valid locale id");
            continue;
        }
        std::string read = read_text(reader, &text, text_path, max_chars, multiline);
        if (!read.empty()) {
            result.emplace(locale, std::move(read));
        }
    }
    if (reader.locales_known) {
        for (const auto& locale : reader.locale_ids) {
            if (value->find(locale) == value->end()) {
                reader.add(child(path, locale), "the \"" + locale + "\" translation is missing");
            }
        }
    }
    return result;
}

std::optional<std::int64_t> read_integer(Reader& reader, const Json* value,
                                         const std::string& path) {
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_number_unsigned()) {
        const auto number = value->get<std::uint64_t>();
        if (number > static_cast<std::uint64_t>(INT32_MAX)) {
            return std::int64_t{INT32_MAX} + 1; // out of every range the document uses
        }
        return static_cast<std::int64_t>(number);
    }
    if (value->is_number_integer()) {
        const auto number = value->get<std::int64_t>();
        if (number < INT32_MIN) {
            return std::int64_t{INT32_MIN} - 1;
        }
        return std::min<std::int64_t>(number, std::int64_t{INT32_MAX} + 1);
    }
    if (value->is_number_float()) {
        const double number = value->get<double>();
        if (std::isfinite(number) && std::floor(number) == number) {
            // Beyond every range the document uses; clamped so the conversion is defined.
            if (std::fabs(number) >= 1e9) {
                return number > 0 ? std::int64_t{INT32_MAX} + 1 : std::int64_t{INT32_MIN} - 1;
            }
            return static_cast<std::int64_t>(number);
        }
    }
    reader.add(path, std::string("must be a whole number, not ") +
                         (value->is_number() ? "a fraction" : type_name(*value)));
    return std::nullopt;
}

std::optional<double> read_number(Reader& reader, const Json* value, const std::string& path) {
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_number()) {
        reader.add(path, std::string("must be a number, not ") + type_name(*value));
        return std::nullopt;
    }
    const double number = value->get<double>();
    if (!std::isfinite(number)) {
        reader.add(path, "must be a finite number");
        return std::nullopt;
    }
    return number;
}

std::optional<bool> read_bool(Reader& reader, const Json* value, const std::string& path) {
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_boolean()) {
        reader.add(path, std::string("must be true or false, not ") + type_name(*value));
        return std::nullopt;
    }
    return value->get<bool>();
}

// Calls `each(item, path)` for every element, after checking the count. Elements beyond `max`
// are not read, so a hostile list costs no more than an allowed one.
void read_list(Reader& reader, const Json* value, const std::string& path, std::size_t min,
               std::size_t max, const char* what,
               const std::function<void(const Json&, const std::string&)>& each) {
    if (value == nullptr) {
        return;
    }
    if (!value->is_array()) {
        reader.add(path, std::string("must be a list, not ") + type_name(*value));
        return;
    }
    const std::size_t count = value->size();
    if (count < min || count > max) {
        std::string message;
        if (min == max) {
            message = "must hold exactly " + std::to_string(min) + " " + what;
        } else {
            message =
                "must hold " + std::to_string(min) + " to " + std::to_string(max) + " " + what;
        }
        reader.add(path, message + " (it holds " + std::to_string(count) + ")");
    }
    for (std::size_t i = 0; i < count && i < max; ++i) {
        if (reader.full()) {
            reader.truncated = true;
            return;
        }
        each((*value)[i], child(path, i));
    }
}

// Ids are counter keys and link targets, so each must be unique within its list.
class UniqueIds {
  public:
    UniqueIds(Reader& reader, const char* what) : reader_(reader), what_(what) {}

    void add(const std::string& id, const std::string& path) {
        if (id.empty()) {
            return;
        }
        const auto [it, inserted] = first_path_.emplace(id, path);
        if (!inserted) {
            reader_.add(path, std::string("duplicate ") + what_ + " " + shown(id) +
                                  " (also used at " + it->second + ")");
        }
    }

    bool contains(const std::string& id) const { return first_path_.count(id) != 0; }
    const std::map<std::string, std::string>& ids() const { return first_path_; }

  private:
    Reader& reader_;
    const char* what_;
    std::map<std::string, std::string> first_path_;
};

// The check-in topics a suggestion or a card fits ("topics"): `min` to max_topics ids of
// `known_topics` (the check-in's, by id), each once.
std::vector<std::string> read_topic_ids(Reader& reader, const Json* value, const std::string& path,
                                        std::size_t min,
                                        const std::map<std::string, std::string>& known_topics) {
    std::vector<std::string> topics;
    UniqueIds fits(reader, "topic");
    read_list(reader, value, path, min, limits::max_topics, "topics",
              [&](const Json& topic_json, const std::string& topic_path) {
                  std::string topic = read_slug(reader, &topic_json, topic_path);
                  if (topic.empty()) {
                      return;
                  }
                  if (known_topics.count(topic) == 0) {
                      reader.add(topic_path,
                                 "there is no check-in topic with the id " + shown(topic));
                      return;
                  }
                  const bool repeated = fits.contains(topic);
                  fits.add(topic, topic_path); // reports a repeat
                  if (!repeated) {
                      topics.push_back(std::move(topic));
                  }
              });
    return topics;
}

void read_locales(Reader& reader, Fields& root, ContentDocument& document) {
    UniqueIds ids(reader, "locale");
    bool all_valid = true;
    const Json* value = root.required("locales");
    if (value == nullptr) {
        all_valid = false;
    }
    read_list(reader, value, root.path_of("locales"), 1, limits::max_locales, "locales",
              [&](const Json& item, const std::string& path) {
                  Fields fields(reader, item, path);
                  if (!fields.ok()) {
                      all_valid = false;
                      return;
                  }
                  Locale locale;
                  auto id = read_string(reader, fields.required("id"), fields.path_of("id"));
                  if (id && !is_locale_id(*id)) {
                      reader.add(fields.path_of("id"),
                                 shown(*id) + " is not a valid locale id: use 2 to 8 lowercase "
                                              "letters or '-', like \"en\" or \"pt-br\"");
                      id.reset();
                  }
                  if (!id) {
                      all_valid = false;
                  } else {
                      locale.id = *id;
                      ids.add(locale.id, fields.path_of("id"));
                  }
                  locale.name = read_text(reader, fields.required("name"), fields.path_of("name"),
                                          limits::max_locale_name_chars, false);
                  fields.finish();
                  document.locales.push_back(std::move(locale));
              });
    if (value != nullptr && (!value->is_array() || value->empty())) {
        all_valid = false;
    }
    // Translations are checked against the locales only when the locale list itself could be
    // read; otherwise every text would repeat the same complaint.
    if (all_valid) {
        for (const auto& [id, path] : ids.ids()) {
            reader.locale_ids.insert(id);
        }
        reader.locales_known = true;
    }
}

// WCAG 2 relative luminance of a "#rrggbb" colour.
double luminance(std::string_view colour) {
    const auto channel = [&](std::size_t at) {
        const double value =
            static_cast<double>(std::stoi(std::string(colour.substr(at, 2)), nullptr, 16)) / 255.0;
        return value <= 0.03928 ? value / 12.92 : std::pow((value + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

double contrast_ratio(std::string_view first, std::string_view second) {
    const double a = luminance(first);
    const double b = luminance(second);
    return (std::max(a, b) + 0.05) / (std::min(a, b) + 0.05);
}

void read_theme(Reader& reader, const Json* value, const std::string& path, Theme& theme) {
    if (value == nullptr) {
        return;
    }
    Fields fields(reader, *value, path);
    const auto colour = [&](const char* key, std::string& out) {
        auto text = read_string(reader, fields.required(key), fields.path_of(key));
        if (!text) {
            return;
        }
        if (!is_colour(*text)) {
            reader.add(fields.path_of(key),
                       shown(*text) + " is not a colour: use #rrggbb, like \"#1b2a3a\"");
            return;
        }
        out = *text;
    };
    colour("background", theme.background);
    colour("surface", theme.surface);
    colour("text", theme.text);
    colour("accent", theme.accent);
    // Officers read this screen from a step away, often shaken: text must stay legible.
    for (const auto& [name, ground] :
         {std::pair{"background", theme.background}, std::pair{"surface", theme.surface}}) {
        if (theme.text.empty() || ground.empty()) {
            continue;
        }
        const double ratio = contrast_ratio(theme.text, ground);
        if (ratio < limits::min_text_contrast) {
            char figure[16];
            std::snprintf(figure, sizeof figure, "%.1f", ratio);
            reader.add(fields.path_of("text"), std::string("has too little contrast with the ") +
                                                   name + " (" + figure +
                                                   ":1; at least 4.5:1 keeps the screen readable)");
        }
    }
    fields.finish();
}

void read_ui(Reader& reader, const Json* value, const std::string& path,
             std::map<std::string, LocalizedText>& ui) {
    if (value == nullptr) {
        return;
    }
    Fields fields(reader, *value, path);
    if (!fields.ok()) {
        return;
    }
    for (const auto& key : ui_string_keys()) {
        const std::string key_path = fields.path_of(key);
        const Json* text = fields.required(key.c_str());
        if (text != nullptr) {
            ui[key] = read_localized(reader, text, key_path, limits::max_sentence_chars, false);
        }
    }
    for (const auto& key : optional_ui_string_keys()) {
        const Json* text = fields.optional(key.c_str());
        if (text != nullptr) {
            ui[key] = read_localized(reader, text, fields.path_of(key), limits::max_sentence_chars,
                                     false);
        }
    }
    fields.finish();
}

std::optional<PhaseKind> phase_kind_from(std::string_view text) {
    if (text == "inhale") {
        return PhaseKind::inhale;
    }
    if (text == "hold") {
        return PhaseKind::hold;
    }
    if (text == "exhale") {
        return PhaseKind::exhale;
    }
    return std::nullopt;
}

void read_exercises(Reader& reader, Fields& root, ContentDocument& document, UniqueIds& ids) {
    read_list(
        reader, root.required("exercises"), root.path_of("exercises"), 1, limits::max_exercises,
        "exercises", [&](const Json& item, const std::string& path) {
            Fields fields(reader, item, path);
            if (!fields.ok()) {
                return;
            }
            Exercise exercise;
            exercise.id = read_slug(reader, fields.required("id"), fields.path_of("id"));
            ids.add(exercise.id, fields.path_of("id"));
            exercise.name = read_localized(reader, fields.required("name"), fields.path_of("name"),
                                           limits::max_name_chars, false);
            exercise.description =
                read_localized(reader, fields.required("description"),
                               fields.path_of("description"), limits::max_description_chars, true);
            const Json* phases = fields.required("phases");
            read_list(reader, phases, fields.path_of("phases"), 1, limits::max_phases, "phases",
                      [&](const Json& phase_json, const std::string& phase_path) {
                          Fields phase_fields(reader, phase_json, phase_path);
                          if (!phase_fields.ok()) {
                              return;
                          }
                          BreathPhase phase;
                          bool valid = true;
                          auto kind = read_string(reader, phase_fields.required("kind"),
                                                  phase_fields.path_of("kind"));
                          if (kind) {
                              if (auto parsed = phase_kind_from(*kind)) {
                                  phase.kind = *parsed;
                              } else {
                                  reader.add(phase_fields.path_of("kind"),
                                             shown(*kind) +
                                                 " is not a phase: use inhale, hold or exhale");
                                  valid = false;
                              }
                          } else {
                              valid = false;
                          }
                          auto seconds = read_number(reader, phase_fields.required("seconds"),
                                                     phase_fields.path_of("seconds"));
                          if (seconds && (*seconds < limits::min_phase_seconds ||
                                          *seconds > limits::max_phase_seconds)) {
                              reader.add(phase_fields.path_of("seconds"),
                                         "must be from 0.5 to 20 seconds");
                          } else if (seconds) {
                              phase.seconds = *seconds;
                          }
                          phase_fields.finish();
                          if (valid) {
                              exercise.phases.push_back(phase);
                          }
                      });
            if (phases != nullptr && phases->is_array() && !phases->empty()) {
                bool inhale = false;
                bool exhale = false;
                for (const auto& phase : *phases) {
                    if (phase.is_object() && phase.contains("kind")) {
                        inhale = inhale || phase["kind"] == "inhale";
                        exhale = exhale || phase["kind"] == "exhale";
                    }
                }
                if (!inhale || !exhale) {
                    reader.add(fields.path_of("phases"),
                               "a breathing cycle needs at least one inhale and one exhale");
                }
            }
            read_list(reader, fields.required("lengths_minutes"), fields.path_of("lengths_minutes"),
                      1, limits::max_lengths, "session lengths",
                      [&](const Json& length_json, const std::string& length_path) {
                          auto minutes = read_integer(reader, &length_json, length_path);
                          if (!minutes) {
                              return;
                          }
                          if (*minutes < limits::min_length_minutes ||
                              *minutes > limits::max_length_minutes) {
                              reader.add(length_path, "must be from 1 to 20 minutes");
                              return;
                          }
                          const int value = static_cast<int>(*minutes);
                          if (!exercise.lengths_minutes.empty() &&
                              value == exercise.lengths_minutes.back()) {
                              reader.add(length_path, "repeats the length before it");
                          } else if (!exercise.lengths_minutes.empty() &&
                                     value < exercise.lengths_minutes.back()) {
                              reader.add(length_path,
                                         "must be longer than the length before it (lengths go "
                                         "from shortest to longest)");
                          }
                          exercise.lengths_minutes.push_back(value);
                      });
            fields.finish();
            document.exercises.push_back(std::move(exercise));
        });
}

void read_assets(Reader& reader, Fields& root, ContentDocument& document,
                 const std::set<std::string>* available_assets) {
    UniqueIds names(reader, "asset");
    read_list(reader, root.optional("assets"), root.path_of("assets"), 0, limits::max_assets,
              "assets", [&](const Json& item, const std::string& path) {
                  auto name = read_string(reader, &item, path);
                  if (!name) {
                      return;
                  }
                  if (!is_asset_name(*name)) {
                      reader.add(path, shown(*name) +
                                           " is not a valid asset name: use 1 to 64 of a-z 0-9 "
                                           "- _ . ending in .png, .jpg or .jpeg");
                      return;
                  }
                  names.add(*name, path);
                  if (available_assets != nullptr && available_assets->count(*name) == 0) {
                      reader.add(path, "the asset " + shown(*name) + " has not been uploaded");
                  }
                  document.assets.push_back(*name);
              });
}

void read_providers(Reader& reader, Fields& root, ContentDocument& document, UniqueIds& ids) {
    const std::set<std::string> assets(document.assets.begin(), document.assets.end());
    read_list(
        reader, root.optional("providers"), root.path_of("providers"), 0, limits::max_providers,
        "providers", [&](const Json& item, const std::string& path) {
            Fields fields(reader, item, path);
            if (!fields.ok()) {
                return;
            }
            Provider provider;
            provider.id = read_slug(reader, fields.required("id"), fields.path_of("id"));
            ids.add(provider.id, fields.path_of("id"));
            if (auto kind = read_string(reader, fields.required("kind"), fields.path_of("kind"))) {
                if (provider_kinds().count(*kind) == 0) {
                    reader.add(fields.path_of("kind"),
                               shown(*kind) + " is not a provider kind: use eap, therapist, "
                                              "peer-support, chaplain or other");
                } else {
                    provider.kind = *kind;
                }
            }
            provider.name = read_localized(reader, fields.required("name"), fields.path_of("name"),
                                           limits::max_name_chars, false);
            provider.description =
                read_localized(reader, fields.required("description"),
                               fields.path_of("description"), limits::max_description_chars, true);
            provider.hours =
                read_localized(reader, fields.optional("hours"), fields.path_of("hours"),
                               limits::max_sentence_chars, false);
            if (auto url = read_string(reader, fields.required("booking_url"),
                                       fields.path_of("booking_url"))) {
                if (const auto check = check_booking_url(*url); !check.ok()) {
                    reader.add(fields.path_of("booking_url"), "the booking link " + check.problem);
                } else {
                    provider.booking_url = *url;
                }
            }
            if (const Json* confirmed = fields.optional("booking_url_confirmed")) {
                if (!confirmed->is_boolean()) {
                    reader.add(fields.path_of("booking_url_confirmed"), "must be true or false");
                } else {
                    provider.booking_url_confirmed = confirmed->get<bool>();
                }
            }
            if (!provider.booking_url.empty() && !provider.booking_url_confirmed &&
                booking_url_may_track(provider.booking_url)) {
                reader.add(fields.path_of("booking_url"),
                           "the booking link has a query string (?...) or fragment (#...), which "
                           "can tell the booking site which room or kiosk the officer came from: "
                           "remove it, or confirm that it identifies no one "
                           "(\"booking_url_confirmed\": true)");
            }
            if (auto phone =
                    read_string(reader, fields.optional("phone"), fields.path_of("phone"))) {
                if (phone->empty()) {
                    // An empty phone is the same as none.
                } else if (const auto check = check_phone(*phone); !check.ok()) {
                    reader.add(fields.path_of("phone"), "the phone number " + check.problem);
                } else {
                    provider.phone = *phone;
                }
            }
            if (auto phone = read_string(reader, fields.optional("phone_24h"),
                                         fields.path_of("phone_24h"))) {
                if (phone->empty()) {
                    // The same as none: Urgent help does not list this provider.
                } else if (const auto check = check_phone(*phone); !check.ok()) {
                    reader.add(fields.path_of("phone_24h"), "the 24-hour number " + check.problem);
                } else {
                    provider.phone_24h = *phone;
                }
            }
            if (auto image =
                    read_string(reader, fields.optional("image"), fields.path_of("image"))) {
                if (!image->empty() && assets.count(*image) == 0) {
                    reader.add(fields.path_of("image"),
                               "the image " + shown(*image) +
                                   " is not listed in \"assets\" (add it there and upload it)");
                } else {
                    provider.image = *image;
                }
            }
            fields.finish();
            document.providers.push_back(std::move(provider));
        });
}

void read_checkin(Reader& reader, Fields& root, ContentDocument& document,
                  const UniqueIds& exercise_ids, const UniqueIds& provider_ids) {
    const Json* value = root.required("checkin");
    if (value == nullptr) {
        return;
    }
    Fields fields(reader, *value, root.path_of("checkin"));
    if (!fields.ok()) {
        return;
    }
    Checkin& checkin = document.checkin;
    checkin.question =
        read_localized(reader, fields.required("question"), fields.path_of("question"),
                       limits::max_sentence_chars, false);
    checkin.topics_question =
        read_localized(reader, fields.required("topics_question"),
                       fields.path_of("topics_question"), limits::max_sentence_chars, false);
    // Topics first: suggestions name the topics they fit.
    UniqueIds topic_ids(reader, "topic");
    read_list(reader, fields.optional("topics"), fields.path_of("topics"), 0, limits::max_topics,
              "topics", [&](const Json& item, const std::string& path) {
                  Fields topic_fields(reader, item, path);
                  if (!topic_fields.ok()) {
                      return;
                  }
                  Topic topic;
                  topic.id =
                      read_slug(reader, topic_fields.required("id"), topic_fields.path_of("id"));
                  topic_ids.add(topic.id, topic_fields.path_of("id"));
                  topic.label =
                      read_localized(reader, topic_fields.required("label"),
                                     topic_fields.path_of("label"), limits::max_name_chars, false);
                  topic_fields.finish();
                  checkin.topics.push_back(std::move(topic));
              });
    UniqueIds level_ids(reader, "check-in level");
    read_list(
        reader, fields.required("levels"), fields.path_of("levels"), limits::checkin_levels,
        limits::checkin_levels, "levels (healthy to ill)",
        [&](const Json& item, const std::string& path) {
            Fields level_fields(reader, item, path);
            if (!level_fields.ok()) {
                return;
            }
            CheckinLevel level;
            level.id = read_slug(reader, level_fields.required("id"), level_fields.path_of("id"));
            level_ids.add(level.id, level_fields.path_of("id"));
            if (auto colour = read_string(reader, level_fields.required("color"),
                                          level_fields.path_of("color"))) {
                if (!is_colour(*colour)) {
                    reader.add(level_fields.path_of("color"),
                               shown(*colour) + " is not a colour: use #rrggbb, like \"#2e7d32\"");
                } else {
                    level.color = *colour;
                }
            }
            level.label =
                read_localized(reader, level_fields.required("label"),
                               level_fields.path_of("label"), limits::max_name_chars, false);
            level.description = read_localized(reader, level_fields.required("description"),
                                               level_fields.path_of("description"),
                                               limits::max_description_chars, true);
            level.first_line = read_localized(reader, level_fields.optional("first_line"),
                                              level_fields.path_of("first_line"),
                                              limits::max_sentence_chars, false);
            read_list(
                reader, level_fields.required("suggestions"), level_fields.path_of("suggestions"),
                0, limits::max_suggestions, "suggestions",
                [&](const Json& suggestion_json, const std::string& suggestion_path) {
                    Fields suggestion_fields(reader, suggestion_json, suggestion_path);
                    if (!suggestion_fields.ok()) {
                        return;
                    }
                    Suggestion suggestion;
                    suggestion.text = read_localized(reader, suggestion_fields.required("text"),
                                                     suggestion_fields.path_of("text"),
                                                     limits::max_sentence_chars, false);
                    int targets = 0;
                    const Json* exercise = suggestion_fields.optional("exercise_id");
                    if (exercise != nullptr) {
                        ++targets;
                        const std::string target_path = suggestion_fields.path_of("exercise_id");
                        suggestion.exercise_id = read_slug(reader, exercise, target_path);
                        if (!suggestion.exercise_id.empty() &&
                            !exercise_ids.contains(suggestion.exercise_id)) {
                            reader.add(target_path, "there is no exercise with the id " +
                                                        shown(suggestion.exercise_id));
                            suggestion.exercise_id.clear();
                        }
                    }
                    const Json* provider = suggestion_fields.optional("provider_id");
                    if (provider != nullptr) {
                        ++targets;
                        const std::string target_path = suggestion_fields.path_of("provider_id");
                        suggestion.provider_id = read_slug(reader, provider, target_path);
                        if (!suggestion.provider_id.empty() &&
                            !provider_ids.contains(suggestion.provider_id)) {
                            reader.add(target_path, "there is no provider with the id " +
                                                        shown(suggestion.provider_id));
                            suggestion.provider_id.clear();
                        }
                    }
                    if (auto crisis = read_bool(reader, suggestion_fields.optional("crisis_lines"),
                                                suggestion_fields.path_of("crisis_lines"))) {
                        suggestion.crisis_lines = *crisis;
                        if (*crisis) {
                            ++targets;
                        }
                    }
                    suggestion.topics =
                        read_topic_ids(reader, suggestion_fields.optional("topics"),
                                       suggestion_fields.path_of("topics"), 0, topic_ids.ids());
                    if (targets > 1) {
                        reader.add(suggestion_path,
                                   "a suggestion may point at only one of exercise_id, "
                                   "provider_id or crisis_lines");
                    }
                    suggestion_fields.finish();
                    level.suggestions.push_back(std::move(suggestion));
                });
            level_fields.finish();
            checkin.levels.push_back(std::move(level));
        });
    fields.finish();
}

void read_crisis_lines(Reader& reader, Fields& root, ContentDocument& document) {
    UniqueIds ids(reader, "crisis line");
    read_list(reader, root.required("crisis_lines"), root.path_of("crisis_lines"), 1,
              limits::max_crisis_lines, "crisis lines",
              [&](const Json& item, const std::string& path) {
                  Fields fields(reader, item, path);
                  if (!fields.ok()) {
                      return;
                  }
                  CrisisLine line;
                  line.id = read_slug(reader, fields.required("id"), fields.path_of("id"));
                  ids.add(line.id, fields.path_of("id"));
                  line.name = read_localized(reader, fields.required("name"),
                                             fields.path_of("name"), limits::max_name_chars, false);
                  line.description = read_localized(reader, fields.required("description"),
                                                    fields.path_of("description"),
                                                    limits::max_description_chars, true);
                  bool reachable = false;
                  const auto number = [&](const char* key, std::string& out) {
                      auto text = read_string(reader, fields.optional(key), fields.path_of(key));
                      if (!text || text->empty()) {
                          return;
                      }
                      reachable = true;
                      if (const auto check = check_phone(*text); !check.ok()) {
                          reader.add(fields.path_of(key), "the number " + check.problem);
                      } else {
                          out = *text;
                      }
                  };
                  number("call", line.call);
                  number("text", line.text);
                  if (!reachable) {
                      reader.add(path, "a crisis line needs a number to call or to text (or both)");
                  }
                  fields.finish();
                  document.crisis_lines.push_back(std::move(line));
              });
}

void read_emergency_numbers(Reader& reader, Fields& root, ContentDocument& document) {
    UniqueIds ids(reader, "emergency number");
    read_list(
        reader, root.optional("emergency_numbers"), root.path_of("emergency_numbers"), 0,
        limits::max_emergency_numbers, "emergency numbers",
        [&](const Json& item, const std::string& path) {
            Fields fields(reader, item, path);
            if (!fields.ok()) {
                return;
            }
            EmergencyNumber number;
            number.id = read_slug(reader, fields.required("id"), fields.path_of("id"));
            ids.add(number.id, fields.path_of("id"));
            number.name = read_localized(reader, fields.required("name"), fields.path_of("name"),
                                         limits::max_name_chars, false);
            number.description =
                read_localized(reader, fields.optional("description"),
                               fields.path_of("description"), limits::max_description_chars, true);
            if (auto call = read_string(reader, fields.required("call"), fields.path_of("call"))) {
                if (const auto check = check_phone(*call); !check.ok()) {
                    reader.add(fields.path_of("call"), "the number " + check.problem);
                } else {
                    number.call = *call;
                }
            }
            fields.finish();
            document.emergency_numbers.push_back(std::move(number));
        });
}

// An optional part added in schema `since`, or nullptr when absent. In a document of an older
// schema it is a problem: a kiosk that reads only that schema would refuse the document, never
// drop the part and misread the rest.
const Json* read_schema_part(Reader& reader, Fields& root, const char* key, int since, int schema) {
    const Json* value = root.optional(key);
    if (value != nullptr && schema < since) {
        reader.add(root.path_of(key), "needs \"schema\": " + std::to_string(since) +
                                          " (a kiosk that reads only an older schema cannot "
                                          "show it)");
    }
    return value;
}

// Schema 2: the optional before / after stress rating.
void read_stress_rating(Reader& reader, Fields& root, ContentDocument& document) {
    const Json* value = read_schema_part(reader, root, "stress_rating", 2, document.schema);
    if (value == nullptr) {
        return;
    }
    const std::string path = root.path_of("stress_rating");
    Fields fields(reader, *value, path);
    if (!fields.ok()) {
        return;
    }
    StressRating rating;
    if (auto style = read_string(reader, fields.required("style"), fields.path_of("style"))) {
        if (*style == "scale") {
            rating.style = RatingStyle::scale;
        } else if (*style == "faces") {
            rating.style = RatingStyle::faces;
        } else {
            reader.add(fields.path_of("style"), shown(*style) + " is not \"scale\" or \"faces\"");
        }
    }
    auto sentence = [&](const char* key) {
        return read_localized(reader, fields.required(key), fields.path_of(key),
                              limits::max_sentence_chars, false);
    };
    auto name = [&](const char* key) {
        return read_localized(reader, fields.required(key), fields.path_of(key),
                              limits::max_name_chars, false);
    };
    rating.question_before = sentence("question_before");
    rating.question_after = sentence("question_after");
    rating.low_label = name("low_label");
    rating.high_label = name("high_label");
    rating.change_heading = name("change_heading");
    const Json* faces = fields.optional("face_labels");
    if (rating.style == RatingStyle::faces && faces == nullptr) {
        reader.add(fields.path_of("face_labels"),
                   "is required with \"style\": \"faces\" (five labels, calm first)");
    } else if (rating.style == RatingStyle::scale && faces != nullptr) {
        reader.add(fields.path_of("face_labels"),
                   "is only for \"style\": \"faces\"; a scale shows the numbers 0 to 10");
    } else {
        read_list(reader, faces, fields.path_of("face_labels"), limits::rating_faces,
                  limits::rating_faces, "face labels",
                  [&](const Json& item, const std::string& item_path) {
                      rating.face_labels.push_back(
                          read_localized(reader, &item, item_path, limits::max_name_chars, false));
                  });
    }
    fields.finish();
    document.stress_rating = std::move(rating);
}

// Schema 3: the optional topic cards, each fitting check-in topics already read.
void read_topic_cards(Reader& reader, Fields& root, ContentDocument& document) {
    const Json* value = read_schema_part(reader, root, "topic_cards", 3, document.schema);
    if (value == nullptr) {
        return;
    }
    const std::string path = root.path_of("topic_cards");
    std::map<std::string, std::string> topic_ids;
    for (const auto& topic : document.checkin.topics) {
        topic_ids.emplace(topic.id, std::string());
    }
    UniqueIds card_ids(reader, "topic card");
    read_list(
        reader, value, path, 0, limits::max_topic_cards, "topic cards",
        [&](const Json& item, const std::string& item_path) {
            Fields fields(reader, item, item_path);
            if (!fields.ok()) {
                return;
            }
            TopicCard card;
            card.id = read_slug(reader, fields.required("id"), fields.path_of("id"));
            card_ids.add(card.id, fields.path_of("id"));
            card.topics = read_topic_ids(reader, fields.required("topics"),
                                         fields.path_of("topics"), 1, topic_ids);
            card.title = read_localized(reader, fields.required("title"), fields.path_of("title"),
                                        limits::max_name_chars, false);
            card.body = read_localized(reader, fields.required("body"), fields.path_of("body"),
                                       limits::max_card_body_chars, true);
            if (auto url = read_string(reader, fields.optional("take_home_url"),
                                       fields.path_of("take_home_url"))) {
                const std::string url_path = fields.path_of("take_home_url");
                if (url->empty()) {
                    // The same as none: the card shows no QR.
                } else if (const auto check = check_booking_url(*url); !check.ok()) {
                    reader.add(url_path, "the take-home link " + check.problem);
                } else if (booking_url_may_track(*url)) {
                    reader.add(url_path, "the take-home link must not have a query string (?...) "
                                         "or fragment (#...): either could tell the site which "
                                         "room or kiosk the officer read it in");
                } else {
                    card.take_home_url = *url;
                }
            }
            fields.finish();
            document.topic_cards.push_back(std::move(card));
        });
}

void read_document(Reader& reader, const Json& json, ContentDocument& document,
                   const std::set<std::string>* available_assets) {
    if (!json.is_object()) {
        reader.add("", std::string("the content document must be a JSON object, not ") +
                           type_name(json));
        return;
    }
    Fields root(reader, json, "");
    if (auto schema = read_integer(reader, root.required("schema"), root.path_of("schema"))) {
        if (*schema < 1 || *schema > limits::max_schema) {
            reader.add(root.path_of("schema"), "schema " + std::to_string(*schema) +
                                                   " is not supported (use 1 to " +
                                                   std::to_string(limits::max_schema) + ")");
            document.schema = 1;
        } else {
            document.schema = static_cast<int>(*schema);
        }
    }
    read_locales(reader, root, document);
    if (auto locale =
            read_string(reader, root.required("default_locale"), root.path_of("default_locale"))) {
        if (reader.locales_known && reader.locale_ids.count(*locale) == 0) {
            reader.add(root.path_of("default_locale"),
                       shown(*locale) + " is not one of the document's locales");
        }
        document.default_locale = *locale;
    }
    if (auto timeout = read_integer(reader, root.required("idle_timeout_seconds"),
                                    root.path_of("idle_timeout_seconds"))) {
        if (*timeout < limits::min_idle_timeout_seconds ||
            *timeout > limits::max_idle_timeout_seconds) {
            reader.add(root.path_of("idle_timeout_seconds"), "must be from 30 to 300 seconds");
        } else {
            document.idle_timeout_seconds = static_cast<int>(*timeout);
        }
    }
    if (auto rest = read_integer(reader, root.optional("visit_rest_seconds"),
                                 root.path_of("visit_rest_seconds"))) {
        if (*rest < limits::min_visit_rest_seconds || *rest > limits::max_visit_rest_seconds) {
            reader.add(root.path_of("visit_rest_seconds"),
                       "must be from " + std::to_string(limits::min_visit_rest_seconds) + " to " +
                           std::to_string(limits::max_visit_rest_seconds) + " seconds");
        } else {
            document.visit_rest_seconds = static_cast<int>(*rest);
        }
    }
    if (auto help = read_integer(reader, root.optional("help_idle_timeout_seconds"),
                                 root.path_of("help_idle_timeout_seconds"))) {
        if (*help < limits::min_idle_timeout_seconds ||
            *help > limits::max_help_idle_timeout_seconds) {
            reader.add(root.path_of("help_idle_timeout_seconds"),
                       "must be from " + std::to_string(limits::min_idle_timeout_seconds) + " to " +
                           std::to_string(limits::max_help_idle_timeout_seconds) + " seconds");
        } else {
            // Shorter than the idle timeout is allowed: help_idle_timeout() then uses that.
            document.help_idle_timeout_seconds = static_cast<int>(*help);
        }
    }
    if (auto tone =
            read_bool(reader, root.optional("tone_enabled"), root.path_of("tone_enabled"))) {
        document.tone_enabled = *tone;
    }
    document.attract_text =
        read_localized(reader, root.required("attract_text"), root.path_of("attract_text"),
                       limits::max_sentence_chars, false);
    read_theme(reader, root.required("theme"), root.path_of("theme"), document.theme);
    read_ui(reader, root.required("ui"), root.path_of("ui"), document.ui);
    UniqueIds exercise_ids(reader, "exercise");
    read_exercises(reader, root, document, exercise_ids);
    read_assets(reader, root, document, available_assets);
    UniqueIds provider_ids(reader, "provider");
    read_providers(reader, root, document, provider_ids);
    read_checkin(reader, root, document, exercise_ids, provider_ids);
    read_crisis_lines(reader, root, document);
    read_emergency_numbers(reader, root, document);
    read_stress_rating(reader, root, document);
    read_topic_cards(reader, root, document);
    root.finish();
}

Json localized_json(const LocalizedText& text) {
    Json out = Json::object();
    for (const auto& [locale, words] : text) {
        out[locale] = words;
    }
    return out;
}

} // namespace

const std::vector<std::string>& ui_string_keys() {
    static const std::vector<std::string> keys{"tile_breathe",
                                               "tile_checkin",
                                               "tile_talk",
                                               "tile_urgent",
                                               "done",
                                               "back",
                                               "next",
                                               "skip",
                                               "start",
                                               "language",
                                               "choose_exercise",
                                               "choose_length",
                                               "minutes_unit",
                                               "phase_inhale",
                                               "phase_hold",
                                               "phase_exhale",
                                               "session_complete",
                                               "again",
                                               "topics_prompt",
                                               "suggestions_heading",
                                               "talk_heading",
                                               "scan_qr",
                                               "phone_label",
                                               "hours_label",
                                               "urgent_heading",
                                               "call_label",
                                               "text_label",
                                               "privacy_note",
                                               "maintenance_title"};
    return keys;
}

const std::vector<std::string>& optional_ui_string_keys() {
    static const std::vector<std::string> keys{
        "home",          "still_there", "still_there_hint", "still_here",   "phase_top_up",
        "scan_to_call",  "pace_slower", "pace_faster",      "breaths_unit", "decimal_mark",
        "cards_heading", "take_home",   "talk_to_someone",  "scan_to_text"};
    return keys;
}

const LocalizedText* builtin_ui_text(std::string_view key) {
    static const std::map<std::string, LocalizedText, std::less<>> texts{
        {"home", {{"en", "Home"}, {"es", "Inicio"}}},
        {"still_there", {{"en", "Still there?"}, {"es", "¿Sigues ahí?"}}},
        {"still_there_hint",
         {{"en", "Tap anywhere to stay. Otherwise this screen clears in a few seconds."},
          {"es", "Toca en cualquier lugar para seguir. Si no, la pantalla se borrará en unos "
                 "segundos."}}},
        {"still_here", {{"en", "I'm still here"}, {"es", "Sigo aquí"}}},
        {"phase_top_up", {{"en", "Top up"}, {"es", "Un poco más"}}},
        {"scan_to_call",
         {{"en", "Scan with your own phone to call or text."},
          {"es", "Escanea con tu propio teléfono para llamar o enviar un mensaje."}}},
        {"pace_slower", {{"en", "Slower"}, {"es", "Más lento"}}},
        {"pace_faster", {{"en", "Faster"}, {"es", "Más rápido"}}},
        {"breaths_unit", {{"en", "breaths a minute"}, {"es", "respiraciones por minuto"}}},
        {"decimal_mark", {{"en", "."}, {"es", ","}}},
        {"cards_heading", {{"en", "To read"}, {"es", "Para leer"}}},
        {"take_home",
         {{"en", "Scan with your own phone to read it at home."},
          {"es", "Escanea con tu propio teléfono para leerlo en casa."}}},
        {"talk_to_someone", {{"en", "Someone to talk to"}, {"es", "Alguien con quien hablar"}}},
        {"scan_to_text",
         {{"en", "Scan with your own phone to text them. Nobody here learns who you are."},
          {"es", "Escanea con tu propio teléfono para enviarles un mensaje. Aquí nadie sabe "
                 "quién eres."}}},
    };
    const auto found = texts.find(key);
    return found == texts.end() ? nullptr : &found->second;
}

int help_idle_timeout(const ContentDocument& document) {
    if (document.help_idle_timeout_seconds) {
        return std::max(*document.help_idle_timeout_seconds, document.idle_timeout_seconds);
    }
    return std::max(limits::default_help_idle_timeout_seconds, document.idle_timeout_seconds);
}

ContentParseResult parse_content(const Json& document,
                                 const std::set<std::string>* available_assets) {
    ContentParseResult result;
    try {
        Reader reader;
        ContentDocument parsed;
        read_document(reader, document, parsed, available_assets);
        if (reader.truncated) {
            reader.problems.push_back(
                Problem{"", "there are more problems than can be listed; fix these and check "
                            "again"});
        }
        result.problems = std::move(reader.problems);
        if (result.problems.empty()) {
            result.document = std::move(parsed);
        }
    } catch (const std::exception&) {
        result.document.reset();
        result.problems.assign(1, Problem{"", "the content document could not be read"});
    } catch (...) {
        result.document.reset();
        result.problems.assign(1, Problem{"", "the content document could not be read"});
    }
    return result;
}

ContentParseResult parse_content(std::string_view json_text,
                                 const std::set<std::string>* available_assets) {
    try {
        JsonInputResult input = parse_json_input(json_text);
        if (!input.value) {
            ContentParseResult result;
            result.problems.push_back(Problem{"", input.message.empty()
                                                      ? std::string("the content is not valid JSON")
                                                      : input.message});
            return result;
        }
        return parse_content(*input.value, available_assets);
    } catch (...) {
        ContentParseResult result;
        result.problems.push_back(Problem{"", "the content document could not be read"});
        return result;
    }
}

ContentParseResult parse_content(const std::string& json_text,
                                 const std::set<std::string>* available_assets) {
    return parse_content(std::string_view(json_text), available_assets);
}

ContentParseResult parse_content(const char* json_text,
                                 const std::set<std::string>* available_assets) {
    return parse_content(json_text == nullptr ? std::string_view() : std::string_view(json_text),
                         available_assets);
}

Json to_json(const ContentDocument& document) {
    Json out = Json::object();
    out["schema"] = document.schema;
    Json locales = Json::array();
    for (const auto& locale : document.locales) {
        locales.push_back({{"id", locale.id}, {"name", locale.name}});
    }
    out["locales"] = std::move(locales);
    out["default_locale"] = document.default_locale;
    out["idle_timeout_seconds"] = document.idle_timeout_seconds;
    // Written only when set, so a document without it still reads on kiosks that predate it.
    if (document.visit_rest_seconds != limits::default_visit_rest_seconds) {
        out["visit_rest_seconds"] = document.visit_rest_seconds;
    }
    if (document.help_idle_timeout_seconds) {
        out["help_idle_timeout_seconds"] = *document.help_idle_timeout_seconds;
    }
    out["tone_enabled"] = document.tone_enabled;
    out["attract_text"] = localized_json(document.attract_text);
    out["theme"] = {{"background", document.theme.background},
                    {"surface", document.theme.surface},
                    {"text", document.theme.text},
                    {"accent", document.theme.accent}};
    Json ui = Json::object();
    for (const auto& [key, text] : document.ui) {
        ui[key] = localized_json(text);
    }
    out["ui"] = std::move(ui);

    Json exercises = Json::array();
    for (const auto& exercise : document.exercises) {
        Json phases = Json::array();
        for (const auto& phase : exercise.phases) {
            phases.push_back(
                {{"kind", std::string(to_string(phase.kind))}, {"seconds", phase.seconds}});
        }
        exercises.push_back({{"id", exercise.id},
                             {"name", localized_json(exercise.name)},
                             {"description", localized_json(exercise.description)},
                             {"phases", std::move(phases)},
                             {"lengths_minutes", exercise.lengths_minutes}});
    }
    out["exercises"] = std::move(exercises);

    Json levels = Json::array();
    for (const auto& level : document.checkin.levels) {
        Json suggestions = Json::array();
        for (const auto& suggestion : level.suggestions) {
            Json item = {{"text", localized_json(suggestion.text)}};
            if (!suggestion.exercise_id.empty()) {
                item["exercise_id"] = suggestion.exercise_id;
            }
            if (!suggestion.provider_id.empty()) {
                item["provider_id"] = suggestion.provider_id;
            }
            if (suggestion.crisis_lines) {
                item["crisis_lines"] = true;
            }
            if (!suggestion.topics.empty()) {
                item["topics"] = suggestion.topics;
            }
            suggestions.push_back(std::move(item));
        }
        Json item = {{"id", level.id},
                     {"color", level.color},
                     {"label", localized_json(level.label)},
                     {"description", localized_json(level.description)},
                     {"suggestions", std::move(suggestions)}};
        if (!level.first_line.empty()) {
            item["first_line"] = localized_json(level.first_line);
        }
        levels.push_back(std::move(item));
    }
    Json topics = Json::array();
    for (const auto& topic : document.checkin.topics) {
        topics.push_back({{"id", topic.id}, {"label", localized_json(topic.label)}});
    }
    out["checkin"] = {{"question", localized_json(document.checkin.question)},
                      {"topics_question", localized_json(document.checkin.topics_question)},
                      {"levels", std::move(levels)},
                      {"topics", std::move(topics)}};

    Json providers = Json::array();
    for (const auto& provider : document.providers) {
        Json item = {{"id", provider.id},
                     {"kind", provider.kind},
                     {"name", localized_json(provider.name)},
                     {"description", localized_json(provider.description)},
                     {"booking_url", provider.booking_url}};
        if (provider.booking_url_confirmed) {
            item["booking_url_confirmed"] = true;
        }
        if (!provider.hours.empty()) {
            item["hours"] = localized_json(provider.hours);
        }
        if (!provider.phone.empty()) {
            item["phone"] = provider.phone;
        }
        if (!provider.phone_24h.empty()) {
            item["phone_24h"] = provider.phone_24h;
        }
        if (!provider.image.empty()) {
            item["image"] = provider.image;
        }
        providers.push_back(std::move(item));
    }
    out["providers"] = std::move(providers);

    Json lines = Json::array();
    for (const auto& line : document.crisis_lines) {
        Json item = {{"id", line.id},
                     {"name", localized_json(line.name)},
                     {"description", localized_json(line.description)}};
        if (!line.call.empty()) {
            item["call"] = line.call;
        }
        if (!line.text.empty()) {
            item["text"] = line.text;
        }
        lines.push_back(std::move(item));
    }
    out["crisis_lines"] = std::move(lines);
    if (!document.emergency_numbers.empty()) {
        Json numbers = Json::array();
        for (const auto& number : document.emergency_numbers) {
            Json item = {{"id", number.id}, {"name", localized_json(number.name)}};
            if (!number.description.empty()) {
                item["description"] = localized_json(number.description);
            }
            item["call"] = number.call;
            numbers.push_back(std::move(item));
        }
        out["emergency_numbers"] = std::move(numbers);
    }
    out["assets"] = document.assets;
    if (document.stress_rating) {
        const StressRating& rating = *document.stress_rating;
        Json item = {{"style", std::string(to_string(rating.style))},
                     {"question_before", localized_json(rating.question_before)},
                     {"question_after", localized_json(rating.question_after)},
                     {"low_label", localized_json(rating.low_label)},
                     {"high_label", localized_json(rating.high_label)},
                     {"change_heading", localized_json(rating.change_heading)}};
        if (rating.style == RatingStyle::faces) {
            Json labels = Json::array();
            for (const auto& label : rating.face_labels) {
                labels.push_back(localized_json(label));
            }
            item["face_labels"] = std::move(labels);
        }
        out["stress_rating"] = std::move(item);
    }
    if (!document.topic_cards.empty()) {
        Json cards = Json::array();
        for (const auto& card : document.topic_cards) {
            Json item = {{"id", card.id},
                         {"topics", card.topics},
                         {"title", localized_json(card.title)},
                         {"body", localized_json(card.body)}};
            if (!card.take_home_url.empty()) {
                item["take_home_url"] = card.take_home_url;
            }
            cards.push_back(std::move(item));
        }
        out["topic_cards"] = std::move(cards);
    }
    return out;
}

std::string localized(const LocalizedText& text, const std::string& locale,
                      const std::string& default_locale) {
    if (const auto it = text.find(locale); it != text.end()) {
        return it->second;
    }
    if (const auto it = text.find(default_locale); it != text.end()) {
        return it->second;
    }
    return {};
}

bool is_valid_slug(std::string_view id) {
    if (id.empty() || id.size() > shared_limits::max_id_chars) {
        return false;
    }
    for (char c : id) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return true;
}

std::string_view to_string(PhaseKind kind) {
    switch (kind) {
    case PhaseKind::inhale:
        return "inhale";
    case PhaseKind::hold:
        return "hold";
    case PhaseKind::exhale:
        return "exhale";
    }
    return "inhale";
}

bool is_asset_name(std::string_view name) {
    if (name.empty() || name.size() > shared_limits::max_asset_name_chars) {
        return false;
    }
    for (char c : name) {
        const bool allowed =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!allowed) {
            return false;
        }
    }
    if (name.front() == '.' || name.find("..") != std::string_view::npos) {
        return false;
    }
    const bool image =
        ends_with(name, ".png") || ends_with(name, ".jpg") || ends_with(name, ".jpeg");
    return image;
}

std::string_view asset_media_type(std::string_view name) {
    return ends_with(name, ".png") ? "image/png" : "image/jpeg";
}

// Privacy promise 6. Everything that decides which counter a tap adds to, or what a person can
// reach, in document order (order matters: the last level is the most serious and shows crisis
// lines). Wording, colours, images, phones, links and hours are left out: they apply at once.
std::string counting_structure(const ContentDocument& document) {
    Json exercises = Json::array();
    for (const auto& exercise : document.exercises) {
        Json phases = Json::array();
        for (const auto& phase : exercise.phases)
            phases.push_back(Json::array({std::string(to_string(phase.kind)), phase.seconds}));
        exercises.push_back(
            {{"id", exercise.id}, {"phases", phases}, {"lengths", exercise.lengths_minutes}});
    }
    Json levels = Json::array();
    for (const auto& level : document.checkin.levels) {
        Json suggestions = Json::array();
        for (const auto& suggestion : level.suggestions)
            suggestions.push_back({{"exercise", suggestion.exercise_id},
                                   {"provider", suggestion.provider_id},
                                   {"crisis_lines", suggestion.crisis_lines},
                                   {"topics", suggestion.topics}});
        levels.push_back({{"id", level.id}, {"suggestions", suggestions}});
    }
    Json topics = Json::array();
    for (const auto& topic : document.checkin.topics)
        topics.push_back(topic.id);
    Json providers = Json::array();
    for (const auto& provider : document.providers)
        providers.push_back({{"id", provider.id},
                             {"kind", provider.kind},
                             {"urgent", !provider.phone_24h.empty()}});
    Json crisis_lines = Json::array();
    for (const auto& line : document.crisis_lines)
        crisis_lines.push_back(line.id);
    Json emergency_numbers = Json::array();
    for (const auto& number : document.emergency_numbers)
        emergency_numbers.push_back(number.id);
    Json structure{{"counting_structure", 1},
                   {"idle_timeout_seconds", document.idle_timeout_seconds},
                   {"help_idle_timeout_seconds", help_idle_timeout(document)},
                   {"visit_rest_seconds", document.visit_rest_seconds},
                   {"exercises", exercises},
                   {"levels", levels},
                   {"topics", topics},
                   {"providers", providers},
                   {"crisis_lines", crisis_lines},
                   {"emergency_numbers", emergency_numbers}};
    // Only with a rating, so every schema 1 document keeps the text (and catalogue) it had.
    if (document.stress_rating) {
        structure["stress_rating"] = std::string(to_string(document.stress_rating->style));
    }
    // Likewise only with cards: their ids are card.viewed keys, their topics decide who is
    // offered them.
    if (!document.topic_cards.empty()) {
        Json cards = Json::array();
        for (const auto& card : document.topic_cards) {
            cards.push_back({{"id", card.id}, {"topics", card.topics}});
        }
        structure["topic_cards"] = std::move(cards);
    }
    return structure.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string_view to_string(RatingStyle style) {
    return style == RatingStyle::faces ? "faces" : "scale";
}

std::vector<std::string> rating_buckets(const StressRating& rating) {
    std::vector<std::string> buckets;
    if (rating.style == RatingStyle::faces) {
        for (std::size_t face = 1; face <= limits::rating_faces; ++face) {
            buckets.push_back(std::to_string(face));
        }
    } else {
        for (int point = 0; point <= limits::rating_scale_max; ++point) {
            buckets.push_back(std::to_string(point));
        }
    }
    return buckets;
}

int required_schema(const ContentDocument& document) {
    if (!document.topic_cards.empty()) {
        return 3;
    }
    return document.stress_rating ? 2 : 1;
}

bool same_counting_structure(const ContentDocument& first, const ContentDocument& second) {
    return counting_structure(first) == counting_structure(second);
}

} // namespace wellness
