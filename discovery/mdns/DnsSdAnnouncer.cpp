#include "mdns/DnsSdAnnouncer.h"
#include "Limits.h"

#include "Logging.h"
#include "mdns/MdnsSocket.h"

#include <QNetworkDatagram>
#include <QRandomGenerator>
#include <QSysInfo>

namespace hlscam {

namespace {

constexpr int kProbes = 3;  // RFC 6762 §8.1: three probes 250 ms apart
constexpr int kProbeIntervalMs = 250;
constexpr int kAnnouncements = 3;  // §8.3: at least two, one second apart
constexpr int kAnnounceIntervalMs = 1000;
constexpr int kConflictDeferMs = 1000;    // §8.2: the loser of a simultaneous probe waits a second
constexpr int kInterfaceCheckMs = 30000;  // a DHCP lease or a new link shows up within this
constexpr qint64 kMulticastGapMs = 1000;  // §6: once a second per record and interface...
constexpr qint64 kDefendGapMs = 250;      // ...but a probe for our name is answered within 250 ms
constexpr int kMaxUnicastPerSecond = limits::kMdnsUnicastPerSecond;
// §8.1: more than 15 conflicts within 10 s, and each further probe attempt waits 5 s. Never a
// final give-up: a host that claims every name we pick only slows us down, and we are announced
// as soon as it stops.
constexpr int kConflictBurst = 15;
constexpr qint64 kConflictWindowMs = 10000;
constexpr int kThrottledProbeDelayMs = 5000;
// Suffixes count up to this, then start again at " (2)": the name stays short and the counter
// never overflows, however long a spoofer keeps claiming names.
constexpr int kMaxSuffix = limits::kMdnsNameSuffix;

// A UTF-8 string cut to at most `max` bytes without splitting a character.
QByteArray utf8Prefix(const QString &s, int max)
{
    QByteArray out = s.toUtf8();
    if (out.size() <= max)
        return out;
    qsizetype n = max;
    while (n > 0 && (quint8(out[n]) & 0xC0) == 0x80)
        --n;
    return out.left(n);
}

QByteArray hostLabel()
{
    QString host = QSysInfo::machineHostName().section(u'.', 0, 0);
    if (host.isEmpty())
        host = QStringLiteral("hlscam");
    return utf8Prefix(host, dns::kMaxLabelBytes);
}

QString recordKey(int link, const dns::Record &r)
{
    return QStringLiteral("%1|%2|%3|%4|%5|%6")
        .arg(link)
        .arg(dns::toString(r.name).toLower())
        .arg(r.type)
        .arg(dns::toString(r.target).toLower())
        .arg(r.port)
        .arg(r.address.toString() + QString::fromUtf8(r.txt.join('\x01')));
}

// §8.2's order between two probes' SRV data: the lexicographically later one wins.
QByteArray srvOrder(const dns::Record &r)
{
    QByteArray key;
    for (const quint16 v : {r.priority, r.weight, r.port})
        key += char(v >> 8) + QByteArray(1, char(v & 0xFF));
    for (const QByteArray &label : r.target)
        key += char(label.size()) + label.toLower();
    return key;
}

QList<dns::Record> withTtl(QList<dns::Record> records, quint32 ttl)
{
    for (dns::Record &r : records)
        r.ttl = ttl;
    return records;
}

}  // namespace

DnsSdAnnouncer::DnsSdAnnouncer(const Announcement &announcement, QObject *parent)
    : QObject(parent),
      m_announcement(announcement)
{
    m_service.host = hostLabel();
    m_baseName = utf8Prefix(announcement.name.isEmpty() ? defaultName() : announcement.name, dns::kMaxLabelBytes);
    m_service.instance = m_baseName;
    m_service.port = announcement.port;
    m_service.tls = announcement.tls;
    m_service.txt = announcementTxt(announcement.tls);
    m_step.setSingleShot(true);
    connect(&m_step, &QTimer::timeout, this, [this] {
        if (m_state == State::Probing)
            probeStep();
        else
            announceStep();
    });
    m_interfaceCheck.setInterval(kInterfaceCheckMs);
    connect(&m_interfaceCheck, &QTimer::timeout, this, &DnsSdAnnouncer::refreshInterfaces);
    m_clock.start();
}

DnsSdAnnouncer::~DnsSdAnnouncer() { stop(); }

QString DnsSdAnnouncer::defaultName()
{
    // One DNS label, also where Avahi announces it: at most 63 bytes.
    return QString::fromUtf8(
        utf8Prefix(QStringLiteral("hlscam on %1").arg(QString::fromUtf8(hostLabel())), dns::kMaxLabelBytes));
}

Error DnsSdAnnouncer::start()
{
    if (m_state != State::Stopped)
        return {};
    m_socket = new MdnsSocket(this);
    if (Error e = m_socket->open(kMdnsPort)) {
        delete m_socket;
        m_socket = nullptr;
        return e;
    }
    connect(m_socket, &MdnsSocket::received, this, &DnsSdAnnouncer::onDatagram);
    m_links = reachableLinks();
    m_socket->join(m_links);
    m_interfaceCheck.start();
    // §8.1: a random 0-250 ms first, so hosts powered on together do not probe in step.
    beginProbing(int(QRandomGenerator::global()->bounded(kProbeIntervalMs)));
    return {};
}

void DnsSdAnnouncer::stop()
{
    if (m_state == State::Stopped)
        return;
    if (m_state == State::Announced) {
        for (const LinkInterface &link : std::as_const(m_links))
            m_socket->sendMulticast(link, dns::encode(dnssd::response({withTtl(recordsOn(link), 0), {}})));
        qCInfo(lcMdns) << "said goodbye as" << instanceName();
    }
    m_state = State::Stopped;
    m_step.stop();
    m_interfaceCheck.stop();
    // Not `delete`: stop() may run from a slot on the socket's own received().
    m_socket->closeAndDeleteLater();
    m_socket = nullptr;
}

void DnsSdAnnouncer::beginProbing(int delayMs)
{
    m_state = State::Probing;
    m_stepsLeft = kProbes;
    m_step.start(delayMs);
}

void DnsSdAnnouncer::probeStep()
{
    if (m_stepsLeft == 0) {
        m_state = State::Announced;
        m_stepsLeft = kAnnouncements;
        qCInfo(lcMdns) << "announcing" << instanceName() << "on port" << m_service.port << "as"
                       << dns::toString(dnssd::hlscamType()) << "and" << dns::toString(dnssd::webType(m_service.tls));
        announceStep();
        return;
    }
    // §8.1: ask for ANY record of our names, our claim in authority. Without the QU bit: port
    // 5353 is shared, and a unicast answer would reach only one of the sockets on it.
    dns::Message probe;
    for (const dns::Name &type : {dnssd::hlscamType(), dnssd::webType(m_service.tls)}) {
        dns::Question q;
        q.name = dnssd::instanceName(m_service.instance, type);
        q.type = dns::ANY;
        probe.questions.append(q);
    }
    for (const dns::Record &r : dnssd::records(m_service, {}))
        if (r.cacheFlush)
            probe.authorities.append(r);
    const QByteArray packet = dns::encode(probe);
    for (const LinkInterface &link : std::as_const(m_links))
        m_socket->sendMulticast(link, packet);
    --m_stepsLeft;
    m_step.start(kProbeIntervalMs);
}

void DnsSdAnnouncer::announceStep()
{
    for (const LinkInterface &link : std::as_const(m_links))
        sendMulticast(link, recordsOn(link));
    if (--m_stepsLeft > 0)
        m_step.start(kAnnounceIntervalMs);
}

void DnsSdAnnouncer::refreshInterfaces()
{
    const QList<LinkInterface> now = reachableLinks();
    if (now == m_links)
        return;
    qCInfo(lcMdns) << "interfaces changed; announcing again";
    m_links = now;
    m_socket->join(m_links);
    m_lastMulticast.clear();  // the new addresses are news even where the records are not
    if (m_state == State::Announced) {
        m_stepsLeft = 2;
        announceStep();
    }
}

QList<dns::Record> DnsSdAnnouncer::recordsOn(const LinkInterface &link) const
{
    // §15: on each interface, the addresses a host on that link can reach the server on.
    QList<QHostAddress> addresses;
    if (m_announcement.bound != QHostAddress::AnyIPv6)
        addresses += link.addresses(QAbstractSocket::IPv4Protocol);
    if (m_announcement.bound != QHostAddress::AnyIPv4)
        addresses += link.addresses(QAbstractSocket::IPv6Protocol);
    if (m_announcement.boundToWildcard())
        return dnssd::records(m_service, addresses);
    addresses.removeIf([this](const QHostAddress &a) { return a != m_announcement.bound; });
    return dnssd::records(m_service, addresses);
}

QList<LinkInterface> DnsSdAnnouncer::reachableLinks() const
{
    QList<LinkInterface> links = linkInterfaces();
    if (!m_announcement.boundToWildcard())
        links.removeIf([this](const LinkInterface &l) {
            return std::none_of(l.entries.begin(), l.entries.end(),
                                [this](const QNetworkAddressEntry &e) { return e.ip() == m_announcement.bound; });
        });
    return links;
}

void DnsSdAnnouncer::sendMulticast(const LinkInterface &link, const QList<dns::Record> &answers,
                                   const QList<dns::Record> &additionals, qint64 gapMs)
{
    const qint64 now = m_clock.elapsed();
    dnssd::Reply reply;
    for (const dns::Record &r : answers) {
        qint64 &last = m_lastMulticast[recordKey(link.index(), r)];
        if (last != 0 && now - last < gapMs)
            continue;
        last = now;
        reply.answers.append(r);
    }
    if (reply.answers.isEmpty())
        return;
    reply.additionals = additionals;
    m_socket->sendMulticast(link, dns::encode(dnssd::response(reply)));
    if (m_lastMulticast.size() > limits::kMdnsLinksRemembered) {  // keys of interfaces long gone
        for (auto it = m_lastMulticast.begin(); it != m_lastMulticast.end();)
            it = now - it.value() >= kMulticastGapMs ? m_lastMulticast.erase(it) : std::next(it);
    }
}

bool DnsSdAnnouncer::unicastAllowed()
{
    const qint64 now = m_clock.elapsed();
    if (now - m_unicastWindowStart >= 1000) {
        m_unicastWindowStart = now;
        m_unicastInWindow = 0;
    }
    return ++m_unicastInWindow <= kMaxUnicastPerSecond;
}

void DnsSdAnnouncer::onDatagram(const QNetworkDatagram &d)
{
    const std::optional<dns::Message> m = dns::parse(d.data());
    if (!m)
        return;  // malformed: dropped without a word, as anything from a stranger
    const int index = d.interfaceIndex();
    if (!isOnLink(m_links, d.senderAddress(), index)) {
        qCDebug(lcMdns) << "ignored a packet from off-link" << d.senderAddress();
        return;
    }
    if (m->isResponse()) {
        if (d.senderPort() == kMdnsPort)  // §6: responses from other ports are not mDNS
            onResponse(*m);
        return;
    }
    if (m_state == State::Probing) {
        onProbe(*m);
        return;  // our names are not ours yet
    }
    const LinkInterface *link = findLink(m_links, index);
    if (!link && m_links.size() == 1)
        link = &m_links.first();
    if (link)
        answer(*m, d, *link);
}

void DnsSdAnnouncer::answer(const dns::Message &query, const QNetworkDatagram &d, const LinkInterface &link)
{
    const dnssd::Reply reply = dnssd::answer(recordsOn(link), query);
    if (reply.isEmpty())
        return;
    const bool legacy = d.senderPort() != kMdnsPort;
    const bool toUs = !d.destinationAddress().isNull() && !d.destinationAddress().isMulticast();
    // A QU question (§5.4) is answered by multicast all the same: port 5353 is shared on its
    // host, and a unicast answer would reach only one of the sockets there.
    if (legacy || toUs) {
        if (!unicastAllowed())
            return;
        // §6.7: a legacy resolver expects its ID and question back; a direct query from 5353
        // gets a plain mDNS answer (§5.5).
        const dns::Message out = dnssd::response(reply, legacy ? &query : nullptr);
        m_socket->sendTo(d.senderAddress(), quint16(d.senderPort()), dns::encode(out), link.index());
        return;
    }
    // §6: an answer holding a shared record waits 20-120 ms, so responders do not collide.
    const int delay = reply.uniqueOnly() ? 0 : int(QRandomGenerator::global()->bounded(20, 121));
    const int index = link.index();
    const qint64 gap = query.authorities.isEmpty() ? kMulticastGapMs : kDefendGapMs;
    QTimer::singleShot(delay, this, [this, index, reply, gap] {
        if (m_state != State::Announced)
            return;
        if (const LinkInterface *l = findLink(m_links, index))
            sendMulticast(*l, reply.answers, reply.additionals, gap);
    });
}

// Another responder's answer naming our instance with other data: the name is taken (§9).
void DnsSdAnnouncer::onResponse(const dns::Message &m)
{
    if (m_state == State::Stopped)
        return;
    const QList<dns::Record> ours = dnssd::records(m_service, {});
    for (const QList<dns::Record> *section : {&m.answers, &m.additionals}) {
        for (const dns::Record &r : *section) {
            if ((r.type != dns::SRV && r.type != dns::TXT) || r.ttl == 0)
                continue;
            const bool ourName = std::any_of(ours.begin(), ours.end(),
                                             [&r](const dns::Record &o) { return dns::sameName(o.name, r.name); });
            const bool same =
                std::any_of(ours.begin(), ours.end(), [&r](const dns::Record &o) { return o.sameRecord(r); });
            if (ourName && !same) {
                rename();
                return;
            }
        }
    }
}

// §8.2: two hosts probing for the same name at once: the one with the later data wins, the other
// waits a second and probes again (then meets the winner's answer and renames).
void DnsSdAnnouncer::onProbe(const dns::Message &m)
{
    const QList<dns::Record> ours = dnssd::records(m_service, {});
    for (const dns::Record &theirs : m.authorities) {
        if (theirs.type != dns::SRV)
            continue;
        for (const dns::Record &mine : ours) {
            if (mine.type != dns::SRV || !dns::sameName(mine.name, theirs.name) || mine.sameRecord(theirs))
                continue;
            if (srvOrder(theirs) > srvOrder(mine)) {
                qCInfo(lcMdns) << "another host probes for" << instanceName() << "at the same time; trying again";
                beginProbing(kConflictDeferMs);
            }
            return;
        }
    }
}

void DnsSdAnnouncer::rename()
{
    const QString old = instanceName();
    m_renames = m_renames % (kMaxSuffix - 1) + 1;
    const QByteArray suffix = " (" + QByteArray::number(m_renames + 1) + ')';
    m_service.instance = utf8Prefix(QString::fromUtf8(m_baseName), dns::kMaxLabelBytes - int(suffix.size())) + suffix;
    m_lastMulticast.clear();
    const int delay = conflictDelayMs();
    if (delay > 0 && !m_throttled)
        qCWarning(lcMdns) << "more than" << kConflictBurst << "name conflicts within" << kConflictWindowMs / 1000
                          << "s: probing again at most every" << delay / 1000 << "s";
    m_throttled = delay > 0;
    // Under a flood of conflicts, one line per rename would be a flood of log lines too.
    if (!m_throttled)
        qCInfo(lcMdns) << "the name" << old << "is taken on the network; now" << instanceName();
    else
        qCDebug(lcMdns) << "the name" << old << "is taken on the network; now" << instanceName();
    beginProbing(delay);
}

int DnsSdAnnouncer::conflictDelayMs()
{
    const qint64 now = m_clock.elapsed();
    const bool recent = !m_conflicts.isEmpty() && now - m_conflicts.last() < kConflictWindowMs;
    m_conflicts.removeIf([now](qint64 t) { return now - t >= kConflictWindowMs; });
    m_conflicts.append(now);
    if (m_conflicts.size() > kConflictBurst + 1)  // only "more than 15" matters: bounded
        m_conflicts.removeFirst();
    // Once over the limit, it holds until 10 s pass without a conflict (§8.1 asks for "at
    // least" 5 s): a host that answers every probe at once gets one attempt each 5 s, not 15
    // quick ones each time the oldest conflicts leave the window.
    const bool throttle = m_conflicts.size() > kConflictBurst || (m_throttled && recent);
    return throttle ? kThrottledProbeDelayMs : 0;
}

}  // namespace hlscam
