#include "kiosk_counts_handler.hpp"

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

} // namespace

void KioskCountsHandler::serve(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response) {
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
    // Shared with the writer, which drops its reference before answering: the batch's many small
    // allocations are then freed here, off the one thread every commit waits for.
    auto pending = std::make_shared<const PendingBatch>(
        PendingBatch{std::move(*decoded.batch), kiosk.id, now});
    auto committed = writer_.submit(pending);
    if (!committed || committed->wait_for(commit_wait_) != std::future_status::ready)
        throw busy();
    auto outcome = committed->get(); // a failed commit throws: a 500, and nothing was applied
    // The same bytes send_json would give, without building a document per batch.
    send_bytes(response, Status::HTTP_OK, "application/json; charset=utf-8",
               outcome == BatchOutcome::applied ? R"({"status":"applied"})"
                                                : R"({"status":"duplicate"})");
}

} // namespace wellness::station
