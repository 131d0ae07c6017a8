// Password hashing: yescrypt (libxcrypt) for new hashes, bcrypt accepted; the legacy schemes an
// old .htpasswd may hold are checked too, but reported as legacy so the caller replaces them.
#pragma once

#include <QByteArray>
#include <QString>

namespace hlscam {

enum class HashScheme { Yescrypt, Bcrypt, ShaCrypt, Md5Crypt, Apr1, Sha1, DesCrypt, Unsupported };

// A new yescrypt hash with a fresh random salt; empty on failure.
QByteArray hashPassword(const QByteArray &password);
// Constant-time check of `password` against a stored hash of any scheme but Unsupported.
bool verifyPassword(const QByteArray &password, const QByteArray &hash);
HashScheme schemeOf(const QByteArray &hash);
// Accepted, but weak or dated: replaced with yescrypt at the user's next successful login.
bool isLegacy(HashScheme scheme);
// "MD5 ($apr1$)" and the like, for warnings.
QString schemeName(HashScheme scheme);
// Why a hash is refused (plain text or an unknown scheme), and what to do about it.
QString describeUnsupported();

}  // namespace hlscam
