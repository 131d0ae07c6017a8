#include "auth/CredentialCache.h"

#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

namespace hlscam {

CredentialCache::CredentialCache(int ttlSeconds, int maxEntries)
    : m_ttlMs(ttlSeconds * 1000),
      m_maxEntries(maxEntries)
{
    m_secret.resize(32);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_secret.data()), 8);
    m_clock.start();
}

QByteArray CredentialCache::key(const QString &name, const QByteArray &password) const
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, m_secret);
    mac.addData(name.toUtf8());
    mac.addData("\0", 1);  // "ab"+"c" and "a"+"bc" must differ
    mac.addData(password);
    return mac.result();
}

bool CredentialCache::contains(const QString &name, const QByteArray &password) const
{
    const auto it = m_entries.constFind(key(name, password));
    return it != m_entries.cend() && it->name == name && it->expiresMs > nowMs();
}

void CredentialCache::insert(const QString &name, const QByteArray &password)
{
    if (m_entries.size() >= m_maxEntries) {
        // Full: drop the expired entries, and if that is not enough, everything (a re-check
        // costs one hash per user, and a flood of distinct valid logins is not a normal load).
        const qint64 now = nowMs();
        m_entries.removeIf([now](const auto &it) { return it.value().expiresMs <= now; });
        if (m_entries.size() >= m_maxEntries)
            m_entries.clear();
    }
    m_entries.insert(key(name, password), Entry{name, nowMs() + m_ttlMs});
}

void CredentialCache::removeUser(const QString &name)
{
    m_entries.removeIf([&name](const auto &it) { return it.value().name == name; });
}

}  // namespace hlscam
