#include "mdns/MdnsSocket.h"
#include "Limits.h"

#include "Logging.h"
#include "mdns/DnsMessage.h"

#include <QPointer>
#include <QVariant>

namespace hlscam {

namespace {

constexpr int kMaxDatagramsPerWakeup = limits::kMdnsDatagramsPerWakeup;
constexpr int kMaxInbox = limits::kMdnsInbox;

const QAbstractSocket::BindMode kShared = QAbstractSocket::ShareAddress | QAbstractSocket::ReuseAddressHint;

}  // namespace

MdnsSocket::MdnsSocket(QObject *parent)
    : QObject(parent),
      m_v4(this),
      m_v6(this)
{
    // Datagrams are read in readyRead but handed on (`received`) from a queued call of our own:
    // Qt's socket code goes on using the QUdpSocket after readyRead returns, so a slot that
    // deleted this object from inside readyRead would leave Qt running on freed memory.
    connect(&m_v4, &QUdpSocket::readyRead, this, [this] { readPending(&m_v4); });
    connect(&m_v6, &QUdpSocket::readyRead, this, [this] { readPending(&m_v6); });
}

QHostAddress MdnsSocket::group(QAbstractSocket::NetworkLayerProtocol protocol)
{
    return protocol == QAbstractSocket::IPv6Protocol ? QHostAddress(QStringLiteral("ff02::fb"))
                                                     : QHostAddress(QStringLiteral("224.0.0.251"));
}

Error MdnsSocket::open(quint16 port)
{
    const QAbstractSocket::BindMode mode = port ? kShared : QAbstractSocket::DefaultForPlatform;
    if (!m_v4.bind(QHostAddress::AnyIPv4, port, mode))
        return {Fault::Io, QStringLiteral("cannot bind UDP port %1: %2").arg(port).arg(m_v4.errorString())};
    m_hasV6 = m_v6.bind(QHostAddress::AnyIPv6, port, mode);
    if (!m_hasV6)
        qCDebug(lcMdns) << "no IPv6 multicast DNS:" << m_v6.errorString();
    for (QUdpSocket *s : {&m_v4, &m_v6}) {
        s->setSocketOption(QAbstractSocket::MulticastTtlOption, QVariant(255));
        s->setSocketOption(QAbstractSocket::MulticastLoopbackOption, QVariant(1));  // a browser on this machine
    }
    return {};
}

void MdnsSocket::join(const QList<LinkInterface> &links)
{
    // Only a socket on 5353 hears the group; an ephemeral querier gets unicast answers.
    if (m_v4.localPort() != kMdnsPort)
        return;
    for (const LinkInterface &old : std::as_const(m_joined)) {
        if (findLink(links, old.index()))
            continue;
        m_v4.leaveMulticastGroup(group(QAbstractSocket::IPv4Protocol), old.iface);
        if (m_hasV6)
            m_v6.leaveMulticastGroup(group(QAbstractSocket::IPv6Protocol), old.iface);
    }
    for (const LinkInterface &link : links) {
        if (findLink(m_joined, link.index()))
            continue;
        if (!link.addresses(QAbstractSocket::IPv4Protocol).isEmpty() &&
            !m_v4.joinMulticastGroup(group(QAbstractSocket::IPv4Protocol), link.iface))
            qCWarning(lcMdns) << "cannot join 224.0.0.251 on" << link.iface.name() << m_v4.errorString();
        if (m_hasV6 && !link.addresses(QAbstractSocket::IPv6Protocol).isEmpty() &&
            !m_v6.joinMulticastGroup(group(QAbstractSocket::IPv6Protocol), link.iface))
            qCDebug(lcMdns) << "cannot join ff02::fb on" << link.iface.name() << m_v6.errorString();
    }
    m_joined = links;
}

void MdnsSocket::sendMulticast(const LinkInterface &link, const QByteArray &packet)
{
    if (!link.addresses(QAbstractSocket::IPv4Protocol).isEmpty()) {
        m_v4.setMulticastInterface(link.iface);
        m_v4.writeDatagram(packet, group(QAbstractSocket::IPv4Protocol), kMdnsPort);
    }
    if (m_hasV6 && !link.addresses(QAbstractSocket::IPv6Protocol).isEmpty()) {
        m_v6.setMulticastInterface(link.iface);
        m_v6.writeDatagram(packet, group(QAbstractSocket::IPv6Protocol), kMdnsPort);
    }
}

void MdnsSocket::sendTo(const QHostAddress &to, quint16 port, const QByteArray &packet, int interfaceIndex)
{
    QNetworkDatagram d(packet, to, port);
    if (interfaceIndex)
        d.setInterfaceIndex(uint(interfaceIndex));
    if (to.protocol() == QAbstractSocket::IPv6Protocol)
        m_v6.writeDatagram(d);
    else
        m_v4.writeDatagram(d);
}

void MdnsSocket::closeAndDeleteLater()
{
    disconnect(this, &MdnsSocket::received, nullptr, nullptr);
    m_inbox.clear();
    m_v4.close();
    m_v6.close();
    deleteLater();
}

void MdnsSocket::readPending(QUdpSocket *socket)
{
    // Qt wants a datagram read inside readyRead (it drops what is left unread there), so reading
    // happens here; at most kMaxInbox a wakeup, and Qt notifies again for the rest.
    for (int i = 0; i < kMaxInbox && socket->hasPendingDatagrams(); ++i) {
        // Qt reads the whole datagram; anything over the mDNS bound is dropped unparsed.
        QNetworkDatagram d = socket->receiveDatagram(dns::kMaxMessageBytes + 1);
        if (!d.isValid() || d.data().size() > dns::kMaxMessageBytes)
            continue;
        if (m_inbox.size() >= kMaxInbox)
            continue;  // a flood the receiver has not caught up with: the newest are dropped
        m_inbox.append(std::move(d));
    }
    scheduleDelivery();
}

void MdnsSocket::scheduleDelivery()
{
    if (m_deliveryQueued || m_inbox.isEmpty())
        return;
    m_deliveryQueued = true;
    QMetaObject::invokeMethod(this, &MdnsSocket::deliver, Qt::QueuedConnection);
}

void MdnsSocket::deliver()
{
    m_deliveryQueued = false;
    // A receiver may stop or delete its owner, and this object with it, from a slot on
    // `received` (the owner stops, or a slot on the owner's own signal deletes it): nothing of
    // this object is touched after an emit unless it is still alive.
    const QPointer<MdnsSocket> alive(this);
    for (int i = 0; i < kMaxDatagramsPerWakeup && !m_inbox.isEmpty(); ++i) {
        Q_EMIT received(m_inbox.takeFirst());
        if (!alive)
            return;
    }
    scheduleDelivery();  // the event loop gets its turn under a flood
}

}  // namespace hlscam
