// Signed, expiring URL tokens for players that cannot send an Authorization header (VLC links,
// the desktop preview, a caching proxy): /cam/NAME/index.m3u8?token=T. A token names a user, a
// camera (or * for all), a role and an expiry, and carries an HMAC-SHA256 over them and the user's
// current password hash under the service's secret key, so changing the password or removing the
// user revokes every token of that user. Tokens open media only, never the admin API.
#pragma once

#include "Limits.h"
#include "auth/UsersFile.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace hlscam {

struct TokenClaims {
    QString user;
    QString camera;  // a camera name, or "*"
    Role role = Role::Viewer;
    qint64 expiresS = 0;  // seconds since the epoch
};

class UrlToken {
public:
    static constexpr int kMaxLength = limits::kUrlTokenBytes;

    explicit UrlToken(const QByteArray &secret)
        : m_secret(secret)
    {}

    // The key in `path` (32 random bytes), created owner-only when missing; Fault::Io when it can
    // be neither read nor created.
    static Result<QByteArray> loadOrCreateSecret(const QString &path);

    QByteArray sign(const TokenClaims &claims, const QByteArray &userHash) const;

    enum class Check { Ok, Malformed, BadSignature, Expired, WrongCamera };
    // Claims are read before the signature is checked only to find the user's hash; nothing in
    // them is trusted unless the result is Ok. `hashOf` returns nullopt for an unknown user.
    template <typename HashOf>
    Check verify(const QByteArray &token, const QString &camera, qint64 nowS, HashOf hashOf, TokenClaims *claims) const
    {
        const std::optional<TokenClaims> c = parse(token);
        if (!c)
            return Check::Malformed;
        const std::optional<QByteArray> hash = hashOf(c->user);
        if (!hash || !signatureMatches(token, *hash))
            return Check::BadSignature;
        if (c->expiresS <= nowS)
            return Check::Expired;
        if (c->camera != QLatin1String("*") && c->camera != camera)
            return Check::WrongCamera;
        *claims = *c;
        return Check::Ok;
    }

    static std::optional<TokenClaims> parse(const QByteArray &token);

private:
    QByteArray mac(const QByteArray &payload, const QByteArray &userHash) const;
    bool signatureMatches(const QByteArray &token, const QByteArray &userHash) const;

    QByteArray m_secret;
};

}  // namespace hlscam
