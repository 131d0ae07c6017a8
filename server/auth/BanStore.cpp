#include "auth/BanStore.h"

#include "Logging.h"

#include <QDateTime>
#include "StateFiles.h"

#include <QFileInfo>

#include <algorithm>

namespace hlscam {

namespace {
// At most one write of the bans file this often while changes come in: a flood of bans costs
// a few writes a second, not one each. The first change after a quiet spell is written at once.
constexpr int kMinWriteGapMs = 250;
// After a failed write (disk full, lock refused), the next try.
constexpr int kRetryMs = 1000;

QString describeDuration(qint64 seconds)
{
    return seconds < 0 ? QStringLiteral("ever") : QStringLiteral("%1s").arg(seconds);
}
}  // namespace

BanStore::BanStore(const QString &path, const BanSettings &settings, QObject *parent)
    : QObject(parent),
      m_path(path),
      m_list(settings)
{
    m_writeTimer.setSingleShot(true);
    connect(&m_writeTimer, &QTimer::timeout, this, &BanStore::submitChanges);
}

BanStore::~BanStore()
{
    m_waiters.clear();  // whoever waits for a write may be gone already
    m_watcher.disconnect(this);
    m_recheckFile = false;
    static_cast<void>(flush());  // a failure is logged by onWritten
}

qint64 BanStore::nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

Error BanStore::load()
{
    BanList fresh(m_list.settings());
    const FileStamp stamp = FileStamp::of(m_path);  // before the read: a change after it is seen later
    if (Error error = readBansFile(m_path, fresh)) {
        // Keep what cannot be read for a person to look at; the next ban starts a new file. A
        // file refused as a link or the like stays where it is: writes refuse it too, loudly.
        const QString aside = m_path + QStringLiteral(".broken");
        if (error.fault != Fault::NoPermission && !moveStateFileAside(m_path, aside))
            return {error.fault,
                    error.message + QStringLiteral(" (moved aside to %1; starting with no bans)").arg(aside)};
        return error;  // the bans loaded before (none at start) stay
    }
    mergeFile(fresh);
    m_knownStamp = stamp;
    // Expired records are dropped here, not written back: a read (`hlscam bans list`) does not
    // write, and the next write prunes the file anyway.
    const QSet<QString> pending = m_list.changed();
    m_list.prune(nowMs());
    m_list.takeChanged();
    for (const QString &k : pending)
        m_list.markChanged(k);
    return {};
}

void BanStore::mergeFile(const BanList &file)
{
    // Keys changed here and not on disk yet: this process's state is the newer one.
    QSet<QString> keep = m_list.changed();
    for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it)
        keep.insert(it.key());
    for (const QString &k : m_list.mergeFrom(file, keep, nowMs()))
        qCInfo(lcAuth).noquote().nospace() << "unban " << k << ": lifted from the bans file";
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
    if (!m_inFlight.isEmpty()) {
        m_recheckFile = true;  // likely our own write: looked at once it is done
        return;
    }
    m_recheckFile = false;
    const FileStamp stamp = FileStamp::of(m_path);
    if (stamp == m_knownStamp)
        return;  // the file as we last read or wrote it: nothing to learn
    BanList fresh(m_list.settings());
    if (const Error error = readBansFile(m_path, fresh)) {
        qCWarning(lcAuth).noquote() << error.message << "- keeping the bans loaded before";
        return;
    }
    mergeFile(fresh);
    m_knownStamp = stamp;
}

void BanStore::liftExpired()
{
    const qint64 now = nowMs();
    for (const BanInfo &b : m_list.bans(now - 1000))
        if (b.bannedUntilMs > 0 && b.bannedUntilMs <= now)
            qCInfo(lcAuth).noquote().nospace() << "unban " << b.address << ": ban expired";
    m_list.prune(now);
    // Writes only when the file must learn something: a quiet service does not touch the disk.
    if (!m_list.changed().isEmpty())
        scheduleWrite();
}

bool BanStore::isBanned(const QHostAddress &address) const { return m_list.isBanned(address, nowMs()); }

QList<BanInfo> BanStore::bans() const { return m_list.bans(nowMs()); }

void BanStore::setSettings(const BanSettings &settings)
{
    m_list.setSettings(settings);
    if (!m_list.changed().isEmpty())
        scheduleWrite();
}

void BanStore::scheduleWrite()
{
    if (m_writeTimer.isActive())
        return;
    const qint64 since = m_sinceSubmit.isValid() ? m_sinceSubmit.elapsed() : kMinWriteGapMs;
    m_writeTimer.start(int(std::max<qint64>(0, kMinWriteGapMs - since)));
}

void BanStore::submitChanges()
{
    const QSet<QString> keys = m_list.takeChanged();
    if (keys.isEmpty())
        return;
    BanChanges changes;
    ++m_submitted;
    for (const QString &k : keys) {
        changes.insert(k, m_list.persistentRecord(k));
        m_inFlight.insert(k, m_submitted);
    }
    if (!m_writer) {
        m_writer =
            std::make_unique<BanFileWriter>(m_path, m_list.settings(), [this](quint64 seq, const BanWrite &write) {
                QMetaObject::invokeMethod(
                    this, [this, seq, write] { onWritten(seq, write); }, Qt::QueuedConnection);
            });
    }
    m_writer->submit(changes, m_submitted);
    m_sinceSubmit.start();
}

void BanStore::onWritten(quint64 seq, const BanWrite &write)
{
    const QString &error = write.error.message;  // empty: written
    if (seq <= m_written)
        return;  // a writer's report that arrived after flush() had written everything
    m_written = seq;
    for (auto it = m_inFlight.begin(); it != m_inFlight.end();) {
        if (it.value() > seq) {
            ++it;
            continue;
        }
        if (!error.isEmpty())
            m_list.markChanged(it.key());  // tried again later
        it = m_inFlight.erase(it);
    }
    if (error.isEmpty()) {
        // The write merged in what other processes had changed since we last looked (an unban
        // by `hlscam bans unban`): learn it here too.
        if (write.before != m_knownStamp)
            mergeFile(write.file);
        m_knownStamp = write.after;
    } else if (!m_writeTimer.isActive()) {
        m_writeTimer.start(kRetryMs);
    }
    if (error != m_lastWriteError && !error.isEmpty())
        qCCritical(lcAuth).noquote() << "bans not saved:" << error << "- they hold until the service stops";
    m_lastWriteError = error;
    // In order: the answers to the failures that banned, then the closing of their connections.
    QList<Waiter> due;
    for (auto it = m_waiters.begin(); it != m_waiters.end();) {
        if (it->seq <= seq) {
            due.append(std::move(*it));
            it = m_waiters.erase(it);
        } else {
            ++it;
        }
    }
    for (const Waiter &w : std::as_const(due))
        if (w.context)
            w.run();
    if (m_recheckFile && m_inFlight.isEmpty())
        reloadFromDisk();
}

Error BanStore::flush()
{
    m_writeTimer.stop();
    m_writer.reset();  // finishes what it was given (its reports arrive later and are ignored)
    // What the writer had is written again: had its write failed, the report saying so would
    // be ignored.
    QSet<QString> keys = m_list.takeChanged();
    for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it)
        keys.insert(it.key());
    if (keys.isEmpty())
        return {};
    BanChanges changes;
    for (const QString &k : keys)
        changes.insert(k, m_list.persistentRecord(k));
    const BanWrite write = writeBanChanges(m_path, m_list.settings(), changes);
    ++m_submitted;
    for (const QString &k : keys)
        m_inFlight.insert(k, m_submitted);
    onWritten(m_submitted, write);
    return write.error;
}

BanList::Failure BanStore::recordFailure(const QHostAddress &address, const QString &reason, QObject *context,
                                         std::function<void()> saved)
{
    const BanList::Failure result = m_list.recordFailure(address, nowMs());
    // The stable line: "authentication failure from ADDR: REASON (N of MAXRETRY)", with the
    // client's own address (what fail2ban bans) and the count of its ban key.
    qCWarning(lcAuth).noquote().nospace()
        << "authentication failure from " << canonicalAddress(address).toString() << ": " << reason << " ("
        << (result.ignored ? QStringLiteral("ignoreip, never banned")
                           : QStringLiteral("%1 of %2").arg(result.failures).arg(m_list.settings().maxRetry))
        << ")";
    if (!result.banned) {
        if (saved)
            saved();
        return result;
    }
    const QString who = m_list.key(address);
    qCWarning(lcAuth).noquote().nospace()
        << "ban " << who << " for " << describeDuration(result.banSeconds) << " after " << m_list.settings().maxRetry
        << " failures within " << m_list.settings().findTimeS << "s (ban " << result.banCount << ")";
    // The ban holds from now on; the file learns it with the next write. Whoever answers the
    // failure waits for that write, so an answered ban survives a kill -9.
    const quint64 seq = m_submitted + 1;
    if (saved)
        m_waiters.append({seq, context ? context : this, std::move(saved)});
    const QHostAddress canonical = canonicalAddress(address);
    const int prefix =
        canonical.protocol() == QAbstractSocket::IPv6Protocol ? std::min(m_list.settings().ipv6Prefix, 128) : 32;
    m_waiters.append({seq, this, [this, canonical, prefix] {
                          Q_EMIT banned(canonical, prefix);
                      }});
    scheduleWrite();
    return result;
}

Result<QStringList> BanStore::unban(const QHostAddress &network, int prefix, const QString &by)
{
    const QStringList lifted = m_list.unbanWithin(network, prefix);
    for (const QString &k : lifted)
        qCInfo(lcAuth).noquote().nospace() << "unban " << k << ": " << by;
    if (lifted.isEmpty())
        return lifted;
    if (Error e = flush())
        return e;
    return lifted;
}

}  // namespace hlscam
