#include "kiosk_counts_handler.hpp"

#include "deferred_answer.hpp"
#include "request_connection.hpp"
#include "wellness/counts.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

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
        if (outcome == BatchOutcome::sealed) {
            // Sealed while the batch waited, or before the station's clock was set back.
            answer_->answer(reply_of(
                HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "week_sealed",
                          "a week of this batch is sealed; the batch was refused as a whole, "
                          "nothing was applied",
                          {{"/counts", "a week of this batch is sealed: its published cells "
                                       "never change"}})));
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
    Principal kiosk = require_role(request, store(), station_time(), {Role::kiosk});
    std::time_t now = station_time();
    // Before the body is read: a kiosk over its hour's batches costs the station nothing more.
    gate_.admit(kiosk.id, now);
    require_media_type(request, "application/json");
    std::string body = read_body(request, max_batch_bytes);
    auto decoded = decode_batch(body, IsoWeek::from_local_time(now));
    if (decoded.json_error != JsonInputError::none)
        throw json_input_error(decoded.json_error, decoded.problems.empty()
                                                       ? std::string()
                                                       : decoded.problems.front().message);
    if (!decoded.batch)
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_batch",
                        "the batch was refused as a whole; nothing was applied", decoded.problems);
    // require_role just found the kiosk enrolled, so its credentials are in memory.
    const auto credentials = store().kiosk_credentials(kiosk.id);
    if (!credentials)
        throw unauthorized("invalid_token", "the token is not valid");
    gate_.check(*decoded.batch, credentials->enrolled_at, now);
    RequestConnection* connection = this->connection();
    if (!connection) // only a StationConnection can carry an answer written later
        throw busy();
    AnswerDeferral& deferral = connection->deferral();
    auto answer = deferral.answer_later(DeferredAnswer::Steady::now() + config().counts_commit_wait,
                                        reply_of(busy()));
    answer->count_in(route_counters());
    auto pending = std::make_shared<const PendingBatch>(
        PendingBatch{std::move(*decoded.batch), kiosk.id, now});
    if (!writer_.submit(std::move(pending), std::make_shared<CountsAnswer>(answer)))
        throw busy();
    // The writer may have answered already; either way this thread is done with the request.
    deferral.defer(std::move(answer));
}

} // namespace wellness::station
