// An HTTP request head as the station reads it: Poco's parser, then the station's framing rules.
#include "request_framing.hpp"

#include <Poco/Net/HTTPRequest.h>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream stream(std::string(reinterpret_cast<const char*>(data), size));
    Poco::Net::HTTPRequest request;
    try {
        request.read(stream);
    } catch (const std::exception&) {
        return 0; // Poco refuses it; the station answers 400
    }
    // The station calls this outside any try: it must answer, never throw.
    (void)wellness::station::framing_problem(request);
    return 0;
}
