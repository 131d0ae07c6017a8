#include "mdns/DnsSdBrowser.h"

#include "Logging.h"
#include "mdns/DnsSdRecords.h"
#include "mdns/MdnsSocket.h"

#include <QNetworkDatagram>

namespace hlscam {

namespace {

constexpr int kFirstQueryIntervalMs = 1000;
constexpr int kMaxQueryIntervalMs = 3600 * 1000;  // §5.2: doubling up to an hour
constexpr int kMaintenanceMs = 1000;
constexpr qint64 kFlushGraceMs = 1000;  // §10.2: records of a flushed set younger than this stay

QString key(const dns::Name &name) { return dns::toString(name).toLower(); }

bool endsWith(const dns::Name &name, const dns::Name &suffix)
{
    return name.size() > suffix.size() && dns::sameName(name.mid(name.size() - suffix.size()), suffix);
}

}  // namespace

DnsSdBrowser::DnsSdBrowser(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<DnsSdService>();
    m_queryTimer.setSingleShot(true);
    connect(&m_queryTimer, &QTimer::timeout, this, &DnsSdBrowser::sendQuery);
    m_maintenance.setInterval(kMaintenanceMs);
    connect(&m_maintenance, &QTimer::timeout, this, &DnsSdBrowser::maintain);
    m_clock.start();
}

DnsSdBrowser::~DnsSdBrowser() = default;

Error DnsSdBrowser::start()
{
    if (m_socket)
        return {};
    m_socket = new MdnsSocket(this);
    if (const Error shared = m_socket->open(kMdnsPort)) {
        qCInfo(lcMdns) << "browsing from an ephemeral port:" << shared.message;
        delete m_socket;
        m_socket = new MdnsSocket(this);
        if (Error e = m_socket->open(0)) {
            delete m_socket;
            m_socket = nullptr;
            return e;
        }
    }
    connect(m_socket, &MdnsSocket::received, this, &DnsSdBrowser::onDatagram);
    m_links = linkInterfaces();
    m_socket->join(m_links);
    m_maintenance.start();
    refresh();
    return {};
}

void DnsSdBrowser::stop()
{
    m_queryTimer.stop();
    m_maintenance.stop();
    // Not `delete`: stop() may be called from a slot on serviceFound, inside the socket's received().
    if (m_socket)
        m_socket->closeAndDeleteLater();
    m_socket = nullptr;
    m_cache.clear();
    reconcile();  // everything found is gone
}

bool DnsSdBrowser::hearsGoodbyes() const { return m_socket && m_socket->localPort() == kMdnsPort; }

void DnsSdBrowser::refresh()
{
    if (!m_socket)
        return;
    const QList<LinkInterface> now = linkInterfaces();
    if (!(now == m_links)) {
        m_links = now;
        m_socket->join(m_links);
    }
    m_queryIntervalMs = kFirstQueryIntervalMs;
    sendQuery();
}

void DnsSdBrowser::sendQuery()
{
    dns::Question q;
    q.name = dnssd::hlscamType();
    q.type = dns::PTR;
    dns::Message query;
    query.questions = {q};
    // §7.1: what we hold with more than half its life left needs no answer.
    const qint64 now = m_clock.elapsed();
    for (const Cached &c : std::as_const(m_cache)) {
        if (c.record.type == dns::PTR && (c.expiresMs() - now) / 1000 > c.record.ttl / 2) {
            dns::Record known = c.record;
            known.ttl = quint32((c.expiresMs() - now) / 1000);
            query.answers.append(known);
        }
    }
    const QByteArray packet = dns::encode(query);
    for (const LinkInterface &link : std::as_const(m_links))
        m_socket->sendMulticast(link, packet);
    m_queryTimer.start(m_queryIntervalMs);
    m_queryIntervalMs = std::min(m_queryIntervalMs * 2, kMaxQueryIntervalMs);
}

void DnsSdBrowser::ask(QList<dns::Question> questions)
{
    const qint64 now = m_clock.elapsed();
    questions.removeIf([&](const dns::Question &q) {
        const QString k = key(q.name) + u'|' + QString::number(q.type);
        if (m_lastAsked.contains(k) && now - m_lastAsked.value(k) < 1000)
            return true;
        m_lastAsked.insert(k, now);
        return false;
    });
    if (questions.isEmpty() || !m_socket)
        return;
    if (m_lastAsked.size() > qsizetype{4} * kMaxRecords)
        m_lastAsked.clear();
    dns::Message query;
    query.questions = questions;
    const QByteArray packet = dns::encode(query);
    for (const LinkInterface &link : std::as_const(m_links))
        m_socket->sendMulticast(link, packet);
}

void DnsSdBrowser::onDatagram(const QNetworkDatagram &d)
{
    const std::optional<dns::Message> m = dns::parse(d.data());
    if (!m || !m->isResponse() || !isOnLink(m_links, d.senderAddress(), d.interfaceIndex()))
        return;
    // On 5353 only mDNS responders count; an ephemeral socket gets legacy answers from them.
    if (hearsGoodbyes() && d.senderPort() != kMdnsPort)
        return;
    const qint64 now = m_clock.elapsed();
    const QList<dns::Record> all = m->answers + m->additionals;
    // Service records first, so the addresses of a host named in the same packet are wanted.
    for (const bool addresses : {false, true})
        for (const dns::Record &r : all)
            if ((r.type == dns::A || r.type == dns::AAAA) == addresses && wanted(r))
                store(r, d.interfaceIndex(), now);
    reconcile();
}

bool DnsSdBrowser::wanted(const dns::Record &r) const
{
    if (r.rrclass != dns::kClassIn)
        return false;
    switch (r.type) {
    case dns::PTR:
        return dns::sameName(r.name, dnssd::hlscamType()) && r.target.size() == 4 &&
               endsWith(r.target, dnssd::hlscamType());
    case dns::SRV:
    case dns::TXT: return r.name.size() == 4 && endsWith(r.name, dnssd::hlscamType());
    case dns::A:
    case dns::AAAA:
        return std::any_of(m_cache.begin(), m_cache.end(), [&r](const Cached &c) {
            return c.record.type == dns::SRV && dns::sameName(c.record.target, r.name);
        });
    default: return false;
    }
}

void DnsSdBrowser::store(const dns::Record &r, int interfaceIndex, qint64 now)
{
    if (r.cacheFlush) {
        // §10.2: this record set replaces what we held of it, except what came within a second.
        m_cache.removeIf([&](const Cached &c) {
            return c.record.type == r.type && dns::sameName(c.record.name, r.name) &&
                   now - c.receivedMs > kFlushGraceMs && !c.record.sameRecord(r);
        });
    }
    for (Cached &c : m_cache) {
        if (!c.record.sameRecord(r))
            continue;
        c.record.ttl = r.ttl;
        c.receivedMs = now;
        c.refreshesSent = 0;
        c.interfaceIndex = interfaceIndex;
        return;
    }
    if (r.ttl == 0 || m_cache.size() >= kMaxRecords)
        return;  // a goodbye for what we never held, or full: what we hold stays
    m_cache.append({r, now, interfaceIndex, 0});
}

void DnsSdBrowser::maintain()
{
    const qint64 now = m_clock.elapsed();
    // A goodbye (TTL 0) ended a record at once; others end with their TTL.
    m_cache.removeIf([now](const Cached &c) { return c.expiresMs() <= now; });
    // §5.2: a record still in use is asked for again at 80, 85, 90 and 95 % of its TTL.
    QList<dns::Question> questions;
    for (Cached &c : m_cache) {
        const qint64 lifeMs = qint64(c.record.ttl) * 1000;
        const int due = lifeMs > 0 ? int((now - c.receivedMs) * 20 / lifeMs) - 15 : 0;  // 80 % -> 1
        if (due > c.refreshesSent && c.refreshesSent < 4) {
            c.refreshesSent = due;
            dns::Question q;
            q.name = c.record.name;
            q.type = c.record.type;
            questions.append(q);
        }
    }
    ask(questions);
    reconcile();
}

void DnsSdBrowser::reconcile()
{
    QHash<QString, DnsSdService> found;
    QList<dns::Question> missing;
    for (const Cached &ptr : std::as_const(m_cache)) {
        if (ptr.record.type != dns::PTR || found.size() >= kMaxServices)
            continue;
        const dns::Name &instance = ptr.record.target;
        DnsSdService s;
        s.instanceName = QString::fromUtf8(instance.first());
        const Cached *srv = nullptr;
        const Cached *txt = nullptr;
        for (const Cached &c : std::as_const(m_cache)) {
            if (!dns::sameName(c.record.name, instance))
                continue;
            if (c.record.type == dns::SRV)
                srv = &c;
            else if (c.record.type == dns::TXT)
                txt = &c;
        }
        if (!srv || !txt) {
            missing.append({instance, quint16(srv ? dns::TXT : dns::SRV), dns::kClassIn, false});
            continue;
        }
        s.hostName = dns::toString(srv->record.target);
        s.port = srv->record.port;
        s.readTxt(txt->record.txt);
        QList<QHostAddress> v6;
        for (const Cached &c : std::as_const(m_cache)) {
            if ((c.record.type != dns::A && c.record.type != dns::AAAA) ||
                !dns::sameName(c.record.name, srv->record.target))
                continue;
            QHostAddress a = c.record.address;
            if (c.record.type == dns::AAAA && a.isLinkLocal())
                a.setScopeId(QNetworkInterface::interfaceNameFromIndex(c.interfaceIndex));
            QList<QHostAddress> &list = c.record.type == dns::A ? s.addresses : v6;
            if (!list.contains(a))
                list.append(a);
        }
        s.addresses += v6;
        if (s.addresses.isEmpty()) {
            missing.append({srv->record.target, dns::A, dns::kClassIn, false});
            missing.append({srv->record.target, dns::AAAA, dns::kClassIn, false});
            continue;
        }
        found.insert(s.instanceName, s);
    }
    ask(missing);
    const QHash<QString, DnsSdService> before = std::exchange(m_services, found);
    reportChanges(this, before, found, &DnsSdBrowser::serviceRemoved, &DnsSdBrowser::serviceFound);
}

}  // namespace hlscam
