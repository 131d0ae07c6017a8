// One change to the users file, as `hlscam users` and the admin API make it: add a user, change
// a password, a role or the cameras a user may see, remove a user. Checked and applied under the
// file's lock on its current content; the last admin can be neither removed nor demoted, so the
// service always has someone who can manage it.
#pragma once

#include "auth/UsersFile.h"

#include <QString>
#include <optional>

namespace hlscam {

struct UserChange {
    enum class Kind { Add, Update, Remove };
    Kind kind = Kind::Add;
    QString name;
    std::optional<QString> password;                     // Add: required; Update: optional
    std::optional<Role> role;                            // Add: default viewer; Update: optional
    std::optional<CameraAccess> cameras = std::nullopt;  // Add: default every camera; Update: optional
};

struct UserChangeResult {
    enum class Outcome { Done, Invalid, NotFound, Exists, LastAdmin, Failed };
    Outcome outcome = Outcome::Done;
    QString message;  // for a person: what is wrong, or what was done
    bool ok() const { return outcome == Outcome::Done; }
};

// Hashes the password (yescrypt: some 20 ms) before taking the lock.
UserChangeResult applyUserChange(const QString &usersPath, const UserChange &change);

QString roleName(Role role);
std::optional<Role> parseRole(const QString &text);

}  // namespace hlscam
