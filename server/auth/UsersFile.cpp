#include "auth/UsersFile.h"
#include "Limits.h"

#include "FileLock.h"
#include "StateFiles.h"
#include "Utf8.h"
#include "auth/PasswordHash.h"

#include <QHash>
#include <QRandomGenerator>
#include <QSet>

#include <algorithm>

namespace hlscam {

namespace {
constexpr QByteArrayView kRolePrefix = "#hlscam-role ";
constexpr QByteArrayView kCamerasPrefix = "#hlscam-cameras ";

QByteArray camerasLine(const QString &user, const QStringList &cameras)
{
    return QByteArray(kCamerasPrefix.data(), kCamerasPrefix.size()) + user.toUtf8() + ' ' + cameras.join(u',').toUtf8();
}

}  // namespace

Error checkCameraName(const QString &name)
{
    const auto allowed = [](QChar c) {
        return (c.unicode() < 128 && c.isLetterOrNumber()) || c == u'_' || c == u'-';
    };
    if (name.isEmpty() || name.size() > 32 || !std::all_of(name.cbegin(), name.cend(), allowed))
        return Error{Fault::Config,
                     QStringLiteral("'%1' is not a camera name (1 to 32 of A-Z a-z 0-9 _ -)").arg(name.left(40))};
    return {};
}

Result<CameraAccess> cameraListOf(const QStringList &names)
{
    if (names.isEmpty())
        return Error{Fault::Config, QStringLiteral("a camera list names at least one camera")};
    if (names.size() > limits::kCamerasPerUser)
        return Error{Fault::Config,
                     QStringLiteral("a camera list has at most %1 cameras").arg(limits::kCamerasPerUser)};
    CameraAccess out;
    QSet<QString> seen;
    for (const QString &name : names) {
        if (Error why = checkCameraName(name))
            return why;
        if (!seen.contains(name)) {
            seen.insert(name);
            out.names << name;
        }
    }
    return out;
}

Result<CameraAccess> parseCameraList(const QString &text)
{
    if (text.count(u',') >= limits::kCamerasPerUser)  // before splitting a huge line
        return Error{Fault::Config,
                     QStringLiteral("a camera list has at most %1 cameras").arg(limits::kCamerasPerUser)};
    return cameraListOf(text.split(u','));
}

Error checkUserName(const QString &name)
{
    const QByteArray utf8 = name.toUtf8();
    if (utf8.isEmpty() || utf8.size() > 64)
        return {Fault::Config, QStringLiteral("a user name has 1 to 64 bytes")};
    for (QChar c : name)
        if (c == u':' || c.isSpace() || !c.isPrint())
            return {Fault::Config, QStringLiteral("a user name has no ':', spaces or control characters")};
    return {};
}

UsersParseResult parseUsers(const QByteArray &text, const QString &fileName)
{
    UsersParseResult out;
    QHash<QString, int> lineOf;  // user -> line, for duplicates
    QList<std::pair<QString, Role>> roles;
    QHash<QString, std::pair<int, CameraAccess>> cameraLists;  // user -> (line, cameras)
    QSet<QString> brokenCameras;                               // users with a cameras line in error: they see no camera
    QList<QByteArray> lines = text.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();  // the break at the end of the last line
    for (int i = 0; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        // Every CR before the break: one kept would come back as part of the line break when
        // the file is rewritten and read again, and change the line (a hash) under its owner.
        while (line.endsWith('\r'))
            line.chop(1);
        const int number = i + 1;
        UsersLine &kept = out.lines.emplace_back(UsersLine{UsersLine::Kind::Other, {}, line});
        auto error = [&](const QString &message) {
            out.errors << QStringLiteral("%1:%2: %3").arg(fileName).arg(number).arg(message);
        };
        if (line.trimmed().isEmpty())
            continue;
        if (line.startsWith(kRolePrefix)) {
            const QList<QByteArray> words = line.mid(kRolePrefix.size()).simplified().split(' ');
            if (words.size() != 2 || (words[1] != "admin" && words[1] != "viewer")) {
                error(QStringLiteral("a role line is `#hlscam-role NAME admin|viewer`"));
            } else {
                roles.append({QString::fromUtf8(words[0]), words[1] == "admin" ? Role::Admin : Role::Viewer});
                kept = UsersLine{UsersLine::Kind::RoleEntry, roles.last().first, line};
            }
            continue;
        }
        if (line.startsWith(kCamerasPrefix)) {
            const QList<QByteArray> words = line.mid(kCamerasPrefix.size()).simplified().split(' ');
            const std::optional<QString> user = fromStrictUtf8(words.value(0));
            if (!user || checkUserName(*user)) {
                error(QStringLiteral("a cameras line is `#hlscam-cameras NAME cam0,garden`"));
                continue;
            }
            kept = UsersLine{UsersLine::Kind::CamerasEntry, *user, line};
            const Result<CameraAccess> list =
                words.size() == 2 ? parseCameraList(QString::fromUtf8(words[1]))
                                  : Result<CameraAccess>(Error{Fault::Config, QStringLiteral("not two words")});
            if (!list.ok()) {
                error(QStringLiteral("a cameras line is `#hlscam-cameras NAME cam0,garden`: %1; user '%2' sees no "
                                     "camera until it is mended")
                          .arg(list.error().message, *user));
                brokenCameras.insert(*user);
            } else if (cameraLists.contains(*user)) {
                error(QStringLiteral("user '%1' has a cameras line already, on line %2; the user sees no camera until "
                                     "one is removed")
                          .arg(*user)
                          .arg(cameraLists.value(*user).first));
                brokenCameras.insert(*user);
            } else {
                cameraLists.insert(*user, {number, list.value()});
            }
            continue;
        }
        if (line.startsWith('#'))
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon < 0) {
            error(QStringLiteral("not `name:hash` (no ':')"));
            continue;
        }
        const std::optional<QString> utf8Name = fromStrictUtf8(QByteArrayView(line).first(colon));
        if (!utf8Name) {
            error(QStringLiteral("the user name is not UTF-8"));  // it could never log in
            continue;
        }
        const QString &name = *utf8Name;
        const QByteArray hash = line.mid(colon + 1);
        if (const Error why = checkUserName(name)) {
            error(why.message);
            continue;
        }
        if (hash.isEmpty()) {
            error(QStringLiteral("user '%1' has no password hash").arg(name));
            continue;
        }
        if (schemeOf(hash) == HashScheme::Unsupported) {
            error(QStringLiteral("user '%1': %2").arg(name, describeUnsupported()));
            continue;
        }
        if (lineOf.contains(name)) {
            error(QStringLiteral("user '%1' is already on line %2").arg(name).arg(lineOf.value(name)));
            continue;
        }
        lineOf.insert(name, number);
        out.users.append(User{name, hash, Role::Viewer});
        kept = UsersLine{UsersLine::Kind::UserEntry, name, line};
    }
    for (const auto &[name, role] : roles)
        for (User &u : out.users)
            if (u.name == name)
                u.role = role;
    for (User &u : out.users) {
        if (brokenCameras.contains(u.name))
            u.cameras = CameraAccess{};  // fail closed: no camera
        else if (const auto list = cameraLists.constFind(u.name); list != cameraLists.cend())
            u.cameras = list->second;
    }
    return out;
}

QByteArray serializeUsers(const QList<User> &users, const QList<UsersLine> &lines)
{
    QHash<QString, QList<QByteArray>> camerasLines;  // as read, for users whose line is in error
    for (const UsersLine &line : lines)
        if (line.kind == UsersLine::Kind::CamerasEntry)
            camerasLines[line.name].append(line.text);
    const auto entry = [&camerasLines](const User &u) {
        QByteArray text = u.name.toUtf8() + ':' + u.hash + '\n';
        if (u.role == Role::Admin)
            text += QByteArray(kRolePrefix.data(), kRolePrefix.size()) + u.name.toUtf8() + " admin\n";
        if (!u.cameras.all && !u.cameras.names.isEmpty())
            text += camerasLine(u.name, u.cameras.names) + '\n';
        else if (!u.cameras.all)  // no camera: a line in error, kept as it was for its owner to mend
            for (const QByteArray &kept : camerasLines.value(u.name))
                text += kept + '\n';
        return text;
    };
    QHash<QString, const User *> byName;
    for (const User &u : users)
        byName.insert(u.name, &u);
    QByteArray out;
    QSet<QString> written;
    for (const UsersLine &line : lines) {
        switch (line.kind) {
        case UsersLine::Kind::Other: out += line.text + '\n'; break;
        case UsersLine::Kind::RoleEntry: break;  // written with its user's line
        case UsersLine::Kind::CamerasEntry:
            // Written with its user's line; without a user (whose line may be in error) kept.
            if (!byName.contains(line.name))
                out += line.text + '\n';
            break;
        case UsersLine::Kind::UserEntry:
            if (const User *u = byName.value(line.name)) {
                out += entry(*u);
                written.insert(u->name);
            }
            break;
        }
    }
    for (const User &u : users)
        if (!written.contains(u.name))
            out += entry(u);
    return out;
}

Error UsersFile::load()
{
    m_users.clear();
    m_errors.clear();
    m_lines.clear();
    const Result<std::optional<QByteArray>> read = readStateFile(m_path, limits::kUsersFileBytes);
    if (!read.ok())
        return read.error();
    if (!read.value())
        return {};
    UsersParseResult parsed = parseUsers(*read.value(), m_path);
    m_users = parsed.users;
    m_errors = parsed.errors;
    m_lines = parsed.lines;
    return {};
}

std::optional<User> UsersFile::find(const QString &name) const
{
    for (const User &u : m_users)
        if (u.name == name)
            return u;
    return std::nullopt;
}

Error UsersFile::addOrUpdate(const User &user)
{
    if (Error why = checkUserName(user.name))
        return why;
    if (schemeOf(user.hash) == HashScheme::Unsupported)
        return {Fault::Config, describeUnsupported()};
    if (!user.cameras.all) {
        // No camera at all only as read from a line in error (kept as it was); else a real list.
        const bool keptInError = std::any_of(m_lines.cbegin(), m_lines.cend(), [&](const UsersLine &l) {
            return l.kind == UsersLine::Kind::CamerasEntry && l.name == user.name;
        });
        if (!(user.cameras.names.isEmpty() && keptInError)) {
            const Result<CameraAccess> list = cameraListOf(user.cameras.names);
            if (!list.ok())
                return list.error();
        }
    }
    for (User &u : m_users) {
        if (u.name == user.name) {
            u = user;
            return {};
        }
    }
    m_users.append(user);
    return {};
}

bool UsersFile::remove(const QString &name)
{
    // Its cameras line goes too: one kept for a name without a user would limit a new user of
    // that name.
    m_lines.removeIf([&](const UsersLine &l) { return l.kind == UsersLine::Kind::CamerasEntry && l.name == name; });
    return m_users.removeIf([&](const User &u) { return u.name == name; }) > 0;
}

Error UsersFile::save() const { return writeFileAtomically(m_path, serializeUsers(m_users, m_lines)); }

Error UsersFile::update(const QString &path, const std::function<Error(UsersFile &, bool *save)> &change)
{
    FileLock lock(path);
    if (!lock.locked())
        return lock.error();
    UsersFile file(path);
    if (Error e = file.load())
        return e;
    bool save = true;
    if (Error e = change(file, &save))
        return e;
    return save ? file.save() : Error{};
}

QString UsersFile::generatePassword()
{
    static const char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    constexpr int kAlphabetSize = sizeof kAlphabet - 1;  // no 0/O, 1/l/I: easy to copy by hand
    QString password;
    for (int i = 0; i < 20; ++i)
        password += QLatin1Char(kAlphabet[QRandomGenerator::system()->bounded(kAlphabetSize)]);
    return password;
}

Result<std::optional<QString>> ensureAdmin(const QString &path)
{
    const QString password = UsersFile::generatePassword();
    bool created = false;
    const Error e = UsersFile::update(path, [&](UsersFile &file, bool *save) -> Error {
        if (!file.users().isEmpty() || !file.errors().isEmpty()) {
            *save = false;  // a file with (even broken) entries is the admin's: never overwrite it
            return {};
        }
        const QByteArray hash = hashPassword(password.toUtf8());
        if (hash.isEmpty())
            return {Fault::Other, QStringLiteral("hashing the first admin password failed")};
        if (Error added = file.addOrUpdate(User{QStringLiteral("admin"), hash, Role::Admin}))
            return added;
        created = true;
        return {};
    });
    if (e)
        return e;
    return created ? std::optional<QString>(password) : std::nullopt;
}

}  // namespace hlscam
