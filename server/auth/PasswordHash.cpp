#include "auth/PasswordHash.h"

#include <crypt.h>

#include <memory>

namespace hlscam {

HashScheme schemeOf(const QByteArray &hash)
{
    if (hash.startsWith("$y$"))
        return HashScheme::Yescrypt;
    if (hash.startsWith("$2y$") || hash.startsWith("$2b$") || hash.startsWith("$2a$"))
        return HashScheme::Bcrypt;
    return HashScheme::Unsupported;
}

QString describeUnsupported(const QByteArray &hash)
{
    QString scheme;
    if (hash.startsWith("{SHA}"))
        scheme = QStringLiteral("{SHA} (unsalted SHA-1)");
    else if (hash.startsWith("$apr1$") || hash.startsWith("$1$"))
        scheme = QStringLiteral("MD5 crypt");
    else if (hash.startsWith("$5$") || hash.startsWith("$6$"))
        scheme = QStringLiteral("SHA-crypt");
    else if (hash.size() == 13)
        scheme = QStringLiteral("DES crypt");
    else
        scheme = QStringLiteral("an unknown scheme (or a plain-text password)");
    return QStringLiteral("%1 is refused; set a new password with `hlscam users passwd NAME`").arg(scheme);
}

QByteArray hashPassword(const QByteArray &password)
{
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    // nullptr random bytes: libxcrypt draws the salt from the OS's entropy itself.
    if (!crypt_gensalt_rn("$y$", 0, nullptr, 0, setting, sizeof setting))
        return {};
    auto data = std::make_unique<crypt_data>();
    const char *hash = crypt_rn(password.constData(), setting, data.get(), sizeof(crypt_data));
    if (!hash || hash[0] == '*')
        return {};
    return QByteArray(hash);
}

bool verifyPassword(const QByteArray &password, const QByteArray &hash)
{
    if (schemeOf(hash) == HashScheme::Unsupported)
        return false;
    auto data = std::make_unique<crypt_data>();
    const char *computed = crypt_rn(password.constData(), hash.constData(), data.get(), sizeof(crypt_data));
    if (!computed || computed[0] == '*')
        return false;
    const qsizetype n = qstrlen(computed);
    if (n != hash.size())
        return false;
    unsigned char diff = 0;  // compare every byte: timing must not tell how much matched
    for (qsizetype i = 0; i < n; ++i)
        diff |= static_cast<unsigned char>(computed[i] ^ hash[i]);
    return diff == 0;
}

}  // namespace hlscam
