// The station's config file, read as the station reads it: the first byte picks the format
// (odd: an .ini file, even: a .properties file), the rest is the file.
#include "config.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const bool ini = (data[0] & 1) != 0;
    std::istringstream file(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
    wellness::station::StationConfig config;
    try {
        Poco::AutoPtr<Poco::Util::AbstractConfiguration> source;
        if (ini)
            source = new Poco::Util::IniFileConfiguration(file);
        else
            source = new Poco::Util::PropertyFileConfiguration(file);
        wellness::station::apply_configuration(*source, config);
        wellness::station::validate_config(config);
    } catch (const std::exception&) {
        // A refusal with words is the expected answer to a bad file.
    }
    return 0;
}
