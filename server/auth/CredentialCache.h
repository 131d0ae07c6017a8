// Remembers successful password checks for a few minutes, so a player's several requests a
// second cost one slow hash, not one each. Entries are keyed by HMAC-SHA256 over name and
// password with a per-process random key: the password itself is never stored.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QString>

namespace hlscam {

class CredentialCache {
public:
    explicit CredentialCache(int ttlSeconds = 300, int maxEntries = 4096);

    // The user's name when (name, password) was verified within the TTL.
    bool contains(const QString &name, const QByteArray &password) const;
    void insert(const QString &name, const QByteArray &password);
    void removeUser(const QString &name);
    void clear() { m_entries.clear(); }
    int size() const { return int(m_entries.size()); }

    // The keyed digest entries are stored under: also names a check in flight.
    QByteArray digest(const QString &name, const QByteArray &password) const { return key(name, password); }

    // For tests: move this cache's clock forward.
    void advanceClockForTest(qint64 ms) { m_offsetMs += ms; }

private:
    struct Entry {
        QString name;
        qint64 expiresMs;
    };
    QByteArray key(const QString &name, const QByteArray &password) const;
    qint64 nowMs() const { return m_clock.elapsed() + m_offsetMs; }

    QByteArray m_secret;
    int m_ttlMs;
    int m_maxEntries;
    QElapsedTimer m_clock;  // monotonic: a wall-clock change neither extends nor ends entries
    qint64 m_offsetMs = 0;
    QHash<QByteArray, Entry> m_entries;
};

}  // namespace hlscam
