#include "auth/Authenticator.h"

#include "Logging.h"
#include "auth/BasicCredentials.h"
#include "auth/PasswordHash.h"

#include <QDateTime>
#include <QFileInfo>
#include <QPointer>

namespace hlscam {

QString outcomeName(AuthResult::Outcome o)
{
    switch (o) {
    case AuthResult::Outcome::Ok: return QStringLiteral("ok");
    case AuthResult::Outcome::NoCredentials: return QStringLiteral("no-credentials");
    case AuthResult::Outcome::Malformed: return QStringLiteral("malformed-credentials");
    case AuthResult::Outcome::UnknownUser: return QStringLiteral("unknown-user");
    case AuthResult::Outcome::WrongPassword: return QStringLiteral("wrong-password");
    case AuthResult::Outcome::BadToken: return QStringLiteral("bad-token");
    case AuthResult::Outcome::Busy: return QStringLiteral("busy");
    }
    return QStringLiteral("?");
}

Authenticator::Authenticator(const QString &usersFile, const QByteArray &tokenSecret, const AuthSettings &settings,
                             QObject *parent)
    : QObject(parent),
      m_path(usersFile),
      m_settings(settings),
      m_cache(settings.credentialCacheS, settings.credentialCacheSize),
      m_tokens(tokenSecret),
      m_dummyHash(hashPassword(UsersFile::generatePassword().toUtf8()))
{
    // Half the cores at most: the other half keeps encoding and serving.
    m_hashers.setMaxThreadCount(std::max(1, QThread::idealThreadCount() / 2));
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &Authenticator::reload);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &Authenticator::reload);
    reload();
}

Authenticator::~Authenticator() { m_hashers.waitForDone(); }

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
    if (const Error error = file.load()) {
        qCWarning(lcAuth).noquote() << error.message << "- keeping the users loaded before";
        return;
    }
    // Loading the same content again changes nothing (a directory event for another file).
    bool same = file.users().size() == m_users.size();
    for (qsizetype i = 0; same && i < m_users.size(); ++i)
        same = file.users()[i].name == m_users[i].name && file.users()[i].hash == m_users[i].hash &&
               file.users()[i].role == m_users[i].role && file.users()[i].cameras == m_users[i].cameras;
    if (same)
        return;
    for (const QString &e : file.errors())
        qCWarning(lcAuth).noquote() << e;
    for (const User &u : file.users()) {
        const HashScheme scheme = schemeOf(u.hash);
        if (isLegacy(scheme) && !m_warnedLegacy.contains(u.name.toUtf8() + ':' + u.hash)) {
            m_warnedLegacy.insert(u.name.toUtf8() + ':' + u.hash);
            qCWarning(lcAuth).noquote().nospace()
                << "WARNING: user '" << u.name << "' has a weak " << schemeName(scheme)
                << " password hash; it is replaced with yescrypt at the user's next successful login";
        }
    }
    m_users = file.users();
    m_cache.clear();
    qCInfo(lcAuth).noquote() << "loaded" << m_users.size() << "users from" << m_path;
    warnUnknownCameras();
    Q_EMIT usersChanged();
}

void Authenticator::setCameraNames(const QStringList &names)
{
    m_cameraNames = names;
    warnUnknownCameras();
}

void Authenticator::warnUnknownCameras()
{
    if (m_cameraNames.isEmpty())
        return;  // not known yet
    for (const User &u : std::as_const(m_users)) {
        for (const QString &camera : u.cameras.names) {
            const QString key = u.name + u'\n' + camera;
            if (m_cameraNames.contains(camera) || m_warnedCameras.contains(key))
                continue;
            m_warnedCameras.insert(key);
            qCWarning(lcAuth).noquote().nospace()
                << "user '" << u.name << "' may see camera '" << camera
                << "', which this service does not have (kept: a camera of that name would be theirs)";
        }
    }
}

const User *Authenticator::find(const QString &name) const
{
    for (const User &u : m_users)
        if (u.name == name)
            return &u;
    return nullptr;
}

void Authenticator::checkBasic(const QByteArray &authorization, QObject *context, Done done)
{
    AuthResult result;
    if (authorization.isEmpty())
        return done(result);  // NoCredentials: a challenge, not a failure
    result.outcome = AuthResult::Outcome::Malformed;
    const std::optional<BasicCredentials> credentials = decodeBasic(authorization);
    if (!credentials)
        return done(result);
    const QString name = credentials->name;
    const QByteArray password = credentials->password;
    result.user = name;

    const User *user = find(name);
    if (user && m_cache.contains(name, password)) {
        result.outcome = AuthResult::Outcome::Ok;
        result.role = user->role;
        result.cameras = user->access();
        return done(result);
    }
    const QByteArray digest = m_cache.digest(name, password);
    if (auto waiting = m_inFlight.find(digest); waiting != m_inFlight.end()) {
        waiting->append({QPointer<QObject>(context), done});  // the same check is running
        return;
    }
    // Checks waiting for a hasher past [auth] max_password_checks get Busy (503), not a queue
    // without bound.
    if (m_pending >= m_settings.maxPasswordChecks) {
        result.outcome = AuthResult::Outcome::Busy;
        return done(result);
    }
    // The slow part, off the event loop. Unknown names hash a dummy: the same time either way.
    const QByteArray hash = user ? user->hash : m_dummyHash;
    const bool known = user != nullptr;
    ++m_pending;
    m_inFlight.insert(digest, {{QPointer<QObject>(context), done}});
    m_hashers.start([this, digest, name, password, hash, known] {
        const bool ok = verifyPassword(password, hash) && known;
        const QByteArray upgraded = ok && isLegacy(schemeOf(hash)) ? hashPassword(password) : QByteArray();
        QMetaObject::invokeMethod(
            this,
            [this, digest, name, password, hash, known, ok, upgraded] {
                --m_pending;
                finishCheck(name, password, hash, ok, upgraded);
                AuthResult r;
                r.user = name;
                r.outcome = ok      ? AuthResult::Outcome::Ok
                            : known ? AuthResult::Outcome::WrongPassword
                                    : AuthResult::Outcome::UnknownUser;
                if (const User *u = find(name); ok && u) {
                    r.role = u->role;
                    r.cameras = u->access();
                } else if (ok) {
                    r.outcome = AuthResult::Outcome::UnknownUser;  // removed while being checked
                }
                for (const auto &[guard, callback] : m_inFlight.take(digest))
                    if (guard)  // else the connection went away meanwhile
                        callback(r);
            },
            Qt::QueuedConnection);
    });
}

void Authenticator::finishCheck(const QString &name, const QByteArray &password, const QByteArray &hash, bool ok,
                                const QByteArray &upgradedHash)
{
    const User *user = find(name);
    // Cache only what was checked against the hash the user still has.
    if (!ok || !user || user->hash != hash)
        return;
    m_cache.insert(name, password);
    if (!upgradedHash.isEmpty())
        upgradeHash(name, hash, upgradedHash);
}

void Authenticator::upgradeHash(const QString &name, const QByteArray &oldHash, const QByteArray &newHash)
{
    const Error error = UsersFile::update(m_path, [&](UsersFile &file, bool *save) -> Error {
        std::optional<User> u = file.find(name);
        if (!u || u->hash != oldHash) {
            *save = false;  // changed meanwhile by someone else: theirs wins
            return {};
        }
        u->hash = newHash;
        return file.addOrUpdate(*u);
    });
    if (!error)
        qCWarning(lcAuth).noquote().nospace() << "user '" << name << "': weak " << schemeName(schemeOf(oldHash))
                                              << " password hash replaced with yescrypt";
    else
        qCWarning(lcAuth).noquote().nospace()
            << "user '" << name << "': could not replace the weak password hash: " << error.message;
    reload();
}

AuthResult Authenticator::checkToken(const QByteArray &token, const QString &camera) const
{
    AuthResult result;
    result.outcome = AuthResult::Outcome::BadToken;
    TokenClaims claims;
    const auto hashOf = [this](const QString &name) -> std::optional<QByteArray> {
        const User *u = find(name);
        return u ? std::optional<QByteArray>(u->hash) : std::nullopt;
    };
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (m_tokens.verify(token, camera, now, hashOf, &claims) != UrlToken::Check::Ok)
        return result;
    const User *user = find(claims.user);
    result.outcome = AuthResult::Outcome::Ok;
    result.user = claims.user;
    // A token never grants more than its user has now: role, and cameras (a token for "*", or
    // one made before the user's cameras were narrowed, reaches only the user's cameras now).
    result.role = user->role == Role::Admin ? claims.role : Role::Viewer;
    result.cameras = user->access();
    return result;
}

QByteArray Authenticator::issueToken(const QString &user, const QString &camera, Role role, qint64 seconds) const
{
    const User *u = find(user);
    if (!u)
        return {};
    TokenClaims claims{user, camera, u->role == Role::Admin ? role : Role::Viewer,
                       QDateTime::currentSecsSinceEpoch() + seconds};
    return m_tokens.sign(claims, u->hash);
}

}  // namespace hlscam
