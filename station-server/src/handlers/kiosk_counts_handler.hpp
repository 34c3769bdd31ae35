#pragma once

#include "config.hpp"
#include "counts_writer.hpp"
#include "http_support.hpp"
#include "release_gate.hpp"
#include "station_store.hpp"

namespace wellness::station {

// POST /api/v1/kiosk/counts: a closed-week batch, decoded by core (anything it refuses is
// refused whole and never queued), checked by the release gate (a sealed week, a week before
// the kiosk's enrollment, a shape other than the full catalogue, 1 to k-1 visits: 422; too many
// batches this hour: 429), then handed to the group commit; answered applied / duplicate only
// once its commit is durable (by the writer, see DeferredAnswer), 503 when that takes longer
// than the configured `counts_commit_wait`. A second, different release of a week its kiosk already
// released is 409. Never logs the batch.
class KioskCountsHandler : public StationHandler {
  public:
    KioskCountsHandler(const StationServices& services, CountsWriter& writer, ReleaseGate& gate)
        : StationHandler(services), writer_(writer), gate_(gate) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    CountsWriter& writer_;
    ReleaseGate& gate_;
};

} // namespace wellness::station
