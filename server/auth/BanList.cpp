#include "auth/BanList.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

namespace hlscam {

namespace {
// Addresses remembered at most; beyond it the quietest unbanned ones are forgotten, so a flood
// from many addresses cannot grow memory or the state file without bound.
constexpr int kMaxRecords = 20000;

bool isBannedRecord(const BanRecord &r, qint64 nowMs)
{
    return r.bannedUntilMs < 0 || r.bannedUntilMs > nowMs;
}
}  // namespace

BanList::BanList(const BanSettings &settings) { setSettings(settings); }

void BanList::setSettings(const BanSettings &settings)
{
    m_settings = settings;
    m_ignore = AddressSet(settings.ignoreIp);
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
    BanRecord &r = m_records[key(address)];
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

bool BanList::unban(const QHostAddress &address)
{
    const auto it = m_records.find(key(address));
    if (it == m_records.end() || it->bannedUntilMs == 0)
        return false;
    // Lifted by hand: the ban history goes too, so the next ban starts from bantime again.
    m_records.erase(it);
    return true;
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
    return int(std::count_if(it->failuresMs.cbegin(), it->failuresMs.cend(), [&](qint64 t) { return t > windowStart; }));
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
        const bool banned = isBannedRecord(r, nowMs);
        const bool historyOver = r.banCount == 0 || !m_settings.banTimeIncrement ||
                                 (r.bannedUntilMs > 0 && r.bannedUntilMs + memoryMs <= nowMs);
        if (!banned && r.failuresMs.isEmpty() && historyOver) {
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
    while (m_records.size() > kMaxRecords) {
        auto quietest = m_records.end();
        for (auto it = m_records.begin(); it != m_records.end(); ++it) {
            if (isBannedRecord(*it, nowMs))
                continue;
            if (quietest == m_records.end() || it->failuresMs.value(it->failuresMs.size() - 1) <
                                                   quietest->failuresMs.value(quietest->failuresMs.size() - 1))
                quietest = it;
        }
        if (quietest == m_records.end())
            return;  // all banned: bans are never dropped to make room
        m_records.erase(quietest);
    }
}

QByteArray BanList::toJson() const
{
    QJsonObject addresses;
    for (auto it = m_records.cbegin(); it != m_records.cend(); ++it) {
        QJsonArray failures;
        for (qint64 t : it->failuresMs)
            failures.append(t);
        addresses.insert(it.key(), QJsonObject{{QStringLiteral("failures"), failures},
                                               {QStringLiteral("banned_at"), it->bannedAtMs},
                                               {QStringLiteral("banned_until"), it->bannedUntilMs},
                                               {QStringLiteral("bans"), it->banCount}});
    }
    const QJsonObject root{{QStringLiteral("version"), 1}, {QStringLiteral("addresses"), addresses}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QString BanList::fromJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (doc.isNull())
        return QStringLiteral("not JSON (%1 at byte %2)").arg(error.errorString()).arg(error.offset);
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("version")).toInt() != 1 || !root.value(QStringLiteral("addresses")).isObject())
        return QStringLiteral("not a version 1 bans file");
    QHash<QString, BanRecord> records;
    const QJsonObject addresses = root.value(QStringLiteral("addresses")).toObject();
    for (auto it = addresses.begin(); it != addresses.end(); ++it) {
        const QHostAddress address(it.key());
        if (address.isNull())
            return QStringLiteral("'%1' is not an address").arg(it.key());
        const QJsonObject o = it.value().toObject();
        BanRecord r;
        for (const QJsonValue &t : o.value(QStringLiteral("failures")).toArray())
            r.failuresMs.append(t.toInteger());
        r.bannedAtMs = o.value(QStringLiteral("banned_at")).toInteger();
        r.bannedUntilMs = o.value(QStringLiteral("banned_until")).toInteger();
        r.banCount = o.value(QStringLiteral("bans")).toInt();
        records.insert(key(address), r);
    }
    m_records = records;
    return {};
}

}  // namespace hlscam
