#pragma once

// The limits of the kiosk-station contract, named once for both sides (DESIGN.md: code both
// sides need lives once). A station refuses at start-up any setting above what its kiosks
// accept (station-server/src/config.cpp), serves these figures to the console
// (GET /api/v1/admin/limits), and the kiosk's manifest reader (manifest.hpp) and the rollup read
// the same constants, so what one side accepts the other never refuses.
//
// Limits of the content document itself (text lengths, list sizes) are core's content rules:
// content.hpp, content_limits.

#include "wellness/content.hpp"
#include "wellness/counts.hpp"
#include "wellness/image.hpp"

#include <cstddef>
#include <cstdint>

namespace wellness::shared_limits {

// One PNG / JPEG asset. A station may be configured lower (limits.asset_bytes), never higher.
inline constexpr std::size_t max_asset_bytes = 4 * 1024 * 1024;
static_assert(max_asset_bytes <= max_image_file_bytes, "every allowed asset must be decodable");
// The most pixels a side of an image asset may have (core/image.hpp's decoder limit).
inline constexpr int max_image_side = wellness::max_image_side;
// Assets one content version may list, and their sum: what a kiosk keeps on disk per version.
inline constexpr std::size_t max_assets = content_limits::max_assets;
inline constexpr std::size_t max_total_asset_bytes = 32 * 1024 * 1024;

// A content document as the console sends it (limits.content_body_bytes may be lower). The
// manifest carries the document re-encoded plus the asset list, so it may be twice that.
inline constexpr std::size_t max_content_document_bytes = 1024 * 1024;
inline constexpr std::size_t max_manifest_bytes = 2 * max_content_document_bytes;

// The small-number threshold: at least minimum_k (counts.hpp), at most this, for the station's
// summary.k, the manifest's k, a kiosk's stored k, a summary's k and the rollup's --k.
inline constexpr int max_k = 10000;
static_assert(max_k <= max_count, "k must be reachable by a week's count");
inline constexpr bool is_k_in_range(std::int64_t k) {
    return k >= minimum_k && k <= max_k;
}

// A content version as the kiosk reports it (X-Content-Version) and the manifest names it.
inline constexpr std::size_t max_version_chars = 32;

// Ids and names the two sides pass each other, in characters.
// A content item's id and a counter's key (is_valid_slug: a-z 0-9 -), in the content, the
// batches and the summaries.
inline constexpr std::size_t max_id_chars = 32;
// An asset's file name (is_asset_name), as the console uploads it and the manifest lists it.
inline constexpr std::size_t max_asset_name_chars = 64;
// A counts batch's id: a lowercase uuid (is_valid_uuid), always this long.
inline constexpr std::size_t batch_id_chars = 36;
// A bearer token (the kiosk's, an admin's, a coordinator's): the station reads none longer,
// and a kiosk keeps none longer.
inline constexpr std::size_t max_token_chars = 200;
// An enrollment code as typed (dashes and spaces included): the kiosk's --enroll and
// the station's POST /api/v1/kiosk/enroll.
inline constexpr std::size_t max_enrollment_code_chars = 64;
// A kiosk's name as an admin gives it (the station checks it; a kiosk never sees it).
inline constexpr std::size_t max_kiosk_name_chars = 64;

// One counts batch (counts.hpp): its bytes on the wire and the entries it may hold.
inline constexpr std::size_t max_batch_bytes = wellness::max_batch_bytes;
inline constexpr std::size_t max_batch_entries = wellness::max_batch_entries;

} // namespace wellness::shared_limits
