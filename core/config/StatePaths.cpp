#include "config/StatePaths.h"

#include <QDir>
#include <QFile>

#include <unistd.h>

namespace hlscam {

QString stateDir(const Settings &settings)
{
    if (!settings.paths.stateDir.isEmpty())
        return settings.paths.stateDir;
    // systemd's StateDirectory= sets this; a root service uses the FHS place; a user, XDG's.
    const QString systemd = qEnvironmentVariable("STATE_DIRECTORY");
    if (!systemd.isEmpty())
        return systemd.split(QLatin1Char(':')).first();
    if (::geteuid() == 0)
        return QStringLiteral("/var/lib/hlscam");
    QString xdg = qEnvironmentVariable("XDG_STATE_HOME");
    if (xdg.isEmpty())
        xdg = QDir::homePath() + QStringLiteral("/.local/state");
    return xdg + QStringLiteral("/hlscam");
}

QString prepareStateDir(const Settings &settings)
{
    const QString dir = stateDir(settings);
    if (QDir(dir).exists())
        return {};
    if (!QDir().mkpath(dir))
        return QStringLiteral("cannot create the state directory %1").arg(dir);
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return {};
}

QString usersFilePath(const Settings &settings)
{
    if (!settings.auth.usersFile.isEmpty())
        return settings.auth.usersFile;
    return stateDir(settings) + QStringLiteral("/users");
}

QString bansFilePath(const Settings &settings)
{
    return stateDir(settings) + QStringLiteral("/bans.json");
}

QString cameraOverridesPath(const Settings &settings)
{
    return stateDir(settings) + QStringLiteral("/cameras.conf");
}

QString tokenKeyPath(const Settings &settings)
{
    return stateDir(settings) + QStringLiteral("/token.key");
}

}  // namespace hlscam
