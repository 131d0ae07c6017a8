// hlscam: a self-hosted camera streaming service. Chooses the subcommand.
#include "Commands.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTextStream>

#include <unistd.h>
#include <cerrno>
#include <vector>

namespace {

const char *kUsage =
    "usage: hlscam <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve [--config FILE] [--listen ADDR:PORT] [--state-dir DIR] [--source SOURCE]\n"
    "                          run the service (SOURCE: auto, testpattern, /dev/videoN, rpicam,\n"
    "                          exec:COMMAND or a file)\n"
    "  users add NAME [--role viewer|admin] [--cameras LIST]   add a user (password from stdin,\n"
    "                          or prompted; LIST: the cameras it may see, e.g. cam0,garden)\n"
    "  users cameras NAME LIST|--all | passwd NAME | remove NAME | list\n"
    "  bans list | unban ADDR  show banned addresses, or lift a ban\n"
    "  devices                 list V4L2 cameras, their formats and sizes\n"
    "  config check [--config FILE]           validate a configuration file\n"
    "  pattern [--size WxH] [--fps N] [--seconds N]  the stamped test pattern as raw yuv420p on stdout\n"
    "  desktop                 the desktop app: preview and manage a board, or run one here\n"
    "                          (also what `hlscam` alone opens in a desktop session)\n"
    "  version\n"
    "\n"
    "Run `hlscam <command> --help` for a command's options.\n";

// hlscam-desktop beside this binary (a build tree, one install prefix), else on the PATH (the
// board's package in /usr/bin, the desktop app from a source install in /usr/local/bin).
QString desktopProgram()
{
    const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/hlscam-desktop");
    return QFileInfo(beside).isExecutable() ? beside : QStandardPaths::findExecutable(QStringLiteral("hlscam-desktop"));
}

// The desktop app is its own executable beside this one (it links Qt Quick and Multimedia; the
// service must not). Replaces this process; returns only when it cannot be started.
int startDesktop(const QStringList &args)
{
    const QString desktop = desktopProgram();
    if (desktop.isEmpty()) {
        QTextStream(stderr)
            << "hlscam: the desktop app is not installed (no hlscam-desktop beside hlscam or on the PATH; "
               "it is built when Qt Quick and Qt Multimedia are found, HLSCAM_GUI=ON)\n";
        return hlscam::app::kExitFailure;
    }
    std::vector<QByteArray> storage{QFile::encodeName(desktop)};
    for (const QString &a : args)
        storage.push_back(a.toLocal8Bit());
    std::vector<char *> argv;
    argv.reserve(storage.size() + 1);
    for (QByteArray &a : storage)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    QTextStream(stderr) << "hlscam: cannot start " << desktop << ": " << qt_error_string(errno) << "\n";
    return hlscam::app::kExitFailure;
}

bool inDesktopSession()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

}  // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("hlscam"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HLSCAM_VERSION));
    // Under systemd, stderr goes to the journal ($JOURNAL_STREAM is set): a "<N>" prefix gives
    // each line its syslog priority there (journald strips it from the message).
    const QString priority = qEnvironmentVariableIsSet("JOURNAL_STREAM")
                                 ? QStringLiteral(
                                       "<%{if-debug}7%{endif}%{if-info}6%{endif}%{if-warning}4%{endif}"
                                       "%{if-critical}3%{endif}%{if-fatal}2%{endif}>")
                                 : QString();
    qSetMessagePattern(priority + QStringLiteral("%{if-category}%{category}: %{endif}%{message}"));

    QStringList args = QCoreApplication::arguments().mid(1);
    const QString command = args.isEmpty() ? QString() : args.takeFirst();
    using namespace hlscam::app;
    if (command == QLatin1String("desktop"))
        return startDesktop(args);
    // `hlscam` alone, started from a desktop's menu or file manager, opens the app; in a
    // terminal it prints the usage as before.
    if (command.isEmpty() && inDesktopSession() && !::isatty(STDIN_FILENO) && !desktopProgram().isEmpty())
        return startDesktop(args);
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
    QTextStream(stderr) << (command.isEmpty() ? QString()
                                              : QStringLiteral("hlscam: unknown command '%1'\n").arg(command))
                        << kUsage;
    return kExitUsage;
}
