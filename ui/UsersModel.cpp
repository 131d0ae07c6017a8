#include "UsersModel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QUrl>

namespace hlscam::ui {

namespace {

// A name or address as one path segment: "/" or "?" in it must not reach another route.
QString segment(const QString &text) { return QString::fromLatin1(QUrl::toPercentEncoding(text)); }

// What the API takes for "cam0, garden" as typed: the names (the service checks them), or null
// for every camera when the field is empty.
QJsonValue camerasJson(const QString &typed)
{
    if (typed.trimmed().isEmpty())
        return QJsonValue(QJsonValue::Null);
    QJsonArray names;
    for (const QString &name : typed.split(u','))
        names.append(name.trimmed());
    return names;
}

QString camerasShown(const QString &typed)
{
    return typed.trimmed().isEmpty() ? QStringLiteral("every camera") : typed.trimmed();
}

}  // namespace

UsersModel::UsersModel(QObject *parent)
    : ApiModel(QStringLiteral("/users"), {QStringLiteral("name"), QStringLiteral("role"), QStringLiteral("cameras")},
               parent)
{}

void UsersModel::add(const QString &name, const QString &password, const QString &role, const QString &cameras)
{
    // The service checks names and passwords by its own rules; the app only refuses the obvious.
    if (name.trimmed().isEmpty())
        return fail(QStringLiteral("Enter a user name"));
    if (password.isEmpty())
        return fail(QStringLiteral("Enter a password for %1").arg(name));
    change("POST", QStringLiteral("/users"),
           QJsonObject{{QStringLiteral("name"), name.trimmed()},
                       {QStringLiteral("password"), password},
                       {QStringLiteral("role"), role},
                       {QStringLiteral("cameras"), camerasJson(cameras)}},
           QStringLiteral("Added %1 (%2, %3)").arg(name.trimmed(), role, camerasShown(cameras)));
}

void UsersModel::remove(const QString &name)
{
    change("DELETE", QStringLiteral("/users/") + segment(name), QJsonValue::Undefined,
           QStringLiteral("Removed %1").arg(name));
}

void UsersModel::setPassword(const QString &name, const QString &password)
{
    if (password.isEmpty())
        return fail(QStringLiteral("Enter the new password for %1").arg(name));
    change("PUT", QStringLiteral("/users/") + segment(name), QJsonObject{{QStringLiteral("password"), password}},
           QStringLiteral("Changed the password of %1").arg(name));
}

void UsersModel::setRole(const QString &name, const QString &role)
{
    change("PUT", QStringLiteral("/users/") + segment(name), QJsonObject{{QStringLiteral("role"), role}},
           QStringLiteral("%1 is now %2").arg(name, role));
}

void UsersModel::setCameras(const QString &name, const QString &cameras)
{
    change("PUT", QStringLiteral("/users/") + segment(name),
           QJsonObject{{QStringLiteral("cameras"), camerasJson(cameras)}},
           QStringLiteral("%1 may see %2").arg(name, camerasShown(cameras)));
}

BansModel::BansModel(QObject *parent)
    : ApiModel(QStringLiteral("/bans"),
               {QStringLiteral("address"), QStringLiteral("banned_at"), QStringLiteral("banned_until"),
                QStringLiteral("ban_count")},
               parent)
{}

void BansModel::unban(const QString &address)
{
    change("DELETE", QStringLiteral("/bans/") + segment(address), QJsonValue::Undefined,
           QStringLiteral("Unbanned %1").arg(address));
}

}  // namespace hlscam::ui
