#include "durable_file.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

namespace wellness::kiosk {

std::string sha256_hex(std::string_view data) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(data.data(), static_cast<unsigned>(data.size()));
    return Poco::DigestEngine::digestToHex(sha.digest());
}

} // namespace wellness::kiosk
