#include "auth/BanList.h"
#include "Limits.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <utility>
#include <vector>

namespace hlscam {

namespace {

bool isBannedRecord(const BanRecord &r, qint64 nowMs) { return r.bannedUntilMs < 0 || r.bannedUntilMs > nowMs; }

void clearBan(BanRecord &r)
{
    r.bannedUntilMs = 0;
    r.bannedAtMs = 0;
    r.banCount = 0;
}

void copyBan(BanRecord &to, const BanRecord &from)
{
    to.bannedUntilMs = from.bannedUntilMs;
    to.bannedAtMs = from.bannedAtMs;
    to.banCount = from.banCount;
}

// "203.0.113.7", "2001:db8::1" or "2001:db8::/64" (a key) to its address, null when neither.
QHostAddress addressOfKey(const QString &key)
{
    if (!key.contains(u'/'))
        return QHostAddress(key);
    const QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(key);
    return subnet.second < 0 ? QHostAddress() : subnet.first;
}
}  // namespace

BanList::BanList(const BanSettings &settings) { setSettings(settings); }

void BanList::setSettings(const BanSettings &settings)
{
    const bool rekey = settings.ipv6Prefix != m_settings.ipv6Prefix && !m_records.isEmpty();
    m_settings = settings;
    m_ignore = AddressSet(settings.ignoreIp);
    if (!rekey)
        return;
    // Counted per another IPv6 network size now: each record moves to its new key.
    const QHash<QString, BanRecord> old = std::exchange(m_records, {});
    for (auto it = old.cbegin(); it != old.cend(); ++it) {
        const QString k = key(addressOfKey(it.key()));
        BanRecord &r = m_records[k];
        r.failuresMs += it->failuresMs;
        std::sort(r.failuresMs.begin(), r.failuresMs.end());
        if (it->banCount > r.banCount)
            copyBan(r, *it);
        if (it->persistent() || k != it.key())
            m_changed << k << it.key();
    }
}

QString BanList::keyOf(const QHostAddress &address, int ipv6Prefix)
{
    const QHostAddress a = canonicalAddress(address);
    if (a.protocol() != QAbstractSocket::IPv6Protocol || ipv6Prefix >= 128)
        return a.toString();
    Q_IPV6ADDR bytes = a.toIPv6Address();
    for (int bit = std::max(ipv6Prefix, 0); bit < 128; ++bit)
        bytes[bit / 8] &= quint8(~(0x80u >> (bit % 8)));
    return QStringLiteral("%1/%2").arg(QHostAddress(bytes).toString()).arg(ipv6Prefix);
}

qint64 BanList::banDurationSeconds(int banCount) const
{
    if (m_settings.banTimeS < 0)
        return -1;
    if (!m_settings.banTimeIncrement || banCount <= 1)
        return m_settings.banTimeS;
    // bantime * 2^(n-1), capped; the shift is bounded so it cannot overflow.
    const qint64 grown = m_settings.banTimeS << std::min(banCount - 1, 30);
    return std::max(m_settings.banTimeS, std::min(grown, m_settings.banTimeMaxS));
}

BanList::Failure BanList::recordFailure(const QHostAddress &address, qint64 nowMs)
{
    Failure out;
    if (m_ignore.contains(address)) {
        out.ignored = true;
        return out;
    }
    const QString k = key(address);
    BanRecord &r = m_records[k];
    if (isBannedRecord(r, nowMs)) {  // a failure on a connection opened before the ban
        out.failures = int(r.failuresMs.size());
        out.banCount = r.banCount;
        return out;
    }
    const qint64 windowStart = nowMs - m_settings.findTimeS * 1000;
    r.failuresMs.removeIf([&](qint64 t) { return t <= windowStart; });
    r.failuresMs.append(nowMs);
    out.failures = int(r.failuresMs.size());
    if (m_settings.maxRetry > 0 && out.failures >= m_settings.maxRetry) {
        r.banCount += 1;
        const qint64 seconds = banDurationSeconds(r.banCount);
        r.bannedAtMs = nowMs;
        r.bannedUntilMs = seconds < 0 ? -1 : nowMs + seconds * 1000;
        r.failuresMs.clear();  // as fail2ban: the count starts again after a ban
        m_changed.insert(k);
        out.banned = true;
        out.banSeconds = seconds;
    } else if (r.failuresMs.size() > m_settings.maxRetry) {
        r.failuresMs.removeFirst();  // with maxretry 0 only the newest few matter
    }
    out.banCount = r.banCount;
    enforceBound(nowMs);
    return out;
}

bool BanList::isBanned(const QHostAddress &address, qint64 nowMs) const
{
    if (m_records.isEmpty())
        return false;
    const auto it = m_records.constFind(key(address));
    return it != m_records.cend() && isBannedRecord(*it, nowMs) && !m_ignore.contains(address);
}

bool BanList::unban(const QHostAddress &address) { return !unbanWithin(address, 128).isEmpty(); }

QStringList BanList::unbanWithin(const QHostAddress &network, int prefix)
{
    const QHostAddress net = canonicalAddress(network);
    const int unit = net.protocol() == QAbstractSocket::IPv6Protocol ? m_settings.ipv6Prefix : 32;
    QStringList lifted;
    // Lifted by hand: the ban history goes too, so the next ban starts from bantime again.
    if (prefix >= unit) {
        const auto it = m_records.find(key(net));
        if (it != m_records.end() && it->bannedUntilMs != 0) {
            lifted << it.key();
            erase(it);
        }
        return lifted;
    }
    for (auto it = m_records.begin(); it != m_records.end();) {
        if (it->bannedUntilMs != 0 && addressOfKey(it.key()).isInSubnet(net, prefix)) {
            lifted << it.key();
            it = erase(it);
        } else {
            ++it;
        }
    }
    return lifted;
}

QHash<QString, BanRecord>::iterator BanList::erase(QHash<QString, BanRecord>::iterator it)
{
    if (it->persistent())
        m_changed.insert(it.key());
    return m_records.erase(it);
}

QList<BanInfo> BanList::bans(qint64 nowMs) const
{
    QList<BanInfo> out;
    for (auto it = m_records.cbegin(); it != m_records.cend(); ++it)
        if (isBannedRecord(*it, nowMs))
            out.append({it.key(), it->bannedAtMs, it->bannedUntilMs, it->banCount});
    std::sort(out.begin(), out.end(), [](const BanInfo &a, const BanInfo &b) { return a.bannedAtMs < b.bannedAtMs; });
    return out;
}

int BanList::failuresOf(const QHostAddress &address, qint64 nowMs) const
{
    const auto it = m_records.constFind(key(address));
    if (it == m_records.cend())
        return 0;
    const qint64 windowStart = nowMs - m_settings.findTimeS * 1000;
    return int(
        std::count_if(it->failuresMs.cbegin(), it->failuresMs.cend(), [&](qint64 t) { return t > windowStart; }));
}

bool BanList::prune(qint64 nowMs)
{
    const qint64 windowStart = nowMs - m_settings.findTimeS * 1000;
    // A ban's history counts for bantime_increment until the address has been quiet this long.
    const qint64 memoryMs = std::max(m_settings.banTimeMaxS, m_settings.banTimeS) * 1000;
    bool changed = false;
    for (auto it = m_records.begin(); it != m_records.end();) {
        BanRecord &r = *it;
        changed |= r.failuresMs.removeIf([&](qint64 t) { return t <= windowStart; }) > 0;
        const bool historyOver =
            !m_settings.banTimeIncrement || (r.bannedUntilMs > 0 && r.bannedUntilMs + memoryMs <= nowMs);
        if (r.persistent() && !isBannedRecord(r, nowMs) && historyOver) {
            clearBan(r);
            m_changed.insert(it.key());
            changed = true;
        }
        if (!r.persistent() && r.failuresMs.isEmpty()) {
            it = m_records.erase(it);
            changed = true;
        } else {
            ++it;
        }
    }
    return changed;
}

void BanList::enforceBound(qint64 nowMs)
{
    // Past [bans] max_addresses, evicting down to a share of it in one pass: a flood from ever new
    // addresses costs one scan per few thousand, not one per failure.
    if (m_records.size() <= m_settings.maxAddresses)
        return;
    // The quietest go first: addresses with failures only before those with a ban history, and
    // within each the longest quiet. Bans are never dropped to make room.
    struct Candidate {
        bool history;
        qint64 lastFailureMs;
        QString key;
    };
    std::vector<Candidate> candidates;
    candidates.reserve(size_t(m_records.size()));
    for (auto it = m_records.cbegin(); it != m_records.cend(); ++it)
        if (!isBannedRecord(*it, nowMs))
            candidates.push_back({it->persistent(), it->failuresMs.isEmpty() ? 0 : it->failuresMs.last(), it.key()});
    const qsizetype evictTo = qsizetype(m_settings.maxAddresses) * limits::kBanEvictPercent / 100;
    const size_t excess = size_t(m_records.size() - evictTo);
    const size_t n = std::min(excess, candidates.size());
    const auto quieter = [](const Candidate &a, const Candidate &b) {
        return a.history != b.history ? !a.history : a.lastFailureMs < b.lastFailureMs;
    };
    std::nth_element(candidates.begin(), candidates.begin() + qsizetype(n), candidates.end(), quieter);
    for (size_t i = 0; i < n; ++i)
        erase(m_records.find(candidates[i].key));
}

QSet<QString> BanList::takeChanged() { return std::exchange(m_changed, {}); }

std::optional<BanRecord> BanList::persistentRecord(const QString &key) const
{
    const auto it = m_records.constFind(key);
    if (it == m_records.cend() || !it->persistent())
        return std::nullopt;
    BanRecord r;
    copyBan(r, *it);
    return r;
}

void BanList::setPersistent(const QString &key, const std::optional<BanRecord> &record)
{
    if (record && record->persistent()) {
        copyBan(m_records[key], *record);
        return;
    }
    const auto it = m_records.find(key);
    if (it == m_records.end())
        return;
    clearBan(*it);
    if (it->failuresMs.isEmpty())
        m_records.erase(it);
}

QStringList BanList::mergeFrom(const BanList &file, const QSet<QString> &keep, qint64 nowMs)
{
    QStringList lifted;
    for (auto it = m_records.begin(); it != m_records.end();) {
        const auto there = file.m_records.constFind(it.key());
        const bool inFile = there != file.m_records.cend() && there->persistent();
        if (keep.contains(it.key()) || !it->persistent() || inFile) {
            ++it;
            continue;
        }
        if (isBannedRecord(*it, nowMs))
            lifted << it.key();
        clearBan(*it);
        it = it->failuresMs.isEmpty() ? m_records.erase(it) : std::next(it);
    }
    for (auto it = file.m_records.cbegin(); it != file.m_records.cend(); ++it)
        if (it->persistent() && !keep.contains(it.key()))
            copyBan(m_records[it.key()], *it);
    return lifted;
}

QByteArray BanList::toJson() const
{
    QJsonObject addresses;
    for (auto it = m_records.cbegin(); it != m_records.cend(); ++it)
        if (it->persistent())
            addresses.insert(it.key(), QJsonObject{{QStringLiteral("banned_at"), it->bannedAtMs},
                                                   {QStringLiteral("banned_until"), it->bannedUntilMs},
                                                   {QStringLiteral("bans"), it->banCount}});
    const QJsonObject root{{QStringLiteral("version"), 1}, {QStringLiteral("addresses"), addresses}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Error BanList::fromJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (doc.isNull())
        return {Fault::Io, QStringLiteral("not JSON (%1 at byte %2)").arg(error.errorString()).arg(error.offset)};
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("version")).toInt() != 1 || !root.value(QStringLiteral("addresses")).isObject())
        return {Fault::Io, QStringLiteral("not a version 1 bans file")};
    QHash<QString, BanRecord> records;
    const QJsonObject addresses = root.value(QStringLiteral("addresses")).toObject();
    for (auto it = addresses.begin(); it != addresses.end(); ++it) {
        const QHostAddress address = addressOfKey(it.key());
        if (address.isNull())
            return {Fault::Io, QStringLiteral("'%1' is not an address").arg(it.key())};
        const QJsonObject o = it.value().toObject();
        BanRecord r;
        r.bannedAtMs = o.value(QStringLiteral("banned_at")).toInteger();
        r.bannedUntilMs = o.value(QStringLiteral("banned_until")).toInteger();
        r.banCount = o.value(QStringLiteral("bans")).toInt();
        // Failure lists of older files are not read: failures live in memory only. A key
        // written under another ipv6_prefix is counted under this one.
        BanRecord &into = records[key(address)];
        if (r.persistent() && r.banCount >= into.banCount)
            copyBan(into, r);
    }
    for (auto it = records.begin(); it != records.end();)
        it = it->persistent() ? std::next(it) : records.erase(it);
    m_records = records;
    m_changed.clear();
    return {};
}

}  // namespace hlscam
