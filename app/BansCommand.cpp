// `hlscam bans list|unban ADDR`: reads and edits the bans file in the state directory; a running
// service picks the change up by itself. Run by root on the service user's files, it runs as that user.
#include "Commands.h"
#include "SettingsOptions.h"
#include "StateOwner.h"

#include "auth/BanStore.h"
#include "config/AddressRange.h"

#include <QDateTime>
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
    parser.setApplicationDescription(
        QStringLiteral("List bans, or lift one: list, unban ADDR (or an IPv6 network such as 2001:db8::/64)."));
    addCommonOptions(parser);
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("list or unban"));
    parser.addPositionalArgument(QStringLiteral("address"), QStringLiteral("the banned IP address or network"));
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
    if (const Error e = loadAsStateOwner(store)) {
        err << "hlscam: " << e.message << "\n";
        return kExitFailure;
    }
    if (list) {
        const QList<BanInfo> bans = store.bans();
        if (bans.isEmpty())
            err << "hlscam: no address is banned\n";
        for (const BanInfo &b : bans)
            out << b.address << "  banned " << when(b.bannedAtMs) << "  until " << when(b.bannedUntilMs) << "  ban "
                << b.banCount << "\n";
        return kExitOk;
    }
    // An address (lifts the ban of its IPv6 network too) or a network such as 2001:db8::/64.
    const QString &target = positional.at(1);
    const std::optional<QPair<QHostAddress, int>> range = parseAddressRange(target);
    if (!range) {
        err << "hlscam: '" << target << "' is not an IP address or network\n";
        return kExitUsage;
    }
    const Result<QStringList> unbanned =
        store.unban(range->first, range->second, QStringLiteral("lifted with `hlscam bans unban`"));
    if (!unbanned.ok()) {
        err << "hlscam: " << unbanned.error().message << "\n";
        return kExitFailure;
    }
    const QStringList &lifted = unbanned.value();
    if (lifted.isEmpty()) {
        err << "hlscam: " << (target.contains(u'/') ? target : store.key(range->first)) << " is not banned\n";
        return kExitFailure;
    }
    for (const QString &k : lifted)
        err << "hlscam: unbanned " << k << "\n";
    return kExitOk;
}

}  // namespace hlscam::app
