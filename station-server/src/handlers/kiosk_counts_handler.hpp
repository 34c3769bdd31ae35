#pragma once

#include "config.hpp"
#include "counts_writer.hpp"
#include "http_support.hpp"
#include "station_store.hpp"

#include <chrono>

namespace wellness::station {

// POST /api/v1/kiosk/counts: a closed-week batch, decoded by core (anything it refuses is
// refused whole and never queued), then handed to the group commit; answered applied /
// duplicate only once its commit is durable (by the writer, see DeferredAnswer), 503 when that
// takes longer than `commit_wait`. Privacy promise 7: a week whose visit count is 1 to k-1 is
// refused (422), and so is a second, different release of a week its kiosk already released
// (409). Never logs the batch.
class KioskCountsHandler : public StationHandler {
  public:
    KioskCountsHandler(StationStore& store, const Clock& clock, CountsWriter& writer,
                       std::chrono::milliseconds commit_wait, int k, Poco::Logger& logger)
        : StationHandler(logger), store_(store), clock_(clock), writer_(writer),
          commit_wait_(commit_wait), k_(k) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    StationStore& store_;
    const Clock& clock_;
    CountsWriter& writer_;
    std::chrono::milliseconds commit_wait_;
    int k_;
};

} // namespace wellness::station
