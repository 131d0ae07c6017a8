// URL tokens as a stranger writes them: a token that parses names a valid user and camera, its
// claims sign into a token carrying the same payload, and that token verifies.
#include "FuzzCheck.h"
#include "auth/UrlToken.h"

using namespace hlscam;
using namespace hlscam::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    const std::optional<TokenClaims> claims = UrlToken::parse(input);
    if (!claims)
        return 0;
    check(!checkUserName(claims->user) && !claims->camera.isEmpty(), "user and camera are valid", input);
    check(claims->expiresS >= 0, "expiry is not negative", input);

    constexpr auto base64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
    const UrlToken tokens(QByteArray(32, 's'));
    const QByteArray hash = "$y$j9T$fuzz";
    const QByteArray signedToken = tokens.sign(*claims, hash);
    const auto payloadOf = [base64Url](const QByteArray &token) {
        return QByteArray::fromBase64Encoding(token.left(token.indexOf('.')), base64Url).decoded;
    };
    check(payloadOf(signedToken) == payloadOf(input), "the claims re-serialise to the same payload", input);
    const std::optional<TokenClaims> again = UrlToken::parse(signedToken);
    check(again && again->user == claims->user && again->camera == claims->camera && again->role == claims->role &&
              again->expiresS == claims->expiresS,
          "a signed token parses to its claims", input);
    TokenClaims verified;
    const auto hashOf = [&](const QString &) {
        return std::optional<QByteArray>(hash);
    };
    const QString camera = claims->camera == QLatin1String("*") ? QStringLiteral("cam0") : claims->camera;
    check(signedToken.size() > UrlToken::kMaxLength ||
              tokens.verify(signedToken, camera, claims->expiresS - 1, hashOf, &verified) == UrlToken::Check::Ok,
          "a signed token verifies", input);
    return 0;
}
