// What the authentication unit tests log in with: a bcrypt hash made cheaply (as `htpasswd -B`
// writes, at the lowest cost), and the Authenticator's answer to a Basic header waited for.
#pragma once

#include "auth/Authenticator.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <crypt.h>
#include <optional>

inline QByteArray bcryptHash(const QByteArray &password)
{
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    crypt_gensalt_rn("$2y$", 4, nullptr, 0, setting, sizeof setting);  // cost 4: fast for tests
    crypt_data data{};
    return QByteArray(crypt_rn(password.constData(), setting, &data, sizeof data));
}

// Waits (10 s at most) for the answer to `header`, which comes at once or from the hashing thread
// through the event loop; Busy when none came.
inline hlscam::AuthResult checkBasicAndWait(hlscam::Authenticator &auth, const QByteArray &header)
{
    using hlscam::AuthResult;
    std::optional<AuthResult> result;
    QObject context;
    auth.checkBasic(header, &context, [&](const AuthResult &r) { result = r; });
    QElapsedTimer t;
    t.start();
    while (!result && t.elapsed() < 10000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    return result.value_or(AuthResult{AuthResult::Outcome::Busy, {}, {}});
}
