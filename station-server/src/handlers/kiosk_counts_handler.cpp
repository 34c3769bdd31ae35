#include "kiosk_counts_handler.hpp"

#include "station_connection.hpp"
#include "wellness/counts.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <map>

namespace wellness::station {

namespace {

HttpError busy() {
    HttpError error(Status::HTTP_SERVICE_UNAVAILABLE, "station_busy",
                    "the station could not store the batch in time; send it again later (its "
                    "batch id keeps it from counting twice)");
    error.retry_after_seconds = 5;
    return error;
}

DeferredAnswer::Reply reply_of(const HttpError& error) {
    return {error.status, error_json(error), error.retry_after_seconds};
}

// Answers the kiosk from the writer's thread once the batch's commit is durable.
class CountsAnswer final : public BatchListener {
  public:
    explicit CountsAnswer(std::shared_ptr<DeferredAnswer> answer) : answer_(std::move(answer)) {}

    void committed(BatchOutcome outcome) override {
        // The same bytes send_json would give, without building a document per batch.
        if (outcome == BatchOutcome::conflict) {
            answer_->answer(reply_of(HttpError(
                Status::HTTP_CONFLICT, "week_already_released",
                "this kiosk already released a week of this batch; nothing was applied")));
            return;
        }
        answer_->answer({Status::HTTP_OK,
                         outcome == BatchOutcome::applied ? R"({"status":"applied"})"
                                                          : R"({"status":"duplicate"})",
                         std::nullopt});
    }
    void failed() override {
        answer_->answer(reply_of(HttpError(Status::HTTP_INTERNAL_SERVER_ERROR, "internal_error",
                                           "the station could not do that; it has been logged")));
    }

  private:
    std::shared_ptr<DeferredAnswer> answer_;
};

} // namespace

void KioskCountsHandler::serve(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse&) {
    Principal kiosk = require_role(request, store_, clock_(), {Role::kiosk});
    require_media_type(request, "application/json");
    std::string body = read_body(request, max_batch_bytes);
    std::time_t now = clock_();
    auto decoded = decode_batch(body, IsoWeek::from_local_time(now));
    if (decoded.json_error != JsonInputError::none)
        throw json_input_error(decoded.json_error, decoded.problems.empty()
                                                       ? std::string()
                                                       : decoded.problems.front().message);
    if (!decoded.batch)
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_batch",
                        "the batch was refused as a whole; nothing was applied", decoded.problems);
    // Pooled at the source: no week of fewer than k visits (and more than none) is taken.
    std::map<IsoWeek, std::pair<std::int64_t, std::size_t>> visits; // week -> n, first entry
    for (std::size_t i = 0; i < decoded.batch->counts.size(); ++i) {
        const CountEntry& entry = decoded.batch->counts[i];
        if (entry.metric == metric::visit && entry.key == visit_key) {
            auto [at, fresh] = visits.try_emplace(entry.week, 0, i);
            (void)fresh;
            at->second.first += entry.n;
        }
    }
    Problems small;
    for (const auto& [week, found] : visits)
        if (found.first > 0 && found.first < k_)
            small.push_back({"/counts/" + std::to_string(found.second) + "/n",
                             "a week of 1 to " + std::to_string(k_ - 1) +
                                 " visits is pooled into the next one by the kiosk, never sent "
                                 "on its own"});
    if (!small.empty())
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "week_below_k",
                        "the batch was refused as a whole; nothing was applied", small);
    auto& connection = dynamic_cast<StationRequest&>(request); // the station serves no other
    auto answer =
        connection.answer_later(DeferredAnswer::Steady::now() + commit_wait_, reply_of(busy()));
    auto pending = std::make_shared<const PendingBatch>(
        PendingBatch{std::move(*decoded.batch), kiosk.id, now});
    if (!writer_.submit(std::move(pending), std::make_shared<CountsAnswer>(answer)))
        throw busy();
    // The writer may have answered already; either way this thread is done with the request.
    connection.defer(std::move(answer));
}

} // namespace wellness::station
