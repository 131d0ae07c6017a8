#include "webrtc/DtlsIdentity.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace hlscam {

namespace {

struct PkeyFree {
    void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); }
};
struct X509Free {
    void operator()(X509 *x) const { X509_free(x); }
};

Error failed(const char *what) { return Error{Fault::Other, QStringLiteral("DTLS identity: %1 failed").arg(what)}; }

// The viewer's certificate is self-signed too: it is trusted through the fingerprint in its
// offer, checked once the handshake is done (DtlsTransport), not through a chain.
int acceptAnyCertificate(int, X509_STORE_CTX *) { return 1; }

}  // namespace

Result<std::shared_ptr<DtlsIdentity>> DtlsIdentity::create()
{
    std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
    if (!key)
        return failed("EC key generation");
    std::unique_ptr<X509, X509Free> cert(X509_new());
    if (!cert)
        return failed("X509_new");
    X509_set_version(cert.get(), 2);
    unsigned char serial[8];
    if (RAND_bytes(serial, sizeof serial) != 1)
        return failed("RAND_bytes");
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -86400);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 86400);
    X509_NAME *name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("hlscam"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key.get());
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return failed("X509_sign");

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestSize = 0;
    if (X509_digest(cert.get(), EVP_sha256(), digest, &digestSize) != 1)
        return failed("X509_digest");

    SSL_CTX *ctx = SSL_CTX_new(DTLS_server_method());
    if (!ctx)
        return failed("SSL_CTX_new");
    std::shared_ptr<DtlsIdentity> identity(new DtlsIdentity);
    identity->m_context = ctx;
    identity->m_fingerprint = QByteArray(reinterpret_cast<const char *>(digest), int(digestSize));
    SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION);
    if (SSL_CTX_use_certificate(ctx, cert.get()) != 1 || SSL_CTX_use_PrivateKey(ctx, key.get()) != 1)
        return failed("loading the certificate");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, acceptAnyCertificate);
    if (SSL_CTX_set_tlsext_use_srtp(ctx, "SRTP_AES128_CM_SHA1_80") != 0)  // 0 is success here
        return failed("SSL_CTX_set_tlsext_use_srtp");
    SSL_CTX_set_cipher_list(ctx,
                            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                            "ECDHE-ECDSA-CHACHA20-POLY1305");
    SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU);
    return identity;
}

DtlsIdentity::~DtlsIdentity() { SSL_CTX_free(m_context); }

}  // namespace hlscam
