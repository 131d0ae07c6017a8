// `hlscam config check`: validates a configuration file without starting anything.
#include "Commands.h"
#include "SettingsOptions.h"

#include <QTextStream>

namespace hlscam::app {

int configCheck(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Validate a configuration file."));
    addCommonOptions(parser);
    if (auto exit = parseOrExit(parser, args))
        return *exit;
    const std::optional<Settings> settings = loadSettings(parser);
    if (!settings)
        return kExitUsage;
    QTextStream out(stdout);
    const QString file = parser.value(QStringLiteral("config"));
    out << (file.isEmpty() ? QStringLiteral("built-in defaults") : file) << ": ok, " << settings->cameras.size()
        << (settings->cameras.size() == 1 ? " camera" : " cameras") << ", state in " << stateDir(*settings) << "\n";
    return kExitOk;
}

}  // namespace hlscam::app
