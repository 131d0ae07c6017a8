// `hlscam users add|passwd|cameras|remove|list`: edits the users file (atomically; a running service
// picks the change up by itself). Run by root on the service user's files, it runs as that user.
#include "Commands.h"
#include "SettingsOptions.h"
#include "StateOwner.h"

#include "auth/UserChange.h"
#include "auth/UsersFile.h"

#include <QTextStream>

#include <termios.h>
#include <unistd.h>
#include <cstdio>
#include <iostream>
#include <string>

namespace hlscam::app {

namespace {

QString readLine(bool echo)
{
    termios saved{};
    const bool tty = isatty(STDIN_FILENO) && !echo && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::fputs("\n", stderr);
    }
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return QString::fromStdString(line);
}

// From standard input when it is not a terminal (one line); else prompted twice.
std::optional<QString> readPassword(QTextStream &err)
{
    if (!isatty(STDIN_FILENO)) {
        const QString password = readLine(true);
        if (password.isEmpty()) {
            err << "hlscam: no password on standard input (one line expected)\n";
            return std::nullopt;
        }
        return password;
    }
    err << "Password: " << Qt::flush;
    const QString first = readLine(false);
    err << "Again: " << Qt::flush;
    const QString second = readLine(false);
    if (first != second) {
        err << "hlscam: the passwords differ; nothing changed\n";
        return std::nullopt;
    }
    if (first.isEmpty()) {
        err << "hlscam: an empty password is not allowed\n";
        return std::nullopt;
    }
    return first;
}

// How `list` shows what a user may see.
QString describeCameras(const User &user)
{
    if (user.cameras.all)
        return QStringLiteral("(all cameras)");
    if (user.cameras.names.isEmpty())
        return QStringLiteral("(no camera: the cameras line is in error)");
    const QString names = user.cameras.names.join(u',');
    return user.role == Role::Admin ? names + QStringLiteral(" (an admin: sees every camera)") : names;
}

// Names in `cameras` that the config does not have: kept (cameras get renamed), said once here.
void warnUnknownCameras(const CameraAccess &cameras, const Settings &settings, QTextStream &err)
{
    QStringList known;
    for (const CameraSettings &camera : settings.cameras)
        known << camera.name;
    for (const QString &name : cameras.names)
        if (!known.contains(name))
            err << "hlscam: warning: this config has no camera '" << name << "' (cameras: " << known.join(u',')
                << "); kept in the list\n";
}

}  // namespace

int users(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Manage users: add NAME [--role viewer|admin] [--cameras LIST], passwd NAME, "
                       "cameras NAME LIST|--all, remove NAME, list."));
    addCommonOptions(parser);
    parser.addOption({QStringLiteral("role"), QStringLiteral("viewer (default) or admin."), QStringLiteral("ROLE")});
    parser.addOption({QStringLiteral("cameras"),
                      QStringLiteral("The cameras the new user may see, e.g. cam0,garden (default: all)."),
                      QStringLiteral("LIST")});
    parser.addOption({QStringLiteral("all"), QStringLiteral("With `cameras NAME`: the user may see every camera.")});
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("add, passwd, cameras, remove or list"));
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("the user's name"));
    parser.addPositionalArgument(QStringLiteral("cameras"), QStringLiteral("with `cameras`: e.g. cam0,garden"));
    if (auto exit = parseOrExit(parser, args))
        return *exit;

    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    const QString name = positional.value(1);
    const bool camerasAction = action == QLatin1String("cameras");
    const bool needsName = action == QLatin1String("add") || action == QLatin1String("passwd") ||
                           action == QLatin1String("remove") || camerasAction;
    // `cameras NAME` takes a list or --all, not both.
    const bool camerasArgsOk = !camerasAction || ((positional.size() == 3) != parser.isSet(QStringLiteral("all")));
    const qsizetype maxPositional = camerasAction ? 3 : needsName ? 2 : 1;
    if (!(needsName || action == QLatin1String("list")) || (needsName && name.isEmpty()) ||
        positional.size() > maxPositional || !camerasArgsOk) {
        err << "usage: hlscam users add NAME [--role viewer|admin] [--cameras LIST] | passwd NAME | cameras NAME "
               "LIST|--all | remove NAME | list\n";
        return kExitUsage;
    }
    std::optional<CameraAccess> cameras;
    if (parser.isSet(QStringLiteral("cameras")) || camerasAction) {
        if (parser.isSet(QStringLiteral("cameras")) && action != QLatin1String("add")) {
            err << "hlscam: --cameras goes with `users add`; for an existing user: hlscam users cameras NAME LIST\n";
            return kExitUsage;
        }
        if (camerasAction && parser.isSet(QStringLiteral("all"))) {
            cameras = CameraAccess::everyCamera();
        } else {
            const Result<CameraAccess> list =
                parseCameraList(camerasAction ? positional.value(2) : parser.value(QStringLiteral("cameras")));
            if (!list.ok()) {
                err << "hlscam: " << list.error().message << "\n";
                return kExitUsage;
            }
            cameras = list.value();
        }
    } else if (parser.isSet(QStringLiteral("all"))) {
        err << "hlscam: --all goes with `users cameras NAME`\n";
        return kExitUsage;
    }
    std::optional<Role> role = Role::Viewer;
    if (parser.isSet(QStringLiteral("role"))) {
        role = parseRole(parser.value(QStringLiteral("role")));
        if (!role || action != QLatin1String("add")) {
            err << "hlscam: --role takes viewer or admin, with `users add`\n";
            return kExitUsage;
        }
    }
    const std::optional<Settings> settings = loadSettings(parser);
    if (!settings)
        return kExitUsage;
    if (action != QLatin1String("list")) {
        if (const Error e = prepareStateDir(*settings)) {
            err << "hlscam: " << e.message << "\n";
            return kExitFailure;
        }
    }

    UsersFile file(usersFilePath(*settings));
    if (const Error e = loadAsStateOwner(file)) {
        err << "hlscam: " << e.message << "\n";
        return kExitFailure;
    }
    const std::optional<User> existing = file.find(name);
    if (action == QLatin1String("list")) {
        for (const User &u : file.users())
            out << u.name << "  " << roleName(u.role) << "  " << describeCameras(u) << "\n";
        return kExitOk;
    }
    if (action == QLatin1String("add") && existing) {
        err << "hlscam: user '" << name << "' exists already; use `hlscam users passwd " << name << "`\n";
        return kExitFailure;
    }
    if (action != QLatin1String("add") && !existing) {
        err << "hlscam: no user '" << name << "' in " << file.path() << "\n";
        return kExitFailure;
    }
    if (cameras)
        warnUnknownCameras(*cameras, *settings, err);
    std::optional<QString> password;
    if (action != QLatin1String("remove") && !camerasAction) {
        password = readPassword(err);
        if (!password)
            return kExitFailure;
    }
    UserChange change;
    change.kind = action == QLatin1String("add")      ? UserChange::Kind::Add
                  : action == QLatin1String("remove") ? UserChange::Kind::Remove
                                                      : UserChange::Kind::Update;
    change.name = name;
    change.password = password;
    if (change.kind == UserChange::Kind::Add)
        change.role = role;
    change.cameras = cameras;
    const UserChangeResult result = applyUserChange(file.path(), change);
    if (!result.ok()) {
        err << "hlscam: " << result.message << "\n";
        return kExitFailure;
    }
    err << "hlscam: " << result.message << " in " << file.path() << "\n";
    return kExitOk;
}

}  // namespace hlscam::app
