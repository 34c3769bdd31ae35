#include "release_gate.hpp"

#include "http_support.hpp"
#include "wellness/content.hpp"

#include <algorithm>
#include <string>

namespace wellness::station {

namespace {

HttpError refused(const std::string& code, const std::string& message, Problems details) {
    return HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, code,
                     message + "; the batch was refused as a whole, nothing was applied",
                     std::move(details));
}

std::string counter_name(const CounterKey& key) {
    return key.metric + "/" + key.key;
}

// "a/b, c/d and 3 more": the first few of `keys`, enough to find a kiosk's mistake.
std::string some_of(const std::vector<CounterKey>& keys) {
    constexpr std::size_t shown = 5;
    std::string text;
    for (std::size_t i = 0; i < keys.size() && i < shown; ++i)
        text += (i == 0 ? "" : ", ") + counter_name(keys[i]);
    if (keys.size() > shown)
        text += " and " + std::to_string(keys.size() - shown) + " more";
    return text;
}

} // namespace

ReleaseGate::ReleaseGate(StationStore& store, Settings settings,
                         std::optional<std::vector<CounterKey>> shipped_catalogue)
    : store_(store), settings_(settings) {
    if (shipped_catalogue)
        shipped_ = std::make_shared<const std::vector<CounterKey>>(std::move(*shipped_catalogue));
}

void ReleaseGate::admit(std::int64_t kiosk_id, std::time_t now) {
    constexpr long hour_seconds = 3600;
    // Floor division: an hour index never rounds towards the epoch.
    const long index = static_cast<long>(now >= 0 ? now / hour_seconds
                                                  : -((-now + hour_seconds - 1) / hour_seconds));
    std::lock_guard lock(hours_mutex_);
    // Only enrolled kiosks get here, so the map holds one entry per kiosk; entries of hours gone
    // by are dropped once there are more than any precinct has kiosks.
    if (hours_.size() > 4096)
        std::erase_if(hours_, [&](const auto& entry) { return entry.second.index != index; });
    Hour& hour = hours_[kiosk_id];
    if (hour.index != index)
        hour = Hour{index, 0};
    if (hour.batches >= settings_.max_batches_per_hour) {
        HttpError error(Status::HTTP_TOO_MANY_REQUESTS, "too_many_batches",
                        "this kiosk has sent " + std::to_string(settings_.max_batches_per_hour) +
                            " counts batches this hour, more than a kiosk ever needs; send "
                            "again after Retry-After seconds (nothing was applied)");
        error.retry_after_seconds =
            std::max<long>(1, (index + 1) * hour_seconds - static_cast<long>(now));
        throw error;
    }
    ++hour.batches;
}

void ReleaseGate::refresh_versions() {
    const std::uint64_t generation = store_.content_generation();
    if (generation_ == generation)
        return;
    // Read the generation first: a version published meanwhile is read now or next time.
    auto history = store_.content_history(); // newest first, without documents
    std::vector<Version> versions;
    versions.reserve(history.size());
    for (auto record = history.rbegin(); record != history.rend(); ++record) {
        Catalogue& catalogue = parsed_[record->version];
        if (!catalogue) {
            if (const auto stored = store_.content_version(record->version)) {
                auto parsed = parse_content(parse_stored_document(stored->document));
                if (parsed.document)
                    catalogue = std::make_shared<const std::vector<CounterKey>>(
                        catalogue_keys(*parsed.document));
            }
        }
        versions.push_back({record->version, record->published_at,
                            IsoWeek::from_local_time(record->published_at), catalogue});
    }
    versions_ = std::move(versions);
    generation_ = generation;
}

std::vector<ReleaseGate::Catalogue> ReleaseGate::catalogues_for(const IsoWeek& week,
                                                                std::time_t enrolled_at) {
    std::lock_guard lock(mutex_);
    refresh_versions();
    // A kiosk counts a week by the catalogue of the content it had when the week began (it takes
    // a change of counting only at the start of a week, promise 6) or, new and not yet in touch,
    // by the content it shipped with, which is the station's first version or its default file.
    // So: those two, and every version published before the week began that was still current
    // at some moment after the kiosk's enrollment (a kiosk out of touch keeps older content).
    std::vector<Catalogue> catalogues;
    auto add = [&](const Catalogue& catalogue) {
        if (!catalogue)
            return;
        for (const auto& known : catalogues)
            if (*known == *catalogue)
                return;
        catalogues.push_back(catalogue);
    };
    add(shipped_);
    if (!versions_.empty())
        add(versions_.front().catalogue);
    for (std::size_t i = 0; i < versions_.size(); ++i) {
        if (!(versions_[i].published_week < week))
            continue;
        const bool current_since_enrollment =
            i + 1 == versions_.size() || versions_[i + 1].published_at > enrolled_at;
        if (current_since_enrollment)
            add(versions_[i].catalogue);
    }
    return catalogues;
}

void ReleaseGate::check(const CountsBatch& batch, std::time_t enrolled_at, std::time_t now) {
    if (batch.counts.empty())
        throw refused("release_shape",
                      "a release lists every counter of its week's catalogue, and this one lists "
                      "none",
                      {{"/counts", "no entries"}});
    std::map<IsoWeek, std::vector<std::size_t>> weeks; // week -> its entries, in batch order
    for (std::size_t i = 0; i < batch.counts.size(); ++i)
        weeks[batch.counts[i].week].push_back(i);
    auto at = [](std::size_t i, const char* field) {
        return "/counts/" + std::to_string(i) + "/" + field;
    };

    const IsoWeek sealed_through = last_week_due_for_seal(now, settings_.seal);
    const IsoWeek enrolled = IsoWeek::from_local_time(enrolled_at);
    Problems sealed;
    Problems early;
    for (const auto& [week, entries] : weeks) {
        if (week <= sealed_through)
            sealed.push_back({at(entries.front(), "week"),
                              week.to_string() + " is sealed: its published cells never change"});
        else if (week < enrolled)
            early.push_back({at(entries.front(), "week"),
                             week.to_string() + " ended before this kiosk was enrolled in " +
                                 enrolled.to_string()});
    }
    if (!sealed.empty())
        throw refused("week_sealed", "a week of this batch is sealed", std::move(sealed));
    if (!early.empty())
        throw refused("week_before_enrollment",
                      "a week of this batch lies before the week this kiosk was enrolled in",
                      std::move(early));

    Problems misshapen;
    for (const auto& [week, entries] : weeks) {
        std::vector<CounterKey> listed;
        listed.reserve(entries.size());
        for (std::size_t i : entries)
            listed.push_back({batch.counts[i].metric, batch.counts[i].key});
        std::sort(listed.begin(), listed.end()); // decode_batch refused repeated entries
        const auto catalogues = catalogues_for(week, enrolled_at);
        const bool full =
            std::any_of(catalogues.begin(), catalogues.end(),
                        [&](const Catalogue& catalogue) { return *catalogue == listed; });
        if (full)
            continue;
        std::string message = week.to_string() + " lists " + std::to_string(listed.size()) +
                              " counters, not the full catalogue of the content in force for it";
        if (!catalogues.empty()) {
            // Told against the newest catalogue that week could have had.
            const auto& expected = *catalogues.back();
            std::vector<CounterKey> missing;
            std::vector<CounterKey> extra;
            std::set_difference(expected.begin(), expected.end(), listed.begin(), listed.end(),
                                std::back_inserter(missing));
            std::set_difference(listed.begin(), listed.end(), expected.begin(), expected.end(),
                                std::back_inserter(extra));
            message += " (" + std::to_string(expected.size()) + " counters";
            if (!missing.empty())
                message += "; missing " + some_of(missing);
            if (!extra.empty())
                message += "; not in it " + some_of(extra);
            message += ")";
        }
        misshapen.push_back({at(entries.front(), "week"), message});
    }
    if (!misshapen.empty())
        throw refused("release_shape",
                      "a release lists exactly every metric and key of its week's catalogue, "
                      "zeros included",
                      std::move(misshapen));

    // Pooled at the source: no week of fewer than k visits (and more than none) is taken.
    Problems small;
    for (const auto& [week, entries] : weeks)
        for (std::size_t i : entries) {
            const CountEntry& entry = batch.counts[i];
            if (entry.metric == metric::visit && entry.key == visit_key && entry.n > 0 &&
                entry.n < settings_.k)
                small.push_back({at(i, "n"), "a week of 1 to " + std::to_string(settings_.k - 1) +
                                                 " visits is pooled into the next one by the "
                                                 "kiosk, never sent on its own"});
        }
    if (!small.empty())
        throw refused("week_below_k", "a week of this batch has fewer than k visits",
                      std::move(small));
}

} // namespace wellness::station
