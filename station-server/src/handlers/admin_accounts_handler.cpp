#include "admin_accounts_handler.hpp"

#include "password_attempt.hpp"
#include "security.hpp"
#include "station.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <filesystem>

namespace wellness::station {

namespace {

std::string new_password_of(const Json& body, const std::string& member) {
    std::string password = required_text(body, member, 1024);
    if (password.size() < minimum_password_length)
        throw HttpError(Status::HTTP_UNPROCESSABLE_ENTITY, "weak_password",
                        "a password needs at least " + std::to_string(minimum_password_length) +
                            " characters");
    return password;
}

} // namespace

void AdminAccountsHandler::serve(Poco::Net::HTTPServerRequest& request,
                                 Poco::Net::HTTPServerResponse& response) {
    const Principal admin = require_role(request, store(), station_time(), {Role::admin});
    const AuditStamp stamp{station_time(), admin.admin_name};
    switch (resource_) {
    case Resource::admins:
        if (request.getMethod() == "GET") {
            Json names = Json::array();
            for (const auto& name : store().admin_names())
                names.push_back({{"username", name}});
            send_json(response, Status::HTTP_OK, {{"admins", names}});
            return;
        } else {
            Json body = read_json_body(request, config().max_json_body_bytes);
            const std::string name = required_text(body, "username", 64);
            if (!is_valid_admin_name(name))
                throw invalid_request("invalid_username",
                                      "a user name is 1 to 64 of a-z A-Z 0-9 . _ - @");
            const std::string password = new_password_of(body, "password");
            if (!store().add_admin(name, hash_password(password, config().pbkdf2_iterations),
                                   stamp))
                throw HttpError(Status::HTTP_CONFLICT, "admin_exists",
                                "an admin named " + name + " exists already");
            send_json(response, Status::HTTP_CREATED, {{"username", name}});
            return;
        }
    case Resource::admin:
        switch (store().remove_admin(name_, stamp)) {
        case StationStore::RemoveAdmin::not_found:
            throw not_found("no such admin");
        case StationStore::RemoveAdmin::last:
            throw HttpError(Status::HTTP_CONFLICT, "last_admin",
                            "this is the station's only admin: add another before removing it");
        case StationStore::RemoveAdmin::removed:
            if (name_ == "admin")
                forget_first_password();
            send_no_content(response);
            return;
        }
        return;
    case Resource::password:
        change_password(request, admin, response);
        return;
    case Resource::sessions:
        if (auto record = store().find_admin(admin.admin_name))
            store().delete_sessions_of(record->id, stamp);
        send_no_content(response);
        return;
    }
}

void AdminAccountsHandler::change_password(Poco::Net::HTTPServerRequest& request,
                                           const Principal& admin,
                                           Poco::Net::HTTPServerResponse& response) {
    // A stolen session must not turn into the password: the current one is asked for, with
    // the sign-in's throttle.
    PasswordAttempt attempt(throttle_, account_throttle_, request.clientAddress().host().toString(),
                            station_time());
    Json body = read_json_body(request, config().max_json_body_bytes);
    const std::string current = required_text(body, "current_password", 1024);
    const std::string next = new_password_of(body, "new_password");
    attempt.for_account(admin.admin_name, station_time());
    auto record = store().find_admin(admin.admin_name);
    if (!record || !verify_password(current, record->password))
        throw unauthorized("invalid_credentials", "the current password is wrong");
    attempt.succeeded(station_time());
    store().set_admin_password(record->id, hash_password(next, config().pbkdf2_iterations),
                               admin.id, {station_time(), admin.admin_name});
    if (admin.admin_name == "admin")
        forget_first_password();
    send_no_content(response);
}

void AdminAccountsHandler::forget_first_password() {
    std::error_code ignored;
    std::filesystem::remove(config().data_dir / first_admin_password_file, ignored);
}

} // namespace wellness::station
