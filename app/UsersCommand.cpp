// `hlscam users add|passwd|remove|list`: edits the users file (atomically; a running service
// picks the change up by itself). Run by root on the service user's files, it runs as that user.
#include "Commands.h"
#include "SettingsOptions.h"
#include "StateOwner.h"

#include "auth/UserChange.h"
#include "auth/UsersFile.h"

#include <QFileInfo>
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

}  // namespace

int users(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Manage users: add NAME [--role viewer|admin], passwd NAME, remove NAME, list."));
    addCommonOptions(parser);
    parser.addOption({QStringLiteral("role"), QStringLiteral("viewer (default) or admin."), QStringLiteral("ROLE")});
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("add, passwd, remove or list"));
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("the user's name"));
    if (auto exit = parseOrExit(parser, args))
        return *exit;

    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    const QString name = positional.value(1);
    const bool needsName =
        action == QLatin1String("add") || action == QLatin1String("passwd") || action == QLatin1String("remove");
    if (!(needsName || action == QLatin1String("list")) || (needsName && name.isEmpty()) ||
        positional.size() > (needsName ? 2 : 1)) {
        err << "usage: hlscam users add NAME [--role viewer|admin] | passwd NAME | remove NAME | list\n";
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
    if (const Error e = becomeStateOwner(QFileInfo(file.path()).path())) {
        err << "hlscam: " << e.message << "\n";
        return kExitFailure;
    }
    if (const Error e = file.load()) {
        err << "hlscam: " << e.message << "\n";
        return kExitFailure;
    }
    const std::optional<User> existing = file.find(name);
    if (action == QLatin1String("list")) {
        for (const User &u : file.users())
            out << u.name << "  " << roleName(u.role) << "\n";
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
    std::optional<QString> password;
    if (action != QLatin1String("remove")) {
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
    const UserChangeResult result = applyUserChange(file.path(), change);
    if (!result.ok()) {
        err << "hlscam: " << result.message << "\n";
        return kExitFailure;
    }
    err << "hlscam: " << result.message << " in " << file.path() << "\n";
    return kExitOk;
}

}  // namespace hlscam::app
