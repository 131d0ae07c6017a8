// HTTPS from a PEM certificate (chain) and private key, as tls_cert and tls_key name them.
#pragma once

#include <QSslConfiguration>
#include <QString>
#include <optional>

namespace hlscam {

// The server configuration, or nullopt with *error naming the file and what is wrong.
std::optional<QSslConfiguration> loadTlsFiles(const QString &certPath, const QString &keyPath, QString *error);

}  // namespace hlscam
