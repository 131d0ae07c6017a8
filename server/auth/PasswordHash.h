// Password hashing with libxcrypt: yescrypt for new hashes, bcrypt accepted.
#pragma once

#include <QByteArray>
#include <QString>

namespace hlscam {

enum class HashScheme { Yescrypt, Bcrypt, Unsupported };

// A new yescrypt hash with a fresh random salt; empty on failure.
QByteArray hashPassword(const QByteArray &password);
// Constant-time check of `password` against a stored hash of a supported scheme.
bool verifyPassword(const QByteArray &password, const QByteArray &hash);
HashScheme schemeOf(const QByteArray &hash);
// Why a hash of an unsupported scheme is refused, and what to do about it.
QString describeUnsupported(const QByteArray &hash);

}  // namespace hlscam
