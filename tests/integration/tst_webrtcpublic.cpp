// Where viewers outside reach the WebRTC ports, against the real binary: `[webrtc] stun_server`
// is asked from the media port itself (a bare binding request, retried when unanswered), its
// XOR-MAPPED-ADDRESS becomes a host candidate of every answer, and a look-alike response from
// another address is ignored; `[webrtc] public_address` may be a DNS name, looked up. The STUN
// server is this test's own UDP socket on loopback, so it can stay silent once and answer with
// an address no loopback server could (198.51.100.9, a documentation address).
#include "ServiceProcess.h"
#include "WhepSession.h"
#include "webrtc/Stun.h"

#include <QNetworkDatagram>
#include <QUdpSocket>
#include <QtTest>

using namespace hlscam;

namespace {

std::optional<QNetworkDatagram> receive(QUdpSocket &socket, int timeoutMs)
{
    if (!socket.hasPendingDatagrams() && !socket.waitForReadyRead(timeoutMs))
        return std::nullopt;
    return socket.receiveDatagram();
}

}  // namespace

class TestWebRtcPublic : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stunServerAndNameGiveCandidates();
};

void TestWebRtcPublic::stunServerAndNameGiveCandidates()
{
    QUdpSocket stunServer, impostor;
    QVERIFY(stunServer.bind(QHostAddress::LocalHost, 0));
    QVERIFY(impostor.bind(QHostAddress(QStringLiteral("127.0.0.2")), 0));
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("admin"), QStringLiteral("admin-password"), QStringLiteral("admin")));
    QVERIFY(service.start(
        service.configArgs("[webrtc]\nudp_port = 0\npublic_address = localhost\nstun_server = 127.0.0.1:" +
                           QByteArray::number(stunServer.localPort()) + "\n")));
    const quint16 udpPort = webRtcUdpPort(service);
    const quint16 tcpPort = webRtcTcpPort(service);
    QVERIFY2(udpPort != 0 && tcpPort != 0, service.log().constData());

    // The first request goes unanswered (a lost datagram); the service asks again, with the
    // same transaction, from its media port.
    const std::optional<QNetworkDatagram> first = receive(stunServer, 5000);
    QVERIFY2(first, service.log().constData());
    QCOMPARE(first->senderPort(), int(udpPort));
    const Result<stun::Message> request = stun::parse(first->data());
    QVERIFY2(request.ok(), qPrintable(request.ok() ? QString() : request.error().message));
    QCOMPARE(request.value().type, stun::kBindingRequest);
    const std::optional<QNetworkDatagram> second = receive(stunServer, 3000);
    QVERIFY(second);
    QCOMPARE(stun::parse(second->data()).value().transactionId, request.value().transactionId);

    // A look-alike answer from elsewhere, with the right transaction: ignored.
    impostor.writeDatagram(stun::bindingSuccess(request.value(), QHostAddress(QStringLiteral("192.0.2.66")), 1111, ""),
                           QHostAddress::LocalHost, udpPort);
    stunServer.writeDatagram(
        stun::bindingSuccess(request.value(), QHostAddress(QStringLiteral("198.51.100.9")), 40000, ""),
        QHostAddress::LocalHost, udpPort);
    QTRY_VERIFY_WITH_TIMEOUT(
        service.log().contains("WebRTC public address from the STUN server 127.0.0.1:" +
                               QByteArray::number(stunServer.localPort()) + " is 198.51.100.9:40000"),
        5000);
    QTRY_VERIFY_WITH_TIMEOUT(service.log().contains("WebRTC public address localhost is 127.0.0.1"), 5000);

    const HttpReply r =
        service.get(QStringLiteral("/cam/cam0/whep"), QStringLiteral("admin"), QStringLiteral("admin-password"), "POST",
                    kWhepOffer, {{"Content-Type", "application/sdp"}});
    QCOMPARE(r.status, 201);
    QVERIFY2(r.body.contains(" udp "), r.body.constData());
    QVERIFY2(r.body.contains("198.51.100.9 40000 typ host\r\n"), r.body.constData());
    QVERIFY2(r.body.contains("198.51.100.9 " + QByteArray::number(tcpPort) + " typ host tcptype passive"),
             r.body.constData());
    QVERIFY2(!r.body.contains("192.0.2.66"), r.body.constData());
    // localhost is 127.0.0.1, the address the request came in on: offered once.
    QCOMPARE(r.body.count("127.0.0.1 " + QByteArray::number(udpPort) + " typ host\r\n"), 1);
    QCOMPARE(service.stop(), 0);
}

QTEST_GUILESS_MAIN(TestWebRtcPublic)
#include "tst_webrtcpublic.moc"
