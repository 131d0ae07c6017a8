// The users file, in htpasswd format so an existing .htpasswd can be brought along:
//
//   alice:$y$j9T$...           one user per line, name:hash
//   #hlscam-role alice admin   a role, in a comment line that Apache's htpasswd leaves alone
//   #hlscam-cameras alice cam0,garden   the cameras a user may see, in the same kind of line
//
// Users without a role line are viewers; users without a cameras line may see every camera. Other comments and blank
// lines are ignored, and kept when the file is rewritten. A bad line is skipped with an error naming the file and line
// (fail closed: that user cannot log in) and kept as it was, for its owner to mend.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

#include "Error.h"

namespace hlscam {

enum class Role { Viewer, Admin };

// The cameras a user may see: every camera, or the ones named. Empty by default (none): an access
// nobody filled in opens nothing. Admins see every camera whatever their list says.
struct CameraAccess {
    bool all = false;
    QStringList names;  // when not all; in the order given, without repeats

    static CameraAccess everyCamera() { return {true, {}}; }
    bool allows(const QString &camera) const { return all || names.contains(camera); }
    bool operator==(const CameraAccess &) const = default;
};

// A list as the users file and `hlscam users` take it ("cam0,garden": camera names separated by
// commas, at most limits::kCamerasPerUser); a Fault::Config error that says what is wrong.
Result<CameraAccess> parseCameraList(const QString &text);
// The same from a list of names (the API's JSON array).
Result<CameraAccess> cameraListOf(const QStringList &names);
// Why a camera name is not allowed, or empty (the config's rule for camera names).
Error checkCameraName(const QString &name);

struct User {
    QString name;
    QByteArray hash;
    Role role = Role::Viewer;
    CameraAccess cameras = CameraAccess::everyCamera();  // no cameras line: every camera

    // What the user may see now: an admin every camera, a viewer the list.
    CameraAccess access() const { return role == Role::Admin ? CameraAccess::everyCamera() : cameras; }
};

// One line of the file as read, so that a rewrite keeps what it does not manage (comments,
// blank lines, lines in error) where they were.
struct UsersLine {
    enum class Kind { Other, UserEntry, RoleEntry, CamerasEntry };
    Kind kind = Kind::Other;
    QString name;     // the user of a UserEntry, RoleEntry or CamerasEntry
    QByteArray text;  // the line as read, without its line break
};

struct UsersParseResult {
    QList<User> users;
    QStringList errors;  // "FILE:LINE: message"
    QList<UsersLine> lines;
};

UsersParseResult parseUsers(const QByteArray &text, const QString &fileName);
// The file's text for `users`: each user's line (and role and cameras lines) where it was in
// `lines`, other lines kept as they were, removed users gone, new users at the end. A cameras line
// in error stays as it was (its user sees no camera until it is mended or replaced), and so does
// the cameras line of a name with no user (its user line may be in error: mending it must not
// open every camera).
QByteArray serializeUsers(const QList<User> &users, const QList<UsersLine> &lines = {});
// Fault::Config saying why a name is not allowed, or no error: 1-64 bytes of printable UTF-8, no
// ':' or whitespace.
Error checkUserName(const QString &name);

class UsersFile {
public:
    explicit UsersFile(const QString &path)
        : m_path(path)
    {}

    QString path() const { return m_path; }
    // Reads the file (a missing file is no users); fails with Fault::Io. Malformed lines are in
    // errors() and their users left out.
    Error load();
    const QList<User> &users() const { return m_users; }
    const QStringList &errors() const { return m_errors; }
    std::optional<User> find(const QString &name) const;
    Error addOrUpdate(const User &user);  // Fault::Config for a bad name, hash or camera list
    bool remove(const QString &name);     // with the user's role and cameras lines
    // Writes the whole file atomically (temp file, fsync, rename, fsync of the directory),
    // readable by its owner only. Fails with Fault::Io.
    Error save() const;

    static QString generatePassword();

    // A locked read-modify-write of the file at `path`: `change` edits the freshly loaded users
    // and returns an Error to abandon the edit, or none to save; it may clear *save when there
    // turned out to be nothing to change. Returns its Error, or why the file could not be locked,
    // read or written (Fault::Io).
    static Error update(const QString &path, const std::function<Error(UsersFile &, bool *save)> &change);

private:
    QString m_path;
    QList<User> m_users;
    QStringList m_errors;
    QList<UsersLine> m_lines;
};

// On a first start: when the file has no users, creates `admin` (role admin) with a random
// password and returns it, to be shown once; nullopt when users exist. Fails with Fault::Io.
Result<std::optional<QString>> ensureAdmin(const QString &path);

}  // namespace hlscam
