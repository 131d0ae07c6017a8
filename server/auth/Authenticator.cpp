#include "auth/Authenticator.h"

#include "Logging.h"
#include "auth/PasswordHash.h"

#include <QFileInfo>

namespace hlscam {

namespace {
constexpr qsizetype kMaxCredentials = 1024;  // decoded "name:password"
}

Authenticator::Authenticator(const QString &usersFile, QObject *parent)
    : QObject(parent), m_path(usersFile), m_dummyHash(hashPassword(UsersFile::generatePassword().toUtf8()))
{
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &Authenticator::reload);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &Authenticator::reload);
    reload();
}

void Authenticator::watch()
{
    // A file replaced by rename is a new inode: watch the directory, and the file again.
    const QString dir = QFileInfo(m_path).absolutePath();
    if (!m_watcher.directories().contains(dir))
        m_watcher.addPath(dir);
    if (QFileInfo::exists(m_path) && !m_watcher.files().contains(m_path))
        m_watcher.addPath(m_path);
}

void Authenticator::reload()
{
    watch();
    UsersFile file(m_path);
    if (QString error = file.load(); !error.isEmpty()) {
        qCWarning(lcAuth).noquote() << error << "- keeping the users loaded before";
        return;
    }
    // Loading the same content again changes nothing (a directory event for another file).
    bool same = file.users().size() == m_users.size();
    for (qsizetype i = 0; same && i < m_users.size(); ++i)
        same = file.users()[i].name == m_users[i].name && file.users()[i].hash == m_users[i].hash &&
               file.users()[i].role == m_users[i].role;
    if (same)
        return;
    for (const QString &e : file.errors())
        qCWarning(lcAuth).noquote() << e;
    m_users = file.users();
    m_cache.clear();
    qCInfo(lcAuth).noquote() << "loaded" << m_users.size() << "users from" << m_path;
    Q_EMIT usersChanged();
}

AuthResult Authenticator::check(const QByteArray &authorization)
{
    AuthResult result;
    if (authorization.isEmpty())
        return result;  // NoCredentials: a challenge, not a failure
    result.outcome = AuthResult::Outcome::Malformed;
    const qsizetype space = authorization.indexOf(' ');
    if (space < 0 || authorization.left(space).compare("Basic", Qt::CaseInsensitive) != 0)
        return result;
    if (authorization.size() - space > kMaxCredentials * 4 / 3 + 8)
        return result;
    const auto decoded = QByteArray::fromBase64Encoding(authorization.mid(space + 1).trimmed(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() > kMaxCredentials)
        return result;
    const qsizetype colon = decoded.decoded.indexOf(':');
    // A NUL would cut the password short inside crypt(): refuse it rather than truncate.
    if (colon <= 0 || decoded.decoded.contains('\0'))
        return result;
    const QString name = QString::fromUtf8(decoded.decoded.left(colon));
    const QByteArray password = decoded.decoded.mid(colon + 1);
    result.user = name;

    const User *user = nullptr;
    for (const User &u : std::as_const(m_users))
        if (u.name == name)
            user = &u;
    if (!user) {
        verifyPassword(password, m_dummyHash);
        result.outcome = AuthResult::Outcome::UnknownUser;
        return result;
    }
    if (!m_cache.contains(name, password)) {
        if (!verifyPassword(password, user->hash)) {
            result.outcome = AuthResult::Outcome::WrongPassword;
            return result;
        }
        m_cache.insert(name, password);
    }
    result.outcome = AuthResult::Outcome::Ok;
    result.role = user->role;
    return result;
}

}  // namespace hlscam
