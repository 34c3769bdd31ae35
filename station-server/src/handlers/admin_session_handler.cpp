#include "admin_session_handler.hpp"

#include "password_attempt.hpp"
#include "security.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace wellness::station {

void AdminSessionHandler::serve(Poco::Net::HTTPServerRequest& request,
                                Poco::Net::HTTPServerResponse& response) {
    if (request.getMethod() == "POST")
        sign_in(request, response);
    else
        sign_out(request, response);
}

void AdminSessionHandler::sign_in(Poco::Net::HTTPServerRequest& request,
                                  Poco::Net::HTTPServerResponse& response) {
    const std::string address = request.clientAddress().host().toString();
    PasswordAttempt attempt(throttle_, account_throttle_, address, station_time());
    Json body = read_json_body(request, config().max_json_body_bytes);
    std::string username = required_text(body, "username", 64);
    std::string password = required_text(body, "password", 1024);
    attempt.for_account(username, station_time());
    auto admin = store().find_admin(username);
    // An unknown name costs the same hashing as a known one, so timing does not tell names.
    static const PasswordRecord decoy = hash_password("decoy-password", 1);
    PasswordRecord record = admin ? admin->password : decoy;
    if (!admin)
        record.iterations = config().pbkdf2_iterations;
    bool valid = verify_password(password, record) && admin.has_value();
    if (!valid) { // already counted as failed by the attempt
        // Bookkeeping too: on a disk that takes no writes the answer is still 401.
        if (admin) {
            try {
                store().record_failed_sign_in({station_time(), admin->name}, "from " + address);
            } catch (const std::exception& error) {
                logger().warning(std::string("could not audit a failed sign-in: ") + error.what());
            }
        }
        throw unauthorized("invalid_credentials", "the name or password is wrong");
    }
    attempt.succeeded(station_time());
    std::time_t now = station_time();
    // Bookkeeping: a disk that takes no writes must not keep the admin out (the session itself
    // is then kept in memory).
    try {
        store().delete_expired_sessions(now);
    } catch (const std::exception& error) {
        logger().warning(std::string("could not remove ended sessions: ") + error.what());
    }
    std::string secret = random_secret();
    std::time_t expires = now + static_cast<std::time_t>(config().admin_token_lifetime.count());
    auto session = store().create_session(admin->id, sha256_hex(secret), expires,
                                          {now, admin->name}, "from " + address);
    // The lifetime as well as the end: a browser whose clock is off from the station's counts
    // the seconds from now rather than comparing its own clock with the station's end.
    send_json(response, Status::HTTP_OK,
              {{"token", make_token('a', session, secret)},
               {"expires_at", utc_timestamp(expires)},
               {"expires_in_seconds", static_cast<std::int64_t>(expires - now)},
               {"username", admin->name}});
}

void AdminSessionHandler::sign_out(Poco::Net::HTTPServerRequest& request,
                                   Poco::Net::HTTPServerResponse& response) {
    Principal admin = require_role(request, store(), station_time(), {Role::admin});
    store().delete_session(admin.id);
    send_no_content(response);
}

} // namespace wellness::station
