#include "auth/UserChange.h"
#include "Limits.h"

#include "auth/PasswordHash.h"

#include <algorithm>

namespace hlscam {

namespace {

using Outcome = UserChangeResult::Outcome;

int adminCount(const UsersFile &file)
{
    return int(
        std::count_if(file.users().cbegin(), file.users().cend(), [](const User &u) { return u.role == Role::Admin; }));
}

}  // namespace

QString roleName(Role role) { return role == Role::Admin ? QStringLiteral("admin") : QStringLiteral("viewer"); }

std::optional<Role> parseRole(const QString &text)
{
    if (text == QLatin1String("viewer"))
        return Role::Viewer;
    if (text == QLatin1String("admin"))
        return Role::Admin;
    return std::nullopt;
}

UserChangeResult applyUserChange(const QString &usersPath, const UserChange &change)
{
    using Kind = UserChange::Kind;
    if (const Error why = checkUserName(change.name))
        return {Outcome::Invalid, why.message};
    if (change.kind == Kind::Add && !change.password)
        return {Outcome::Invalid, QStringLiteral("a new user needs a password")};
    if (change.password && change.password->isEmpty())
        return {Outcome::Invalid, QStringLiteral("an empty password is not allowed")};
    if (change.password && change.password->size() > limits::kPasswordChars)
        return {Outcome::Invalid, QStringLiteral("a password is at most %1 characters").arg(limits::kPasswordChars)};
    if (change.kind == Kind::Update && !change.password && !change.role && !change.cameras)
        return {Outcome::Invalid, QStringLiteral("nothing to change: give a password, a role or cameras")};
    if (change.cameras && !change.cameras->all) {
        if (const Result<CameraAccess> list = cameraListOf(change.cameras->names); !list.ok())
            return {Outcome::Invalid, list.error().message};
    }

    QByteArray hash;
    if (change.password) {
        hash = hashPassword(change.password->toUtf8());
        if (hash.isEmpty())
            return {Outcome::Failed, QStringLiteral("hashing the password failed")};
    }
    UserChangeResult result;
    // Under the file's lock, on its current content: the service or another command may have
    // changed it meanwhile.
    const Error error = UsersFile::update(usersPath, [&](UsersFile &file, bool *) -> Error {
        const std::optional<User> now = file.find(change.name);
        if (change.kind == Kind::Add && now) {
            result = {Outcome::Exists, QStringLiteral("user '%1' exists already").arg(change.name)};
            return {Fault::Other, result.message};  // abandons the edit; `result` says why
        }
        if (change.kind != Kind::Add && !now) {
            result = {Outcome::NotFound, QStringLiteral("no user '%1'").arg(change.name)};
            return {Fault::Other, result.message};  // abandons the edit; `result` says why
        }
        const bool losesAdmin = now && now->role == Role::Admin &&
                                (change.kind == Kind::Remove || (change.role && *change.role != Role::Admin));
        if (losesAdmin && adminCount(file) == 1) {
            result = {Outcome::LastAdmin,
                      QStringLiteral("'%1' is the last admin: make another admin first").arg(change.name)};
            return {Fault::Other, result.message};  // abandons the edit; `result` says why
        }
        if (change.kind == Kind::Remove) {
            file.remove(change.name);
            result.message = QStringLiteral("removed user '%1'").arg(change.name);
            return {};
        }
        User user = now.value_or(User{change.name, {}, change.role.value_or(Role::Viewer)});
        if (!hash.isEmpty())
            user.hash = hash;
        if (change.role)
            user.role = *change.role;
        if (change.cameras)
            user.cameras = *change.cameras;
        result.message = change.kind == Kind::Add ? QStringLiteral("added user '%1'").arg(change.name)
                                                  : QStringLiteral("changed user '%1'").arg(change.name);
        return file.addOrUpdate(user);
    });
    if (error && result.ok())
        result = {Outcome::Failed, error.message};  // the file could not be read or written
    return result;
}

}  // namespace hlscam
