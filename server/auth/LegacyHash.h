// The two htpasswd schemes libxcrypt does not know: Apache's MD5 ($apr1$) and {SHA}. Both are
// weak; hlscam only checks them so an existing .htpasswd keeps working until each user's next
// login, which replaces the hash with yescrypt.
#pragma once

#include <QByteArray>

namespace hlscam {

// "$apr1$SALT$HASH" for `password` with the salt of `setting` (a full hash or "$apr1$SALT").
QByteArray apr1Crypt(const QByteArray &password, const QByteArray &setting);
// "{SHA}" + base64 of the SHA-1 of `password`.
QByteArray sha1Htpasswd(const QByteArray &password);

}  // namespace hlscam
