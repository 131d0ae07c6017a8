// The WebRTC UDP port against raw sockets on loopback: a session's ICE check (STUN with the
// answer's credentials) is answered; datagrams from addresses without a session, checks with a
// wrong username or password, and malformed STUN, RTP, RTCP and DTLS change nothing (no answer,
// the session lives on); DELETE ends a session; a viewer that stops its consent checks is
// reaped; the status and metrics count the sessions.
#include "ServiceProcess.h"
#include "WhepOffer.h"
#include "webrtc/Rtcp.h"
#include "webrtc/Stun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkDatagram>
#include <QRegularExpression>
#include <QUdpSocket>
#include <QtTest>

using namespace hlscam;

namespace {

struct Session {
    QByteArray location;
    QByteArray ufrag;
    QByteArray pwd;
};

}  // namespace

class TestWebRtcUdp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void checkAnsweredAndStrangersIgnored();
    void deleteEndsTheSession();
    void silentViewerIsReaped();

private:
    Session open();
    int sessions();
    // Sends a check for `s` from `socket` and waits for the answer: also a barrier, as the
    // service reads its socket in order.
    bool checkAnswered(QUdpSocket &socket, const Session &s);
    std::optional<QByteArray> receive(QUdpSocket &socket, int timeoutMs);

    ServiceProcess m_service;
    quint16 m_udpPort = 0;
};

void TestWebRtcUdp::initTestCase()
{
    QVERIFY(m_service.addUser(QStringLiteral("admin"), QStringLiteral("admin-password"), QStringLiteral("admin")));
    QVERIFY(m_service.start(m_service.configArgs("[webrtc]\nudp_port = 0\n")));
    const QRegularExpression re(QStringLiteral("WebRTC \\(WHEP\\) media on UDP port (\\d+)"));
    m_udpPort = quint16(re.match(QString::fromUtf8(m_service.log())).captured(1).toUInt());
    QVERIFY2(m_udpPort != 0, m_service.log().constData());
}

void TestWebRtcUdp::cleanupTestCase() { QCOMPARE(m_service.stop(), 0); }

Session TestWebRtcUdp::open()
{
    const HttpReply r =
        m_service.get(QStringLiteral("/cam/cam0/whep"), QStringLiteral("admin"), QStringLiteral("admin-password"),
                      "POST", kWhepOffer, {{"Content-Type", "application/sdp"}});
    if (r.status != 201)
        qWarning() << r.status << r.body;
    return {r.header("Location"), sdpAttribute(r.body, "ice-ufrag"), sdpAttribute(r.body, "ice-pwd")};
}

int TestWebRtcUdp::sessions()
{
    const HttpReply r =
        m_service.get(QStringLiteral("/api/v1/status"), QStringLiteral("admin"), QStringLiteral("admin-password"));
    const QJsonArray cameras = QJsonDocument::fromJson(r.body).object().value(QStringLiteral("cameras")).toArray();
    return cameras.isEmpty() ? -1
                             : cameras.first()
                                   .toObject()
                                   .value(QStringLiteral("webrtc"))
                                   .toObject()
                                   .value(QStringLiteral("sessions"))
                                   .toInt(-1);
}

std::optional<QByteArray> TestWebRtcUdp::receive(QUdpSocket &socket, int timeoutMs)
{
    if (!socket.hasPendingDatagrams() && !socket.waitForReadyRead(timeoutMs))
        return std::nullopt;
    return socket.receiveDatagram().data();
}

bool TestWebRtcUdp::checkAnswered(QUdpSocket &socket, const Session &s)
{
    const QByteArray txid = QByteArray::number(QRandomGenerator::global()->generate64()).left(12).leftJustified(12);
    socket.writeDatagram(stun::bindingRequest(txid, s.ufrag + ":tEsT", s.pwd, true), QHostAddress::LocalHost,
                         m_udpPort);
    std::optional<QByteArray> reply;
    // Skips what else the service sent (a DTLS alert for a broken handshake).
    for (int i = 0; i < 10 && !(reply && stun::looksLikeStun(*reply)); ++i)
        reply = receive(socket, 5000);
    if (!reply)
        return false;
    const Result<stun::Message> m = stun::parse(*reply);
    return m.ok() && m.value().type == stun::kBindingSuccess && m.value().transactionId == txid &&
           m.value().mappedPort == socket.localPort() && m.value().mappedAddress == socket.localAddress() &&
           stun::integrityMatches(*reply, m.value(), s.pwd);
}

void TestWebRtcUdp::checkAnsweredAndStrangersIgnored()
{
    const Session s = open();
    QVERIFY(!s.ufrag.isEmpty() && s.pwd.size() >= 22);
    QCOMPARE(sessions(), 1);

    QUdpSocket viewer, stranger;
    QVERIFY(viewer.bind(QHostAddress::LocalHost, 0));
    QVERIFY(stranger.bind(QHostAddress(QStringLiteral("127.0.0.2")), 0));
    QVERIFY(checkAnswered(viewer, s));

    const QByteArray txid = "strangerTxId";
    const QList<QByteArray> junk = {
        QByteArray(),
        QByteArray(1, '\0'),
        QByteArray(100, '\xff'),
        stun::bindingRequest(txid, s.ufrag + ":tEsT", "not-the-password-at-all", true),  // wrong password
        stun::bindingRequest(txid, "nope:tEsT", s.pwd, true),                            // unknown ufrag
        stun::bindingRequest(txid, s.ufrag + ":other", s.pwd, true),                     // not the viewer's
        stun::bindingRequest(txid, s.ufrag + ":tEsT", s.pwd, true).left(40),             // cut short
        QByteArray::fromHex("16fefd000000000000000000") + QByteArray(200, 'h'),          // a DTLS "hello"
        QByteArray::fromHex("8060000100000000deadbeef") + QByteArray(500, 'r'),          // RTP
        rtcp::pli(1, 2) + QByteArray(14, 's'),                                           // SRTCP-shaped
        rtcp::nack(1, 2, {1, 2, 3}),
    };
    // From an address without a session: no answer to anything, not even to a correct check's
    // look-alike with the wrong password.
    for (const QByteArray &d : junk)
        stranger.writeDatagram(d, QHostAddress::LocalHost, m_udpPort);
    // From the viewer's own address: malformed media and feedback are dropped (SRTCP does not
    // authenticate), the session lives on.
    for (const QByteArray &d : junk.mid(7))
        viewer.writeDatagram(d, QHostAddress::LocalHost, m_udpPort);
    QVERIFY2(checkAnswered(viewer, s), m_service.log().right(1500).constData());  // everything before is read
    QVERIFY(!stranger.hasPendingDatagrams());
    QVERIFY(!stranger.waitForReadyRead(200));
    QCOMPARE(sessions(), 1);
    const HttpReply metrics =
        m_service.get(QStringLiteral("/metrics"), QStringLiteral("admin"), QStringLiteral("admin-password"));
    QVERIFY2(metrics.body.contains("hlscam_webrtc_sessions{camera=\"cam0\"} 1"), metrics.body.constData());

    const HttpReply deleted = m_service.get(QString::fromLatin1(s.location), QStringLiteral("admin"),
                                            QStringLiteral("admin-password"), "DELETE");
    QCOMPARE(deleted.status, 200);
    QCOMPARE(sessions(), 0);
}

void TestWebRtcUdp::deleteEndsTheSession()
{
    const Session s = open();
    QUdpSocket viewer;
    QVERIFY(viewer.bind(QHostAddress::LocalHost, 0));
    QVERIFY(checkAnswered(viewer, s));
    QCOMPARE(
        m_service
            .get(QString::fromLatin1(s.location), QStringLiteral("admin"), QStringLiteral("admin-password"), "DELETE")
            .status,
        200);
    QCOMPARE(sessions(), 0);
    // Its credentials open nothing any more: the check is not answered.
    const Session other = open();  // a live session, for the barrier
    QUdpSocket second;
    QVERIFY(second.bind(QHostAddress::LocalHost, 0));
    viewer.writeDatagram(stun::bindingRequest("gone-session", s.ufrag + ":tEsT", s.pwd, true), QHostAddress::LocalHost,
                         m_udpPort);
    QVERIFY(checkAnswered(second, other));
    QVERIFY(!viewer.hasPendingDatagrams());
    QCOMPARE(m_service
                 .get(QString::fromLatin1(other.location), QStringLiteral("admin"), QStringLiteral("admin-password"),
                      "DELETE")
                 .status,
             200);
}

void TestWebRtcUdp::silentViewerIsReaped()
{
    // A viewer killed without DELETE: its consent checks stop, and 30 s later (RFC 7675) the
    // session is gone.
    const Session s = open();
    QUdpSocket viewer;
    QVERIFY(viewer.bind(QHostAddress::LocalHost, 0));
    QVERIFY(checkAnswered(viewer, s));
    QCOMPARE(sessions(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(sessions(), 0, 45000);
    QVERIFY(m_service.log().contains("no consent check for 30 s"));
}

QTEST_GUILESS_MAIN(TestWebRtcUdp)
#include "tst_webrtcudp.moc"
