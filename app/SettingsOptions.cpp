#include "SettingsOptions.h"

#include "Commands.h"
#include "config/ConfigLoader.h"

#include <QDir>
#include <QFile>
#include <QTextStream>

#include <unistd.h>

namespace hlscam::app {

namespace {
const QString kSystemConfig = QStringLiteral("/etc/hlscam/hlscam.conf");
}

void addCommonOptions(QCommandLineParser &parser)
{
    parser.addHelpOption();
    parser.addOption({QStringLiteral("config"),
                      QStringLiteral("Configuration file (default: %1 when it exists).").arg(kSystemConfig),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("state-dir"),
                      QStringLiteral("Where users and bans are kept (overrides [paths] state_dir)."),
                      QStringLiteral("DIR")});
}

std::optional<int> parseOrExit(QCommandLineParser &parser, const QStringList &args)
{
    QStringList withProgram = args;
    withProgram.prepend(QStringLiteral("hlscam"));
    if (!parser.parse(withProgram)) {
        QTextStream(stderr) << "hlscam: " << parser.errorText() << "\n";
        return kExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return kExitOk;
    }
    return std::nullopt;
}

std::optional<Settings> loadSettings(const QCommandLineParser &parser)
{
    QString path = parser.value(QStringLiteral("config"));
    if (path.isEmpty() && QFile::exists(kSystemConfig))
        path = kSystemConfig;
    Settings settings;
    if (!path.isEmpty()) {
        ConfigResult result = loadConfigFile(path);
        if (!result.ok()) {
            QTextStream(stderr) << "hlscam: " << result.error->toString() << "\n";
            return std::nullopt;
        }
        settings = result.settings;
    }
    if (parser.isSet(QStringLiteral("state-dir")))
        settings.paths.stateDir = parser.value(QStringLiteral("state-dir"));
    return settings;
}

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

bool prepareStateDir(const Settings &settings)
{
    const QString dir = stateDir(settings);
    if (QDir(dir).exists())
        return true;
    if (!QDir().mkpath(dir)) {
        QTextStream(stderr) << "hlscam: cannot create the state directory " << dir << "\n";
        return false;
    }
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return true;
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

}  // namespace hlscam::app
