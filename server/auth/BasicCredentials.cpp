#include "auth/BasicCredentials.h"

#include "Utf8.h"

namespace hlscam {

std::optional<BasicCredentials> decodeBasic(const QByteArray &authorization)
{
    const qsizetype space = authorization.indexOf(' ');
    if (space < 0 || authorization.left(space).compare("Basic", Qt::CaseInsensitive) != 0)
        return std::nullopt;
    if (authorization.size() - space > kMaxBasicCredentials * 4 / 3 + 8)
        return std::nullopt;
    const auto decoded =
        QByteArray::fromBase64Encoding(authorization.mid(space + 1).trimmed(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() > kMaxBasicCredentials)
        return std::nullopt;
    const qsizetype colon = decoded.decoded.indexOf(':');
    // A NUL would cut the password short inside crypt(): refuse it rather than truncate.
    if (colon <= 0 || decoded.decoded.contains('\0'))
        return std::nullopt;
    // RFC 7617 with charset="UTF-8" (our challenge says so): other bytes are not a name we know.
    const std::optional<QString> name = fromStrictUtf8(QByteArrayView(decoded.decoded).first(colon));
    if (!name)
        return std::nullopt;
    return BasicCredentials{*name, decoded.decoded.mid(colon + 1)};
}

QByteArray encodeBasic(const BasicCredentials &credentials)
{
    return "Basic " + (credentials.name.toUtf8() + ':' + credentials.password).toBase64();
}

}  // namespace hlscam
