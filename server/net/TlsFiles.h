// HTTPS from a PEM certificate (chain) and private key, as tls_cert and tls_key name them.
#pragma once

#include <QList>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>
#include <optional>

#include "Error.h"

namespace hlscam {

// The suites of `ciphers` that are forward secret and authenticated encryption (AEAD).
QList<QSslCipher> forwardSecretAeadCiphers(const QList<QSslCipher> &ciphers);

// What HTTPS serves with this chain and key: TLS 1.2 or later, forward-secret AEAD suites only.
QSslConfiguration serverTlsConfiguration(const QList<QSslCertificate> &chain, const QSslKey &key);

// The server configuration, or Fault::Config naming the file and what is wrong.
Result<QSslConfiguration> loadTlsFiles(const QString &certPath, const QString &keyPath);

// The SHA-256 of a certificate's DER form as `openssl x509 -noout -fingerprint -sha256` writes it
// ("AB:CD:..."), so a person can compare what the board prints with what a client shows.
QString certificateFingerprint(const QSslCertificate &certificate);

}  // namespace hlscam
