#pragma once

// How a request says where its body ends, checked before any handler sees it. Two parsers that
// disagree on a body's end (a proxy and the station) are how requests are smuggled, and a body
// whose end is unknown ties up a thread until the connection closes, so the station accepts one
// way only: digits in Content-Length, or chunked alone.

#include "http_support.hpp"

#include <Poco/Net/HTTPRequest.h>
#include <optional>

namespace wellness::station {

// The refusal for a request whose framing the station does not accept, or nullopt:
// - Content-Length that is not 1 to 18 digits, or given twice with different values: 400
// - Content-Length together with Transfer-Encoding: 400
// - a Transfer-Encoding other than chunked: 400
// - any Content-Encoding (the station decodes none, so it would take compressed bytes as JSON): 415
// - POST, PUT or PATCH with neither Content-Length nor chunked: 411
std::optional<HttpError> framing_problem(const Poco::Net::HTTPRequest& request);

} // namespace wellness::station
