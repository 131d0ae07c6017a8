// fail2ban's arithmetic, in memory: maxretry failures from one address within findtime ban it for
// bantime; with bantime_increment each repeat ban doubles, up to bantime_max. Times are wall-clock
// milliseconds, because bans outlive the process (BanStore keeps them in the state dir).
#pragma once

#include "auth/AddressSet.h"
#include "config/Settings.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <optional>

namespace hlscam {

struct BanRecord {
    QList<qint64> failuresMs;  // within findtime, oldest first; cleared by a ban
    qint64 bannedUntilMs = 0;  // 0: not banned; -1: for ever
    qint64 bannedAtMs = 0;
    int banCount = 0;          // bans so far, for bantime_increment
};

struct BanInfo {
    QString address;
    qint64 bannedAtMs = 0;
    qint64 bannedUntilMs = 0;  // -1: for ever
    int banCount = 0;
};

class BanList {
public:
    explicit BanList(const BanSettings &settings = {});

    struct Failure {
        bool ignored = false;     // the address is in ignoreip
        int failures = 0;         // within findtime, this one included
        bool banned = false;      // this failure banned the address
        qint64 banSeconds = 0;    // how long, -1 for ever
        int banCount = 0;
    };
    Failure recordFailure(const QHostAddress &address, qint64 nowMs);
    bool isBanned(const QHostAddress &address, qint64 nowMs) const;
    bool unban(const QHostAddress &address);  // true when it was banned
    QList<BanInfo> bans(qint64 nowMs) const;
    int failuresOf(const QHostAddress &address, qint64 nowMs) const;
    // Forgets failures older than findtime and bans long over. True when anything changed.
    bool prune(qint64 nowMs);

    const BanSettings &settings() const { return m_settings; }
    void setSettings(const BanSettings &settings);
    bool isIgnored(const QHostAddress &address) const { return m_ignore.contains(address); }

    QByteArray toJson() const;
    // Replaces the records with those in `json`; an error text when it is not a bans file.
    QString fromJson(const QByteArray &json);

    static QString key(const QHostAddress &address) { return canonicalAddress(address).toString(); }

private:
    qint64 banDurationSeconds(int banCount) const;
    void enforceBound(qint64 nowMs);

    BanSettings m_settings;
    AddressSet m_ignore;
    QHash<QString, BanRecord> m_records;
};

}  // namespace hlscam
