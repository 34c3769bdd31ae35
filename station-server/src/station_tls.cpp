#include "station_tls.hpp"

#include "wellness/durable_file.hpp"
#include "wellness/fingerprint.hpp"
#include "wellness/pinned_context.hpp"
#include "wellness/self_signed_certificate.hpp"

#include <Poco/Environment.h>
#include <Poco/Net/NetworkInterface.h>
#include <algorithm>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdexcept>

namespace wellness::station {

namespace {

constexpr std::size_t max_identity_file_bytes = 64 * 1024;
constexpr std::time_t day = 24 * 3600;

} // namespace

struct StationTls::Identity {
    std::string key_and_certificate_pem;
    std::string certificate_pem;
    std::string fingerprint;
    std::time_t not_before = 0;
    std::time_t not_after = 0;
    EVP_PKEY* key = nullptr;
    X509* certificate = nullptr;

    Identity() = default;
    Identity(const Identity&) = delete;
    Identity& operator=(const Identity&) = delete;
    ~Identity() {
        EVP_PKEY_free(key);
        X509_free(certificate);
    }
};

namespace {

using Identity = StationTls::Identity;

// A private key and the certificate that belongs to it, from PEM text (in either order).
std::shared_ptr<const Identity> parse_identity(const std::string& key_pem,
                                               const std::string& certificate_pem,
                                               const std::string& where) {
    auto identity = std::make_shared<Identity>();
    std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
        BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())), BIO_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> certificate_bio(
        BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())),
        BIO_free);
    if (!key_bio || !certificate_bio)
        throw std::runtime_error("out of memory reading " + where);
    identity->key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr);
    identity->certificate = PEM_read_bio_X509(certificate_bio.get(), nullptr, nullptr, nullptr);
    if (!identity->key)
        throw std::runtime_error(where + " holds no private key in PEM form");
    if (!identity->certificate)
        throw std::runtime_error(where + " holds no certificate in PEM form");
    if (X509_check_private_key(identity->certificate, identity->key) != 1)
        throw std::runtime_error("the private key in " + where +
                                 " does not belong to its certificate");
    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
    if (!out || PEM_write_bio_X509(out.get(), identity->certificate) != 1)
        throw std::runtime_error("cannot write the certificate of " + where);
    char* data = nullptr;
    const long length = BIO_get_mem_data(out.get(), &data);
    identity->certificate_pem.assign(data, static_cast<std::size_t>(length));
    identity->fingerprint = *tls::fingerprint_of_pem(identity->certificate_pem);
    identity->not_after = tls::certificate_not_after(identity->certificate_pem).value_or(0);
    struct tm start {};
    if (ASN1_TIME_to_tm(X509_get0_notBefore(identity->certificate), &start) == 1)
        identity->not_before = timegm(&start);
    identity->key_and_certificate_pem = key_pem + certificate_pem;
    return identity;
}

std::shared_ptr<const Identity> read_identity(const std::filesystem::path& key_file,
                                              const std::filesystem::path& certificate_file) {
    auto key = wellness::read_file_limited(key_file, max_identity_file_bytes);
    if (!key)
        throw std::runtime_error("cannot read " + key_file.string() +
                                 " (missing, not a regular file, or over 64 KiB)");
    auto certificate = key_file == certificate_file
                           ? key
                           : wellness::read_file_limited(certificate_file, max_identity_file_bytes);
    if (!certificate)
        throw std::runtime_error("cannot read " + certificate_file.string() +
                                 " (missing, not a regular file, or over 64 KiB)");
    return parse_identity(*key, *certificate, key_file.string());
}

std::shared_ptr<const Identity> make_identity(const std::vector<std::string>& names,
                                              std::time_t now, int days) {
    // Valid from a day back: a kiosk whose clock is a little behind still accepts it (kiosks
    // pin, but a browser importing the certificate checks dates).
    auto made = tls::make_self_signed_certificate(names, now - day, now + days * day);
    return parse_identity(made.private_key_pem, made.certificate_pem, "a new certificate");
}

int choose_certificate(SSL* ssl, void* argument) {
    return static_cast<StationTls*>(argument)->present(ssl) ? 1 : 0;
}

bool is_wildcard(const std::string& address) {
    return address == "0.0.0.0" || address == "::" || address.empty();
}

} // namespace

std::vector<std::string> default_certificate_names(const StationConfig& config) {
    std::vector<std::string> names{"localhost"};
    auto add = [&names](const std::string& name) {
        if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(name);
    };
    try {
        add(Poco::Environment::nodeName());
    } catch (const std::exception&) {
        // no host name: the addresses still name the station
    }
    if (!is_wildcard(config.bind_address))
        add(config.bind_address);
    add("127.0.0.1");
    try {
        for (const auto& interface : Poco::Net::NetworkInterface::list(false, false)) {
            const auto& address = interface.address();
            if (address.isLinkLocal() || address.isWildcard())
                continue; // a link-local address means nothing without its interface
            std::string text = address.toString();
            add(text.substr(0, text.find('%')));
        }
    } catch (const std::exception&) {
        // interfaces unreadable: the names above remain
    }
    return names;
}

StationTls::StationTls(const StationConfig& config, Clock clock, Poco::Logger& logger)
    : config_(config), clock_(std::move(clock)), logger_(logger) {
    tls::initialize_tls();
    const std::time_t now = clock_();
    if (!config_.tls_certificate_file.empty()) {
        own_ = false;
        current_ = read_identity(config_.tls_private_key_file, config_.tls_certificate_file);
        if (current_->not_after <= now)
            logger_.warning("the configured TLS certificate has expired; kiosks still accept it "
                            "by its fingerprint, browsers will not");
    } else {
        const auto dir = config_.data_dir / "tls";
        std::filesystem::create_directories(dir);
        std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace);
        std::error_code ec;
        if (std::filesystem::exists(dir / "station.pem", ec)) {
            current_ = read_identity(dir / "station.pem", dir / "station.pem");
        } else {
            current_ = make_identity(config_.tls_names.empty() ? default_certificate_names(config_)
                                                               : config_.tls_names,
                                     now, config_.tls_certificate_days);
            wellness::write_file_atomically(dir / "station.pem", current_->key_and_certificate_pem,
                                            0600);
            logger_.information("made the station's TLS certificate, fingerprint SHA256 " +
                                current_->fingerprint);
        }
        if (std::filesystem::exists(dir / "next.pem", ec))
            next_ = read_identity(dir / "next.pem", dir / "next.pem");
        wellness::write_file_atomically(dir / "station-certificate.pem", current_->certificate_pem,
                                        0644);
    }
    maintain(now);

    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    params.loadDefaultCAs = false;
    params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
    context_ = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    context_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    SSL_CTX_set_cert_cb(context_->sslContext(), choose_certificate, this);
}

StationTls::~StationTls() = default;

std::string StationTls::fingerprint() const {
    std::lock_guard lock(mutex_);
    return current_->fingerprint;
}

std::optional<std::string> StationTls::next_fingerprint() const {
    std::lock_guard lock(mutex_);
    if (!next_)
        return std::nullopt;
    return next_->fingerprint;
}

std::string StationTls::certificate_pem() const {
    std::lock_guard lock(mutex_);
    return current_->certificate_pem;
}

std::time_t StationTls::not_after() const {
    std::lock_guard lock(mutex_);
    return current_->not_after;
}

void StationTls::maintain(std::time_t now) {
    if (!own_)
        return;
    std::lock_guard lock(mutex_);
    const long announce_for = config_.tls_renew_days * day / 2;
    const std::time_t renew_at = current_->not_after - config_.tls_renew_days * day;
    const auto dir = config_.data_dir / "tls";
    try {
        if (!next_ && now >= renew_at) {
            auto made = make_identity(config_.tls_names.empty() ? default_certificate_names(config_)
                                                                : config_.tls_names,
                                      now, config_.tls_certificate_days);
            wellness::write_file_atomically(dir / "next.pem", made->key_and_certificate_pem, 0600);
            next_ = std::move(made);
            logger_.information("made the station's next TLS certificate, fingerprint SHA256 " +
                                next_->fingerprint + "; kiosks learn it at their next contact");
        }
        // Kiosks pin fingerprints, not dates: an old certificate keeps working for them, so
        // the next one takes over only after it has been announced for half the renewal time,
        // even when the station was off past the old one's end.
        const std::time_t next_made = next_ ? next_->not_before + day : 0; // made a day ahead
        if (next_ &&
            now >= std::max(current_->not_after - announce_for, next_made + announce_for)) {
            std::filesystem::rename(dir / "next.pem", dir / "station.pem");
            current_ = std::move(next_);
            next_.reset();
            wellness::write_file_atomically(dir / "station-certificate.pem",
                                            current_->certificate_pem, 0644);
            logger_.information("the station's TLS certificate is now SHA256 " +
                                current_->fingerprint);
        }
    } catch (const std::exception& error) {
        // The current certificate stays; the next handshake tries again.
        logger_.error(std::string("TLS certificate renewal failed: ") + error.what());
    }
}

bool StationTls::present(ssl_st* ssl) {
    maintain(clock_());
    std::shared_ptr<const Identity> identity;
    {
        std::lock_guard lock(mutex_);
        identity = current_;
    }
    // SSL_use_* take their own references: the identity may be replaced meanwhile.
    return SSL_use_certificate(ssl, identity->certificate) == 1 &&
           SSL_use_PrivateKey(ssl, identity->key) == 1;
}

} // namespace wellness::station
