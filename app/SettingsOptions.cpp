#include "SettingsOptions.h"

#include "Commands.h"
#include "config/ConfigLoader.h"

#include <QFile>
#include <QTextStream>

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

QString configFileOf(const QCommandLineParser &parser)
{
    const QString path = parser.value(QStringLiteral("config"));
    return path.isEmpty() && QFile::exists(kSystemConfig) ? kSystemConfig : path;
}

std::optional<Settings> loadSettings(const QCommandLineParser &parser)
{
    const QString path = configFileOf(parser);
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

}  // namespace hlscam::app
