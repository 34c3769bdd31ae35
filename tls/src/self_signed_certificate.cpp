#include "wellness/self_signed_certificate.hpp"

#include <Poco/Net/IPAddress.h>
#include <memory>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdexcept>

namespace wellness::tls {

namespace {

template <typename T, void (*Free)(T*)> struct Deleter {
    void operator()(T* pointer) const { Free(pointer); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void require(bool ok, const char* what) {
    if (!ok)
        throw std::runtime_error(std::string("cannot make the station's certificate: ") + what);
}

std::string text_of(BIO* bio) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(length));
}

bool is_ip_address(const std::string& name) {
    Poco::Net::IPAddress address;
    return Poco::Net::IPAddress::tryParse(name, address);
}

void add_extension(X509* certificate, int nid, const std::string& value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    Extension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
    require(extension != nullptr, ("an extension was refused: " + value).c_str());
    require(X509_add_ext(certificate, extension.get(), -1) == 1, "an extension was refused");
}

} // namespace

KeyAndCertificate make_self_signed_certificate(const std::vector<std::string>& names,
                                               std::time_t not_before, std::time_t not_after) {
    require(!names.empty(), "it needs at least one name");
    Key key(EVP_EC_gen("P-256"));
    require(key != nullptr, "no P-256 key");

    Certificate certificate(X509_new());
    require(certificate != nullptr, "out of memory");
    require(X509_set_version(certificate.get(), 2) == 1, "version");
    // A random 159-bit serial: two certificates of one station never share one.
    std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> serial(BN_new());
    require(serial && BN_rand(serial.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1,
            "serial");
    require(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())) != nullptr,
            "serial");
    require(ASN1_TIME_set(X509_getm_notBefore(certificate.get()), not_before) != nullptr,
            "validity");
    require(ASN1_TIME_set(X509_getm_notAfter(certificate.get()), not_after) != nullptr, "validity");

    X509_NAME* subject = X509_get_subject_name(certificate.get());
    const std::string common_name = names.front().substr(0, 64);
    require(X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>("Wellness station"),
                                       -1, -1, 0) == 1,
            "subject");
    require(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                       -1, -1, 0) == 1,
            "subject");
    require(X509_set_issuer_name(certificate.get(), subject) == 1, "issuer");
    require(X509_set_pubkey(certificate.get(), key.get()) == 1, "public key");

    std::string alternative_names;
    for (const auto& name : names) {
        require(!name.empty() && name.find_first_of(",\n\r") == std::string::npos,
                "a name is empty or holds a comma");
        if (!alternative_names.empty())
            alternative_names += ',';
        alternative_names += (is_ip_address(name) ? "IP:" : "DNS:") + name;
    }
    add_extension(certificate.get(), NID_subject_alt_name, alternative_names);
    // Its own anchor, as `openssl req -x509` makes one: an admin's browser or curl --cacert can
    // trust this one certificate (and through it nothing else: it signs no other).
    add_extension(certificate.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_extension(certificate.get(), NID_ext_key_usage, "serverAuth");
    add_extension(certificate.get(), NID_subject_key_identifier, "hash");
    require(X509_sign(certificate.get(), key.get(), EVP_sha256()) > 0, "signing");

    Bio key_out(BIO_new(BIO_s_mem()));
    Bio certificate_out(BIO_new(BIO_s_mem()));
    require(key_out && certificate_out, "out of memory");
    require(PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                     nullptr) == 1,
            "writing the key");
    require(PEM_write_bio_X509(certificate_out.get(), certificate.get()) == 1,
            "writing the certificate");
    return {text_of(key_out.get()), text_of(certificate_out.get())};
}

std::optional<std::time_t> certificate_not_after(const std::string& pem) {
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio)
        return std::nullopt;
    Certificate certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!certificate)
        return std::nullopt;
    struct tm when {};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(certificate.get()), &when) != 1)
        return std::nullopt;
    return timegm(&when);
}

} // namespace wellness::tls
