#include "auth/UrlToken.h"
#include "Limits.h"

#include "StateFiles.h"
#include "Utf8.h"

#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace hlscam {

namespace {
constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
constexpr int kSecretBytes = 32;
}  // namespace

Result<QByteArray> UrlToken::loadOrCreateSecret(const QString &path)
{
    // Only a missing key is made anew: one that cannot be read stays, and says why.
    const Result<std::optional<QByteArray>> read = readStateFile(path, limits::kTokenKeyFileBytes);
    if (!read.ok())
        return read.error();
    if (const std::optional<QByteArray> &existing = read.value()) {
        if (existing->size() == kSecretBytes)
            return *existing;
        return Error{Fault::Io, QStringLiteral("%1 is not a %2-byte key: remove it to make a new one (existing "
                                               "tokens stop working)")
                                    .arg(path)
                                    .arg(kSecretBytes)};
    }
    QByteArray key(kSecretBytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(key.data()), kSecretBytes / 4);
    if (Error e = writeFileAtomically(path, key))
        return e;
    return key;
}

QByteArray UrlToken::mac(const QByteArray &payload, const QByteArray &userHash) const
{
    QMessageAuthenticationCode code(QCryptographicHash::Sha256, m_secret);
    code.addData(payload);
    code.addData("\0", 1);
    code.addData(userHash);
    return code.result();
}

QByteArray UrlToken::sign(const TokenClaims &claims, const QByteArray &userHash) const
{
    const QByteArray payload = "1\n" + claims.user.toUtf8() + '\n' + claims.camera.toUtf8() + '\n' +
                               (claims.role == Role::Admin ? "admin" : "viewer") + '\n' +
                               QByteArray::number(claims.expiresS);
    return payload.toBase64(kBase64Url) + '.' + mac(payload, userHash).toBase64(kBase64Url);
}

std::optional<TokenClaims> UrlToken::parse(const QByteArray &token)
{
    if (token.size() > kMaxLength || token.count('.') != 1)
        return std::nullopt;
    const auto payload = QByteArray::fromBase64Encoding(token.left(token.indexOf('.')),
                                                        kBase64Url | QByteArray::AbortOnBase64DecodingErrors);
    if (!payload)
        return std::nullopt;
    const QList<QByteArray> fields = payload.decoded.split('\n');
    if (fields.size() != 5 || fields[0] != "1" || (fields[3] != "admin" && fields[3] != "viewer"))
        return std::nullopt;
    // One spelling per token: no leading zeros, names in UTF-8 as sign() writes them.
    static const QRegularExpression digits(QStringLiteral("^(?:0|[1-9][0-9]{0,11})\\z"));
    if (!digits.match(QString::fromLatin1(fields[4])).hasMatch())
        return std::nullopt;
    const std::optional<QString> user = fromStrictUtf8(fields[1]);
    const std::optional<QString> camera = fromStrictUtf8(fields[2]);
    if (!user || !camera)
        return std::nullopt;
    TokenClaims c;
    c.user = *user;
    c.camera = *camera;
    c.role = fields[3] == "admin" ? Role::Admin : Role::Viewer;
    c.expiresS = fields[4].toLongLong();
    if (checkUserName(c.user) || c.camera.isEmpty())
        return std::nullopt;
    return c;
}

bool UrlToken::signatureMatches(const QByteArray &token, const QByteArray &userHash) const
{
    const qsizetype dot = token.indexOf('.');
    const auto payload = QByteArray::fromBase64Encoding(token.left(dot), kBase64Url);
    const auto given =
        QByteArray::fromBase64Encoding(token.mid(dot + 1), kBase64Url | QByteArray::AbortOnBase64DecodingErrors);
    if (!given || given.decoded.size() != 32)
        return false;
    const QByteArray expected = mac(payload.decoded, userHash);
    unsigned char diff = 0;
    for (int i = 0; i < 32; ++i)
        diff |= static_cast<unsigned char>(expected[i] ^ given.decoded[i]);
    return diff == 0;
}

}  // namespace hlscam
