#include "request_framing.hpp"

#include <Poco/String.h>
#include <algorithm>
#include <cctype>
#include <string>

namespace wellness::station {

namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

bool all_digits(const std::string& text) {
    return !text.empty() && text.size() <= 18 &&
           std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
}

HttpError bad_framing(const std::string& code, const std::string& message) {
    return HttpError(Status::HTTP_BAD_REQUEST, code, message);
}

} // namespace

std::optional<HttpError> framing_problem(const Poco::Net::HTTPRequest& request) {
    const bool has_length = request.has(Poco::Net::HTTPMessage::CONTENT_LENGTH);
    const bool has_transfer_encoding = request.has("Transfer-Encoding");
    if (has_length) {
        std::string first;
        for (auto it = request.find(Poco::Net::HTTPMessage::CONTENT_LENGTH);
             it != request.end() &&
             Poco::icompare(it->first, Poco::Net::HTTPMessage::CONTENT_LENGTH) == 0;
             ++it) {
            const std::string value = Poco::trim(it->second);
            if (!all_digits(value))
                return bad_framing("invalid_content_length",
                                   "Content-Length must be the body's size in digits");
            if (!first.empty() && value != first)
                return bad_framing("invalid_content_length",
                                   "Content-Length is given twice with different values");
            first = value;
        }
    }
    if (has_length && has_transfer_encoding)
        return bad_framing("ambiguous_length",
                           "send either Content-Length or Transfer-Encoding, not both");
    if (has_transfer_encoding &&
        Poco::icompare(Poco::trim(request.get("Transfer-Encoding")), std::string("chunked")) != 0)
        return bad_framing("unsupported_transfer_encoding",
                           "the only transfer encoding accepted is chunked");
    if (request.has("Content-Encoding"))
        return HttpError(Status::HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_content_encoding",
                         "send the body without Content-Encoding: the station decodes none");
    const std::string& method = request.getMethod();
    const bool sends_body = method == Poco::Net::HTTPRequest::HTTP_POST ||
                            method == Poco::Net::HTTPRequest::HTTP_PUT ||
                            method == Poco::Net::HTTPRequest::HTTP_PATCH;
    if (sends_body && !has_length && !has_transfer_encoding)
        return HttpError(Status::HTTP_LENGTH_REQUIRED, "length_required",
                         "a " + method + " needs a Content-Length (0 for no body)");
    return std::nullopt;
}

} // namespace wellness::station
