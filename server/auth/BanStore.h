// The bans of a service, kept in <state_dir>/bans.json so they survive restarts and kill -9.
// Every change is a locked read-modify-write of the file (the `hlscam bans` command may change it
// at the same time), replaced atomically; the running service rereads it when it changes on disk.
// Logs every failure and ban in one stable line format (documented in README, read by the
// fail2ban filter in resources/fail2ban/).
#pragma once

#include "auth/BanList.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>
#include <functional>

namespace hlscam {

class BanStore : public QObject {
    Q_OBJECT
public:
    BanStore(const QString &path, const BanSettings &settings, QObject *parent = nullptr);

    QString path() const { return m_path; }
    // Reads the file; a missing file is no bans. An unreadable or broken file is an error text
    // (the broken file is kept aside as bans.json.broken and an empty list used).
    QString load();
    // Follows changes other processes make to the file, and lifts expired bans, until destroyed.
    void watch();

    bool isBanned(const QHostAddress &address) const;
    bool isIgnored(const QHostAddress &address) const { return m_list.isIgnored(address); }
    // Counts one failed login from `address` (reason: wrong-password, bad-token, ...) and bans
    // the address when it reaches maxretry.
    BanList::Failure recordFailure(const QHostAddress &address, const QString &reason);
    // Returns false when the address was not banned; an error text in *error on a write failure.
    bool unban(const QHostAddress &address, const QString &by, QString *error = nullptr);
    QList<BanInfo> bans() const;
    void setSettings(const BanSettings &settings);

    static qint64 nowMs();

Q_SIGNALS:
    void banned(const QHostAddress &address);

private:
    // Applies `change` to the file's current content under the lock and writes it back.
    QString modify(const std::function<void(BanList &)> &change);
    void reloadFromDisk();
    void liftExpired();

    QString m_path;
    BanList m_list;
    QFileSystemWatcher m_watcher;
    QTimer m_expiry;
    QString m_lastWriteError;  // logged once, not for every failure
};

}  // namespace hlscam
