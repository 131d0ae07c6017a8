#include "auth/PasswordHash.h"

#include "auth/LegacyHash.h"

#include <crypt.h>

#include <QRegularExpression>
#include <memory>

namespace hlscam {

namespace {

bool sameBytes(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;  // compare every byte: timing must not tell how much matched
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

QByteArray libxcrypt(const QByteArray &password, const QByteArray &setting)
{
    auto data = std::make_unique<crypt_data>();
    const char *out = crypt_rn(password.constData(), setting.constData(), data.get(), sizeof(crypt_data));
    if (!out || out[0] == '*')
        return {};
    return QByteArray(out);
}

}  // namespace

HashScheme schemeOf(const QByteArray &hash)
{
    static const QRegularExpression des(QStringLiteral("^[./0-9A-Za-z]{13}$"));
    if (hash.startsWith("$y$"))
        return HashScheme::Yescrypt;
    if (hash.startsWith("$2y$") || hash.startsWith("$2b$") || hash.startsWith("$2a$"))
        return HashScheme::Bcrypt;
    if (hash.startsWith("$5$") || hash.startsWith("$6$"))
        return HashScheme::ShaCrypt;
    if (hash.startsWith("$1$"))
        return HashScheme::Md5Crypt;
    if (hash.startsWith("$apr1$"))
        return HashScheme::Apr1;
    if (hash.startsWith("{SHA}") && hash.size() == 33)
        return HashScheme::Sha1;
    // Indistinguishable from a 13-character plain-text password; htpasswd has the same ambiguity.
    if (des.match(QString::fromLatin1(hash)).hasMatch())
        return HashScheme::DesCrypt;
    return HashScheme::Unsupported;
}

bool isLegacy(HashScheme scheme)
{
    return scheme != HashScheme::Yescrypt && scheme != HashScheme::Bcrypt && scheme != HashScheme::Unsupported;
}

QString schemeName(HashScheme scheme)
{
    switch (scheme) {
    case HashScheme::Yescrypt: return QStringLiteral("yescrypt");
    case HashScheme::Bcrypt: return QStringLiteral("bcrypt");
    case HashScheme::ShaCrypt: return QStringLiteral("SHA-crypt ($5$/$6$)");
    case HashScheme::Md5Crypt: return QStringLiteral("MD5-crypt ($1$)");
    case HashScheme::Apr1: return QStringLiteral("Apache MD5 ($apr1$)");
    case HashScheme::Sha1: return QStringLiteral("unsalted SHA-1 ({SHA})");
    case HashScheme::DesCrypt: return QStringLiteral("DES crypt");
    case HashScheme::Unsupported: break;
    }
    return QStringLiteral("unknown");
}

QString describeUnsupported()
{
    return QStringLiteral(
        "the password is in plain text or an unknown scheme, and is refused; "
        "set it with `hlscam users passwd NAME`");
}

QByteArray hashPassword(const QByteArray &password)
{
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    // nullptr random bytes: libxcrypt draws the salt from the OS's entropy itself.
    if (!crypt_gensalt_rn("$y$", 0, nullptr, 0, setting, sizeof setting))
        return {};
    return libxcrypt(password, setting);
}

bool verifyPassword(const QByteArray &password, const QByteArray &hash)
{
    switch (schemeOf(hash)) {
    case HashScheme::Unsupported: return false;
    case HashScheme::Apr1: return sameBytes(apr1Crypt(password, hash), hash);
    case HashScheme::Sha1: return sameBytes(sha1Htpasswd(password), hash);
    default: return sameBytes(libxcrypt(password, hash), hash);
    }
}

}  // namespace hlscam
