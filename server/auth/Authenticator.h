// Checks a request's HTTP Basic credentials against the users file, which it reloads when the
// file changes on disk (`hlscam users add` from another process replaces it by rename).
#pragma once

#include "auth/CredentialCache.h"
#include "auth/UsersFile.h"

#include <QFileSystemWatcher>
#include <QObject>

namespace hlscam {

struct AuthResult {
    enum class Outcome { Ok, NoCredentials, Malformed, UnknownUser, WrongPassword };
    Outcome outcome = Outcome::NoCredentials;
    QString user;
    Role role = Role::Viewer;
};

class Authenticator : public QObject {
    Q_OBJECT
public:
    explicit Authenticator(const QString &usersFile, QObject *parent = nullptr);

    // `authorization` is the Authorization header's value (empty when there is none).
    AuthResult check(const QByteArray &authorization);
    void reload();
    int userCount() const { return int(m_users.size()); }

Q_SIGNALS:
    void usersChanged();

private:
    void watch();

    QString m_path;
    QList<User> m_users;
    CredentialCache m_cache;
    QFileSystemWatcher m_watcher;
    QByteArray m_dummyHash;  // verified for unknown names, so timing does not tell who exists
};

}  // namespace hlscam
