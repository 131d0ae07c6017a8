#include "auth/BanStore.h"

#include "FileLock.h"
#include "Logging.h"
#include "StateFiles.h"

#include <QDateTime>
#include <QFileInfo>

namespace hlscam {

namespace {
constexpr qint64 kMaxFileBytes = 16 * 1024 * 1024;

QString describeDuration(qint64 seconds)
{
    return seconds < 0 ? QStringLiteral("ever") : QStringLiteral("%1s").arg(seconds);
}

// Reads `path` into `list`; missing is empty. Error text when unreadable or not a bans file;
// *refused when the file is not one to touch at all (a link, ...).
QString readInto(const QString &path, BanList &list, bool *refused = nullptr)
{
    const StateFileRead read = readStateFile(path, kMaxFileBytes);
    if (refused)
        *refused = read.refused;
    if (read.status == StateFileRead::Status::Missing) {
        list.fromJson(R"({"version":1,"addresses":{}})");
        return {};
    }
    if (read.status == StateFileRead::Status::Failed)
        return read.error;
    if (QString e = list.fromJson(read.data); !e.isEmpty())
        return QStringLiteral("%1: %2").arg(path, e);
    return {};
}
}  // namespace

BanStore::BanStore(const QString &path, const BanSettings &settings, QObject *parent)
    : QObject(parent), m_path(path), m_list(settings)
{
}

qint64 BanStore::nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

QString BanStore::load()
{
    BanList fresh(m_list.settings());
    bool refused = false;
    const QString error = readInto(m_path, fresh, &refused);
    if (!error.isEmpty()) {
        // Keep what cannot be read for a person to look at; the next ban starts a new file. A
        // file refused as a link or the like stays where it is: writes refuse it too, loudly.
        const QString aside = m_path + QStringLiteral(".broken");
        if (!refused && moveStateFileAside(m_path, aside).isEmpty())
            return error + QStringLiteral(" (moved aside to %1; starting with no bans)").arg(aside);
        return error;  // the bans loaded before (none at start) stay
    }
    fresh.prune(nowMs());
    m_list = fresh;
    return error;
}

void BanStore::watch()
{
    const QString dir = QFileInfo(m_path).absolutePath();
    m_watcher.addPath(dir);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &BanStore::reloadFromDisk);
    m_expiry.setInterval(1000);
    connect(&m_expiry, &QTimer::timeout, this, &BanStore::liftExpired);
    m_expiry.start();
}

void BanStore::reloadFromDisk()
{
    BanList fresh(m_list.settings());
    if (QString error = readInto(m_path, fresh); !error.isEmpty()) {
        qCWarning(lcAuth).noquote() << error << "- keeping the bans loaded before";
        return;
    }
    // A ban lifted by `hlscam bans unban` in another process: say so here too.
    const qint64 now = nowMs();
    for (const BanInfo &b : m_list.bans(now))
        if (!fresh.isBanned(QHostAddress(b.address), now))
            qCInfo(lcAuth).noquote().nospace() << "unban " << b.address << ": lifted from the bans file";
    m_list = fresh;
}

void BanStore::liftExpired()
{
    const qint64 now = nowMs();
    bool any = false;
    for (const BanInfo &b : m_list.bans(now - 1000))
        if (b.bannedUntilMs > 0 && b.bannedUntilMs <= now) {
            qCInfo(lcAuth).noquote().nospace() << "unban " << b.address << ": ban expired";
            any = true;
        }
    // Writes only when something is due: a quiet service does not touch the disk.
    BanList copy = m_list;
    if (any || copy.prune(now))
        modify([now](BanList &list) { list.prune(now); });
}

bool BanStore::isBanned(const QHostAddress &address) const { return m_list.isBanned(address, nowMs()); }

QList<BanInfo> BanStore::bans() const { return m_list.bans(nowMs()); }

void BanStore::setSettings(const BanSettings &settings) { m_list.setSettings(settings); }

QString BanStore::modify(const std::function<void(BanList &)> &change)
{
    FileLock lock(m_path);
    BanList current(m_list.settings());
    QString error = lock.error();
    if (error.isEmpty())
        error = readInto(m_path, current);
    if (!error.isEmpty())
        current = m_list;  // cannot see the file: build on what this process knows
    change(current);
    current.prune(nowMs());
    if (error.isEmpty())
        error = writeFileAtomically(m_path, current.toJson());
    m_list = current;  // enforced in memory even when the disk refuses it
    if (error != m_lastWriteError && !error.isEmpty())
        qCCritical(lcAuth).noquote() << "bans not saved:" << error << "- they hold until the service stops";
    m_lastWriteError = error;
    return error;
}

BanList::Failure BanStore::recordFailure(const QHostAddress &address, const QString &reason)
{
    const QString who = BanList::key(address);
    BanList::Failure result;
    const qint64 now = nowMs();
    if (m_list.isIgnored(address)) {
        result = m_list.recordFailure(address, now);
    } else {
        modify([&](BanList &list) { result = list.recordFailure(address, now); });
    }
    // The stable line: "authentication failure from ADDR: REASON (N of MAXRETRY)".
    qCWarning(lcAuth).noquote().nospace()
        << "authentication failure from " << who << ": " << reason << " ("
        << (result.ignored ? QStringLiteral("ignoreip, never banned")
                           : QStringLiteral("%1 of %2").arg(result.failures).arg(m_list.settings().maxRetry))
        << ")";
    if (result.banned) {
        qCWarning(lcAuth).noquote().nospace()
            << "ban " << who << " for " << describeDuration(result.banSeconds) << " after "
            << m_list.settings().maxRetry << " failures within " << m_list.settings().findTimeS
            << "s (ban " << result.banCount << ")";
        Q_EMIT banned(canonicalAddress(address));
    }
    return result;
}

bool BanStore::unban(const QHostAddress &address, const QString &by, QString *error)
{
    bool was = false;
    const QString e = modify([&](BanList &list) { was = list.unban(address); });
    if (error)
        *error = e;
    if (was)
        qCInfo(lcAuth).noquote().nospace() << "unban " << BanList::key(address) << ": " << by;
    return was;
}

}  // namespace hlscam
