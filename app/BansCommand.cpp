// `hlscam bans list|unban ADDR`: reads and edits the bans file in the state directory; a running
// service picks the change up by itself. Run by root on the service user's files, it runs as that user.
#include "Commands.h"
#include "SettingsOptions.h"
#include "StateOwner.h"

#include "auth/BanStore.h"

#include <QDateTime>
#include <QFileInfo>
#include <QTextStream>

namespace hlscam::app {

namespace {
QString when(qint64 ms)
{
    return ms < 0 ? QStringLiteral("never") : QDateTime::fromMSecsSinceEpoch(ms).toString(Qt::ISODate);
}
}  // namespace

int bans(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("List bans, or lift one: list, unban ADDR."));
    addCommonOptions(parser);
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("list or unban"));
    parser.addPositionalArgument(QStringLiteral("address"), QStringLiteral("the banned IP address"));
    if (auto exit = parseOrExit(parser, args))
        return *exit;
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    const bool list = action == QLatin1String("list") && positional.size() == 1;
    const bool unban = action == QLatin1String("unban") && positional.size() == 2;
    if (!list && !unban) {
        err << "usage: hlscam bans list | unban ADDR\n";
        return kExitUsage;
    }
    const std::optional<Settings> settings = loadSettings(parser);
    if (!settings)
        return kExitUsage;
    BanStore store(bansFilePath(*settings), settings->bans);
    if (const QString e = becomeStateOwner(QFileInfo(store.path()).path()); !e.isEmpty()) {
        err << "hlscam: " << e << "\n";
        return kExitFailure;
    }
    if (QString e = store.load(); !e.isEmpty()) {
        err << "hlscam: " << e << "\n";
        return kExitFailure;
    }
    if (list) {
        const QList<BanInfo> bans = store.bans();
        if (bans.isEmpty())
            err << "hlscam: no address is banned\n";
        for (const BanInfo &b : bans)
            out << b.address << "  banned " << when(b.bannedAtMs) << "  until " << when(b.bannedUntilMs)
                << "  ban " << b.banCount << "\n";
        return kExitOk;
    }
    const QHostAddress address(positional.at(1));
    if (address.isNull()) {
        err << "hlscam: '" << positional.at(1) << "' is not an IP address\n";
        return kExitUsage;
    }
    QString error;
    const bool was = store.unban(address, QStringLiteral("lifted with `hlscam bans unban`"), &error);
    if (!error.isEmpty()) {
        err << "hlscam: " << error << "\n";
        return kExitFailure;
    }
    if (!was) {
        err << "hlscam: " << canonicalAddress(address).toString() << " is not banned\n";
        return kExitFailure;
    }
    err << "hlscam: unbanned " << canonicalAddress(address).toString() << "\n";
    return kExitOk;
}

}  // namespace hlscam::app
