// Decides who a request is: HTTP Basic credentials checked against the users file (reloaded
// when it changes on disk), or a signed URL token. Slow password hashes run on a worker thread,
// so a flood of wrong passwords never stalls streaming; a successful check is cached. Weak
// legacy hashes are replaced with yescrypt at the user's next successful login.
#pragma once

#include "auth/CredentialCache.h"
#include "auth/UrlToken.h"
#include "auth/UsersFile.h"
#include "config/Settings.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QThreadPool>
#include <functional>

namespace hlscam {

struct AuthResult {
    enum class Outcome {
        Ok,
        NoCredentials,  // a challenge, not a failure
        Malformed,
        UnknownUser,
        WrongPassword,
        BadToken,  // malformed, forged, expired, for another camera, or of a removed user
        Busy,      // too many password checks waiting: try again (not a failure)
    };
    Outcome outcome = Outcome::NoCredentials;
    QString user;
    Role role = Role::Viewer;
    CameraAccess cameras = {};  // what the user may see now (none unless filled in)

    bool isFailure() const
    {
        return outcome != Outcome::Ok && outcome != Outcome::NoCredentials && outcome != Outcome::Busy;
    }
};
// "wrong-password", "bad-token", ...: the reason in the failure log line.
QString outcomeName(AuthResult::Outcome outcome);

class Authenticator : public QObject {
    Q_OBJECT
public:
    // `tokenSecret`: the key URL tokens are signed with (see UrlToken::loadOrCreateSecret);
    // `settings`: the credential cache, pending checks and token lifetimes.
    Authenticator(const QString &usersFile, const QByteArray &tokenSecret, const AuthSettings &settings = {},
                  QObject *parent = nullptr);
    ~Authenticator() override;

    using Done = std::function<void(const AuthResult &)>;
    // Checks an Authorization header's value (empty: none). Calls `done` at once when the
    // answer is known without hashing, else later from this object's thread; `context` going
    // away first cancels the call.
    void checkBasic(const QByteArray &authorization, QObject *context, Done done);
    // Checks a URL token for a camera's media.
    AuthResult checkToken(const QByteArray &token, const QString &camera) const;
    // A token for `user` (who must exist), valid for `seconds`.
    QByteArray issueToken(const QString &user, const QString &camera, Role role, qint64 seconds) const;

    void reload();
    // The service's cameras: a user's list naming another is kept (cameras get renamed) and
    // warned about once.
    void setCameraNames(const QStringList &names);
    const QStringList &cameraNames() const { return m_cameraNames; }
    int userCount() const { return int(m_users.size()); }
    const QList<User> &users() const { return m_users; }
    QString usersPath() const { return m_path; }
    const AuthSettings &settings() const { return m_settings; }

Q_SIGNALS:
    void usersChanged();

private:
    const User *find(const QString &name) const;
    void finishCheck(const QString &name, const QByteArray &password, const QByteArray &hash, bool ok,
                     const QByteArray &upgradedHash);
    void upgradeHash(const QString &name, const QByteArray &oldHash, const QByteArray &newHash);
    void watch();
    void warnUnknownCameras();

    QString m_path;
    AuthSettings m_settings;
    QList<User> m_users;
    CredentialCache m_cache;
    UrlToken m_tokens;
    QFileSystemWatcher m_watcher;
    QThreadPool m_hashers;
    int m_pending = 0;
    // Checks on the thread pool by credentials digest, with everyone waiting for their outcome:
    // a player that opens several connections at once (or 100 viewers behind one proxy login)
    // costs one hash, not one each nor a 503.
    QHash<QByteArray, QList<std::pair<QPointer<QObject>, Done>>> m_inFlight;
    QSet<QByteArray> m_warnedLegacy;  // name + hash, so each weak hash is announced once
    QStringList m_cameraNames;
    QSet<QString> m_warnedCameras;  // user + camera, so each unknown camera is announced once
    QByteArray m_dummyHash;         // verified for unknown names, so timing does not tell who exists
};

}  // namespace hlscam
