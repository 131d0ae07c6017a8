// hlscam: a self-hosted camera streaming service. Chooses the subcommand.
#include "Commands.h"

#include <QCoreApplication>
#include <QTextStream>

namespace {

const char *kUsage =
    "usage: hlscam <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve [--config FILE] [--listen ADDR:PORT] [--state-dir DIR] [--source SOURCE]\n"
    "                          run the service (SOURCE: auto, testpattern, /dev/videoN or a file)\n"
    "  users add NAME [--role viewer|admin]   add a user (password from stdin, or prompted)\n"
    "  users passwd NAME | remove NAME | list\n"
    "  bans list | unban ADDR  show banned addresses, or lift a ban\n"
    "  devices                 list V4L2 cameras, their formats and sizes\n"
    "  config check [--config FILE]           validate a configuration file\n"
    "  pattern [--size WxH] [--fps N] [--seconds N]  the stamped test pattern as raw yuv420p on stdout\n"
    "  version\n"
    "\n"
    "Run `hlscam <command> --help` for a command's options.\n";

}  // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("hlscam"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HLSCAM_VERSION));
    // Under systemd, stderr goes to the journal ($JOURNAL_STREAM is set): a "<N>" prefix gives
    // each line its syslog priority there (journald strips it from the message).
    const QString priority = qEnvironmentVariableIsSet("JOURNAL_STREAM")
                                 ? QStringLiteral("<%{if-debug}7%{endif}%{if-info}6%{endif}%{if-warning}4%{endif}"
                                                  "%{if-critical}3%{endif}%{if-fatal}2%{endif}>")
                                 : QString();
    qSetMessagePattern(priority + QStringLiteral("%{if-category}%{category}: %{endif}%{message}"));

    QStringList args = app.arguments().mid(1);
    const QString command = args.isEmpty() ? QString() : args.takeFirst();
    using namespace hlscam::app;
    if (command == QLatin1String("serve"))
        return serve(args);
    if (command == QLatin1String("users"))
        return users(args);
    if (command == QLatin1String("bans"))
        return bans(args);
    if (command == QLatin1String("devices"))
        return devices(args);
    if (command == QLatin1String("pattern"))
        return pattern(args);
    if (command == QLatin1String("config")) {
        if (!args.isEmpty() && args.first() == QLatin1String("check"))
            return configCheck(args.mid(1));
        const bool help = args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h"));
        QTextStream(help ? stdout : stderr) << "usage: hlscam config check [--config FILE]\n";
        return help ? kExitOk : kExitUsage;
    }
    if (command == QLatin1String("version") || command == QLatin1String("--version")) {
        QTextStream(stdout) << "hlscam " << HLSCAM_VERSION << "\n";
        return kExitOk;
    }
    if (command == QLatin1String("help") || command == QLatin1String("--help") || command == QLatin1String("-h")) {
        QTextStream(stdout) << kUsage;
        return kExitOk;
    }
    QTextStream(stderr) << (command.isEmpty() ? QString() : QStringLiteral("hlscam: unknown command '%1'\n").arg(command))
                        << kUsage;
    return kExitUsage;
}
