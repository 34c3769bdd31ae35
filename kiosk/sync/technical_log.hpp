#pragma once

#include <Poco/Message.h>
#include <functional>
#include <string>

namespace wellness::kiosk {

// Where the sync library's technical events go (sync ok or failed, content version, store
// trouble), each with the priority its code chose: the journal records that priority. Never
// receives anything a person did.
using TechnicalLog = std::function<void(Poco::Message::Priority, const std::string&)>;

} // namespace wellness::kiosk
