// The public-key pieces of ACME (RFC 8555, RFC 7515/7517/7638) on OpenSSL: P-256 keys, their JWK
// and thumbprint, ES256 signatures as JWS wants them, the CSR sent to finalize an order, and a
// short-lived self-signed certificate to serve until the first real one arrives.
#pragma once

#include "Error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>
#include <memory>

typedef struct evp_pkey_st EVP_PKEY;  // NOLINT(modernize-use-using): OpenSSL's own declaration

namespace hlscam {

struct EvpKeyFree {
    void operator()(EVP_PKEY *key) const;
};
using EcKey = std::unique_ptr<EVP_PKEY, EvpKeyFree>;

// base64url without padding (RFC 7515 section 2).
QByteArray base64Url(const QByteArray &data);

Result<EcKey> generateEcKey();
// An unencrypted PEM private key (P-256), as ecKeyPem writes it.
Result<EcKey> ecKeyFromPem(const QByteArray &pem);
QByteArray ecKeyPem(EVP_PKEY *key);

// {"crv":"P-256","kty":"EC","x":...,"y":...}
QJsonObject jwkOf(EVP_PKEY *key);
// RFC 7638: base64url(SHA-256(the JWK's required members, sorted, no spaces)).
QByteArray jwkThumbprint(EVP_PKEY *key);
// ES256: the 64-byte r || s of an ECDSA P-256 signature over SHA-256(data).
Result<QByteArray> signEs256(EVP_PKEY *key, const QByteArray &data);

// A DER certificate signing request for `names` (the first is also the subject's CN).
Result<QByteArray> makeCsrDer(EVP_PKEY *key, const QStringList &names);
// A PEM certificate for `names` signed by `key` itself, valid for `days`.
Result<QByteArray> makeSelfSignedPem(EVP_PKEY *key, const QStringList &names, int days);

}  // namespace hlscam
