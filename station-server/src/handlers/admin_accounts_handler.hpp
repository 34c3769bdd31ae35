#pragma once

#include "config.hpp"
#include "http_support.hpp"
#include "login_throttle.hpp"
#include "station_store.hpp"

#include <string>

namespace wellness::station {

// The console's accounts, for signed-in admins:
//   GET /api/v1/admin/admins               the admins' names
//   POST /api/v1/admin/admins              {"username","password"} adds one (201; 409 if taken)
//   DELETE /api/v1/admin/admins/{name}     removes one and ends its sessions (never the last: 409)
//   PUT /api/v1/admin/password             {"current_password","new_password"}: the caller's
//                                          own, checked and throttled like a sign-in; every
//                                          other session of the caller ends
//   DELETE /api/v1/admin/sessions          signs the caller out everywhere
class AdminAccountsHandler : public StationHandler {
  public:
    enum class Resource { admins, admin, password, sessions };
    AdminAccountsHandler(const StationServices& services, Resource resource, std::string name,
                         LoginThrottle& throttle, AccountThrottle& account_throttle)
        : StationHandler(services), resource_(resource), name_(std::move(name)),
          throttle_(throttle), account_throttle_(account_throttle) {}

  protected:
    void serve(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  private:
    void change_password(Poco::Net::HTTPServerRequest& request, const Principal& admin,
                         Poco::Net::HTTPServerResponse& response);
    // The first admin's password file goes once it no longer opens anything.
    void forget_first_password();

    Resource resource_;
    std::string name_;
    LoginThrottle& throttle_;
    AccountThrottle& account_throttle_;
};

} // namespace wellness::station
