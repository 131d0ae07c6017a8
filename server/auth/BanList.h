// fail2ban's arithmetic, in memory: maxretry failures from one address within findtime ban it for
// bantime; with bantime_increment each repeat ban doubles, up to bantime_max. IPv6 clients count
// per network of ipv6_prefix bits (one subscriber holds a /64). Times are wall-clock
// milliseconds, because bans outlive the process (BanStore keeps them in the state dir). Only
// bans and their history are persistent; failures below maxretry live here only.
#pragma once

#include "Error.h"
#include "auth/AddressSet.h"
#include "config/Settings.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QSet>
#include <optional>

namespace hlscam {

struct BanRecord {
    QList<qint64> failuresMs;  // within findtime, oldest first; cleared by a ban; memory only
    qint64 bannedUntilMs = 0;  // 0: not banned; -1: for ever
    qint64 bannedAtMs = 0;
    int banCount = 0;  // bans so far, for bantime_increment; 0: nothing to persist

    bool persistent() const { return banCount > 0; }
    bool sameBan(const BanRecord &o) const
    {
        return bannedUntilMs == o.bannedUntilMs && bannedAtMs == o.bannedAtMs && banCount == o.banCount;
    }
};

struct BanInfo {
    QString address;  // an address, or an IPv6 network such as 2001:db8::/64
    qint64 bannedAtMs = 0;
    qint64 bannedUntilMs = 0;  // -1: for ever
    int banCount = 0;
};

class BanList {
public:
    explicit BanList(const BanSettings &settings = {});

    struct Failure {
        bool ignored = false;   // the address is in ignoreip
        int failures = 0;       // within findtime, this one included
        bool banned = false;    // this failure banned the address
        qint64 banSeconds = 0;  // how long, -1 for ever
        int banCount = 0;
    };
    Failure recordFailure(const QHostAddress &address, qint64 nowMs);
    bool isBanned(const QHostAddress &address, qint64 nowMs) const;
    bool unban(const QHostAddress &address);  // true when it was banned
    // Lifts the bans inside network/prefix (an address, or a network as wide as a ban or wider);
    // returns their keys.
    QStringList unbanWithin(const QHostAddress &network, int prefix);
    QList<BanInfo> bans(qint64 nowMs) const;
    int failuresOf(const QHostAddress &address, qint64 nowMs) const;
    int size() const { return int(m_records.size()); }
    // Forgets failures older than findtime and bans long over. True when anything changed.
    bool prune(qint64 nowMs);

    const BanSettings &settings() const { return m_settings; }
    void setSettings(const BanSettings &settings);
    bool isIgnored(const QHostAddress &address) const { return m_ignore.contains(address); }

    // Keys whose persistent part (ban, ban history) changed since the last call: what the file
    // must learn.
    QSet<QString> takeChanged();
    const QSet<QString> &changed() const { return m_changed; }
    void markChanged(const QString &key) { m_changed.insert(key); }
    // The persistent part of `key`'s record, nullopt when there is none.
    std::optional<BanRecord> persistentRecord(const QString &key) const;
    // Sets (or with nullopt removes) the persistent part of `key`; failures stay.
    void setPersistent(const QString &key, const std::optional<BanRecord> &record);
    // Takes the bans of `file` (the bans file, maybe changed by another process) for every key
    // but those in `keep` (changed here and not yet written). Returns the keys banned here whose
    // ban the file no longer has (lifted elsewhere).
    QStringList mergeFrom(const BanList &file, const QSet<QString> &keep, qint64 nowMs);

    // The persistent records (no failures) as a version 1 bans file.
    QByteArray toJson() const;
    // Replaces the records with those in `json`; Fault::Io saying why when it is not a bans file.
    Error fromJson(const QByteArray &json);

    // The key an address counts under: the address (IPv4, v4-mapped as IPv4), or its IPv6
    // network written as 2001:db8::/64 (just the address when ipv6_prefix is 128).
    QString key(const QHostAddress &address) const { return keyOf(address, m_settings.ipv6Prefix); }
    static QString keyOf(const QHostAddress &address, int ipv6Prefix);

private:
    qint64 banDurationSeconds(int banCount) const;
    void enforceBound(qint64 nowMs);
    QHash<QString, BanRecord>::iterator erase(QHash<QString, BanRecord>::iterator it);

    BanSettings m_settings;
    AddressSet m_ignore;
    QHash<QString, BanRecord> m_records;
    QSet<QString> m_changed;
};

}  // namespace hlscam
