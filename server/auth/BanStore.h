// The bans of a service. Failures are counted in memory only; bans (and their history, for
// bantime_increment) are kept in <state_dir>/bans.json so they survive restarts. A ban holds in
// memory at once; the file learns it a moment later from a writer thread, in one coalesced
// locked read-merge-write for everything that changed (the `hlscam bans` command may change the
// file at the same time), and at the latest when the store is destroyed. The running service
// rereads the file when another process changes it. Logs every failure and ban in one stable
// line format (documented in README, read by the fail2ban filter in resources/fail2ban/).
#pragma once

#include "auth/BanFileWriter.h"
#include "auth/BanList.h"

#include <QElapsedTimer>
#include <QFileSystemWatcher>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <memory>

namespace hlscam {

class BanStore : public QObject {
    Q_OBJECT
public:
    BanStore(const QString &path, const BanSettings &settings, QObject *parent = nullptr);
    ~BanStore() override;  // writes what is not on disk yet

    QString path() const { return m_path; }
    // Reads the file; a missing file is no bans. An unreadable or broken file is an error text
    // (the broken file is kept aside as bans.json.broken and an empty list used). Failures
    // counted so far and bans not written yet are kept. Fault::NoPermission for a file not to be
    // trusted (left where it is), else Fault::Io.
    Error load();
    // Follows changes other processes make to the file, and lifts expired bans, until destroyed.
    void watch();

    bool isBanned(const QHostAddress &address) const;
    bool isIgnored(const QHostAddress &address) const { return m_list.isIgnored(address); }
    // Counts one failed login from `address` (reason: wrong-password, bad-token, ...) and bans
    // the address when it reaches maxretry. `saved` (when given) runs once a ban this failure
    // made is on disk (or failed to get there), at once when it made none; not when `context`
    // is gone by then.
    BanList::Failure recordFailure(const QHostAddress &address, const QString &reason, QObject *context = nullptr,
                                   std::function<void()> saved = {});
    // Lifts the bans of an address (its IPv6 network's) or of every ban inside network/prefix,
    // and writes the file before returning. Returns what was lifted, or why it could not be
    // written (Fault::Io; lifted here all the same, until the service stops).
    Result<QStringList> unban(const QHostAddress &network, int prefix, const QString &by);
    // Whether the address was banned.
    Result<bool> unban(const QHostAddress &address, const QString &by)
    {
        const Result<QStringList> lifted = unban(address, 128, by);
        if (!lifted.ok())
            return lifted.error();
        return !lifted.value().isEmpty();
    }
    QList<BanInfo> bans() const;
    QString key(const QHostAddress &address) const { return m_list.key(address); }
    void setSettings(const BanSettings &settings);
    // Writes every change now, on this thread; fails when the file refused it.
    Error flush();

    static qint64 nowMs();

Q_SIGNALS:
    // A ban was made and is on disk (its answer sent): close the open connections inside it.
    void banned(const QHostAddress &network, int prefix);

private:
    struct Waiter {
        quint64 seq;
        QPointer<QObject> context;
        std::function<void()> run;
    };
    void scheduleWrite();
    void submitChanges();
    void onWritten(quint64 seq, const BanWrite &write);
    void reloadFromDisk();
    void mergeFile(const BanList &file);
    void liftExpired();

    QString m_path;
    BanList m_list;
    QFileSystemWatcher m_watcher;
    QTimer m_expiry;
    QTimer m_writeTimer;                      // coalesces changes into one write
    QElapsedTimer m_sinceSubmit;              // the last write handed to the writer
    std::unique_ptr<BanFileWriter> m_writer;  // started at the first write
    quint64 m_submitted = 0;                  // sequence number of the last write handed over
    quint64 m_written = 0;                    // ...and of the last one done
    QHash<QString, quint64> m_inFlight;       // keys handed to the writer, not yet on disk
    QList<Waiter> m_waiters;                  // run when the write of their seq is done
    FileStamp m_knownStamp;                   // the file as we last read or wrote it
    bool m_recheckFile = false;               // the file changed while a write was in flight
    QString m_lastWriteError;                 // logged once, not for every failure
};

}  // namespace hlscam
