#include "kiosk_counts_handler.hpp"

#include "wellness/counts.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

void KioskCountsHandler::serve(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response) {
    Principal kiosk = require_role(request, store_, clock_(), {Role::kiosk});
    require_media_type(request, "application/json");
    std::string body = read_body(request, max_batch_bytes);
    auto decoded = decode_batch(body, IsoWeek::from_local_time(clock_()));
    if (decoded.json_error != JsonInputError::none)
        throw json_input_error(decoded.json_error, decoded.problems.empty()
                                                       ? std::string()
                                                       : decoded.problems.front().message);
    if (!decoded.batch)
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "invalid_batch",
                        "the batch was refused as a whole; nothing was applied", decoded.problems);
    auto outcome = store_.apply_batch(*decoded.batch);
    store_.record_kiosk_contact(kiosk.id, clock_(), std::nullopt);
    send_json(response, Status::HTTP_OK,
              {{"status", outcome == BatchOutcome::applied ? "applied" : "duplicate"}});
}

} // namespace wellness::station
