#include "acme/AcmeCrypto.h"

#include <QCryptographicHash>
#include <QJsonDocument>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace hlscam {

void EvpKeyFree::operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }

namespace {

struct BioFree {
    void operator()(BIO *b) const { BIO_free(b); }
};
struct BnFree {
    void operator()(BIGNUM *n) const { BN_free(n); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};
struct SigFree {
    void operator()(ECDSA_SIG *s) const { ECDSA_SIG_free(s); }
};
struct ReqFree {
    void operator()(X509_REQ *r) const { X509_REQ_free(r); }
};
struct X509Free {
    void operator()(X509 *x) const { X509_free(x); }
};
struct ExtStackFree {
    void operator()(STACK_OF(X509_EXTENSION) * s) const { sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free); }
};
struct ExtFree {
    void operator()(X509_EXTENSION *e) const { X509_EXTENSION_free(e); }
};

// OpenSSL's last complaint, for a message.
Error sslError(const char *what)
{
    char text[256] = "unknown error";
    if (const unsigned long code = ERR_get_error())
        ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return {Fault::Other, QStringLiteral("%1: %2").arg(QLatin1String(what), QLatin1String(text))};
}

QByteArray bioBytes(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return {data, qsizetype(size)};
}

QByteArray coordinate(EVP_PKEY *key, const char *name)
{
    BIGNUM *raw = nullptr;
    if (!EVP_PKEY_get_bn_param(key, name, &raw))
        return {};
    const std::unique_ptr<BIGNUM, BnFree> n(raw);
    QByteArray out(32, '\0');
    BN_bn2binpad(n.get(), reinterpret_cast<unsigned char *>(out.data()), 32);
    return out;
}

QByteArray subjectAltNames(const QStringList &names)
{
    QStringList dns;
    for (const QString &n : names)
        dns << QStringLiteral("DNS:") + n;
    return dns.join(u',').toLatin1();
}

}  // namespace

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

Result<EcKey> generateEcKey()
{
    EcKey key(EVP_EC_gen("P-256"));
    if (!key)
        return sslError("cannot make a P-256 key");
    return key;
}

Result<EcKey> ecKeyFromPem(const QByteArray &pem)
{
    const std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    EcKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key)
        return sslError("no PEM private key in it");
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC || EVP_PKEY_get_bits(key.get()) != 256)
        return Error{Fault::Other, QStringLiteral("the key is not a P-256 key")};
    return key;
}

QByteArray ecKeyPem(EVP_PKEY *key)
{
    const std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr))
        return {};
    return bioBytes(bio.get());
}

QJsonObject jwkOf(EVP_PKEY *key)
{
    return {{QStringLiteral("crv"), QStringLiteral("P-256")},
            {QStringLiteral("kty"), QStringLiteral("EC")},
            {QStringLiteral("x"), QString::fromLatin1(base64Url(coordinate(key, OSSL_PKEY_PARAM_EC_PUB_X)))},
            {QStringLiteral("y"), QString::fromLatin1(base64Url(coordinate(key, OSSL_PKEY_PARAM_EC_PUB_Y)))}};
}

QByteArray jwkThumbprint(EVP_PKEY *key)
{
    // QJsonDocument writes an object's members sorted by name, compact: the form RFC 7638 asks for.
    const QByteArray canonical = QJsonDocument(jwkOf(key)).toJson(QJsonDocument::Compact);
    return base64Url(QCryptographicHash::hash(canonical, QCryptographicHash::Sha256));
}

Result<QByteArray> signEs256(EVP_PKEY *key, const QByteArray &data)
{
    const std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    size_t size = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char *>(data.constData()),
                       size_t(data.size())) != 1)
        return sslError("cannot sign");
    QByteArray der(qsizetype(size), '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(der.data()), &size,
                       reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size())) != 1)
        return sslError("cannot sign");
    // OpenSSL writes ECDSA signatures as DER; JWS wants r and s as two 32-byte numbers.
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    const std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, long(size)));
    if (!sig)
        return sslError("cannot read the signature");
    QByteArray raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), reinterpret_cast<unsigned char *>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), reinterpret_cast<unsigned char *>(raw.data()) + 32, 32);
    return raw;
}

Result<QByteArray> makeCsrDer(EVP_PKEY *key, const QStringList &names)
{
    if (names.isEmpty())
        return Error{Fault::Config, QStringLiteral("no name to ask a certificate for")};
    const std::unique_ptr<X509_REQ, ReqFree> req(X509_REQ_new());
    X509_NAME *subject = X509_REQ_get_subject_name(req.get());
    const QByteArray cn = names.first().toLatin1();
    if (!X509_REQ_set_version(req.get(), 0) ||
        !X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                    reinterpret_cast<const unsigned char *>(cn.constData()), -1, -1, 0) ||
        !X509_REQ_set_pubkey(req.get(), key))
        return sslError("cannot make the certificate request");
    const QByteArray san = subjectAltNames(names);
    const std::unique_ptr<STACK_OF(X509_EXTENSION), ExtStackFree> extensions(sk_X509_EXTENSION_new_null());
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.constData());
    if (!ext || !sk_X509_EXTENSION_push(extensions.get(), ext) ||
        !X509_REQ_add_extensions(req.get(), extensions.get()) || X509_REQ_sign(req.get(), key, EVP_sha256()) <= 0)
        return sslError("cannot make the certificate request");
    const int size = i2d_X509_REQ(req.get(), nullptr);
    QByteArray der(size, '\0');
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    i2d_X509_REQ(req.get(), &out);
    return der;
}

Result<QByteArray> makeSelfSignedPem(EVP_PKEY *key, const QStringList &names, int days)
{
    const std::unique_ptr<X509, X509Free> cert(X509_new());
    const QByteArray cn = names.value(0, QStringLiteral("hlscam")).toLatin1();
    X509_NAME *name = X509_get_subject_name(cert.get());
    if (!X509_set_version(cert.get(), 2) || !ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) ||
        !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert.get()), long(days) * 86400) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(cn.constData()),
                                    -1, -1, 0) ||
        !X509_set_issuer_name(cert.get(), name) || !X509_set_pubkey(cert.get(), key))
        return sslError("cannot make a certificate");
    if (!names.isEmpty()) {
        const QByteArray san = subjectAltNames(names);
        const std::unique_ptr<X509_EXTENSION, ExtFree> ext(
            X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.constData()));
        if (!ext || !X509_add_ext(cert.get(), ext.get(), -1))
            return sslError("cannot make a certificate");
    }
    if (X509_sign(cert.get(), key, EVP_sha256()) <= 0)
        return sslError("cannot sign a certificate");
    const std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (!PEM_write_bio_X509(bio.get(), cert.get()))
        return sslError("cannot write a certificate");
    return bioBytes(bio.get());
}

}  // namespace hlscam
