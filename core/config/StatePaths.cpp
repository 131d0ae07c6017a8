#include "config/StatePaths.h"

#include <QDir>
#include <QFile>

#include <fcntl.h>
#include <sys/stat.h>
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

Error prepareStateDir(const Settings &settings)
{
    const QString dir = stateDir(settings);
    if (QDir(dir).exists())
        return {};
    if (!QDir().mkpath(dir))
        return {Fault::Io, QStringLiteral("cannot create the state directory %1").arg(dir)};
    // Owner-only; on the directory just made, not on what a link there would point at.
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        ::fchmod(fd, 0700);
        ::close(fd);
    }
    return {};
}

QString usersFilePath(const Settings &settings)
{
    if (!settings.auth.usersFile.isEmpty())
        return settings.auth.usersFile;
    return stateDir(settings) + QStringLiteral("/users");
}

QString bansFilePath(const Settings &settings) { return stateDir(settings) + QStringLiteral("/bans.json"); }

QString cameraOverridesPath(const Settings &settings) { return stateDir(settings) + QStringLiteral("/cameras.conf"); }

QString tokenKeyPath(const Settings &settings) { return stateDir(settings) + QStringLiteral("/token.key"); }

}  // namespace hlscam
