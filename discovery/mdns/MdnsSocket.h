// The UDP sockets of multicast DNS: IPv4 (group 224.0.0.251) and IPv6 (ff02::fb) on port 5353,
// shared with any other responder on the machine (Avahi, mDNSResponder, another hlscam) through
// SO_REUSEADDR, joined on each link interface, sending with TTL / hop limit 255 as RFC 6762 §11
// asks. Port 0 gives an ephemeral port instead: a one-shot (legacy) querier. A slot on `received`
// may even delete this object (or its owner outright): `received` is emitted from a queued call of
// its own, never inside QUdpSocket's readyRead, which checks it is alive after each emit.
#pragma once

#include "Error.h"
#include "mdns/LinkInterfaces.h"

#include <QHostAddress>
#include <QNetworkDatagram>
#include <QObject>
#include <QUdpSocket>

namespace hlscam {

constexpr quint16 kMdnsPort = 5353;

class MdnsSocket : public QObject {
    Q_OBJECT
public:
    explicit MdnsSocket(QObject *parent = nullptr);

    static QHostAddress group(QAbstractSocket::NetworkLayerProtocol protocol);

    // Binds IPv4 and, when the machine has it, IPv6; fails (Fault::Io) when IPv4 cannot be bound.
    Error open(quint16 port);
    // Joins the groups on these interfaces (and leaves the ones no longer listed).
    void join(const QList<LinkInterface> &links);
    // To the group, out of that interface, in each protocol it has an address of.
    void sendMulticast(const LinkInterface &link, const QByteArray &packet);
    void sendTo(const QHostAddress &to, quint16 port, const QByteArray &packet, int interfaceIndex = 0);
    quint16 localPort() const { return m_v4.localPort(); }
    // Closes the sockets (nothing more is received or sent) and deletes this object once control
    // is back in the event loop: what an owner calls to let go of it, also from a slot on
    // `received` while deliver() is still on the stack.
    void closeAndDeleteLater();

Q_SIGNALS:
    void received(const QNetworkDatagram &datagram);

private:
    void readPending(QUdpSocket *socket);
    void scheduleDelivery();
    void deliver();

    QUdpSocket m_v4;
    QUdpSocket m_v6;
    bool m_hasV6 = false;
    QList<QNetworkDatagram> m_inbox;  // read, to be handed on by deliver()
    bool m_deliveryQueued = false;
    QList<LinkInterface> m_joined;
};

}  // namespace hlscam
