// The WebRTC UDP port against raw sockets on loopback: a session's ICE check (STUN with the
// answer's credentials) is answered; datagrams from addresses without a session, checks with a
// wrong username or password, and malformed STUN, RTP, RTCP and DTLS change nothing (no answer,
// the session lives on); DELETE ends a session; a viewer that stops its consent checks is
// reaped; the status and metrics count the sessions.
#include "ServiceProcess.h"
#include "WhepSession.h"
#include "webrtc/Rtcp.h"
#include "webrtc/Stun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkDatagram>
#include <QUdpSocket>
#include <QtTest>

using namespace hlscam;

class TestWebRtcUdp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void checkAnsweredAndStrangersIgnored();
    void deleteEndsTheSession();
    void silentViewerIsReaped();

private:
    int sessions();
    // Sends a check for `s` from `socket` and waits for the answer: also a barrier, as the
    // service reads its socket in order.
    bool checkAnswered(QUdpSocket &socket, const WhepSession &s);
    // Binds `viewer` to loopback and checks that its check on `s` is answered.
    bool viewerAnswered(QUdpSocket &viewer, const WhepSession &s);
    std::optional<QByteArray> receive(QUdpSocket &socket, int timeoutMs);

    ServiceProcess m_service;
    quint16 m_udpPort = 0;
};

void TestWebRtcUdp::initTestCase()
{
    QVERIFY(m_service.addUser(kWhepUser, kWhepPassword, QStringLiteral("admin")));
    QVERIFY(m_service.start(m_service.configArgs("[webrtc]\nudp_port = 0\n")));
    m_udpPort = webRtcUdpPort(m_service);
    QVERIFY2(m_udpPort != 0, m_service.log().constData());
}

void TestWebRtcUdp::cleanupTestCase() { QCOMPARE(m_service.stop(), 0); }

int TestWebRtcUdp::sessions()
{
    const HttpReply r = m_service.get(QStringLiteral("/api/v1/status"), kWhepUser, kWhepPassword);
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

bool TestWebRtcUdp::checkAnswered(QUdpSocket &socket, const WhepSession &s)
{
    const IceCheck check = iceCheck(s);
    socket.writeDatagram(check.request, QHostAddress::LocalHost, m_udpPort);
    std::optional<QByteArray> reply;
    // Skips what else the service sent (a DTLS alert for a broken handshake).
    for (int i = 0; i < 10 && !(reply && stun::looksLikeStun(*reply)); ++i)
        reply = receive(socket, 5000);
    return reply && answersCheck(*reply, check, socket, s);
}

bool TestWebRtcUdp::viewerAnswered(QUdpSocket &viewer, const WhepSession &s)
{
    if (!viewer.bind(QHostAddress::LocalHost, 0)) {
        qWarning() << "cannot bind a viewer's socket:" << viewer.errorString();
        return false;
    }
    return checkAnswered(viewer, s);
}

void TestWebRtcUdp::checkAnsweredAndStrangersIgnored()
{
    const WhepSession s = openWhepSession(m_service);
    QVERIFY(!s.ufrag.isEmpty() && s.pwd.size() >= 22);
    QCOMPARE(sessions(), 1);

    QUdpSocket viewer, stranger;
    QVERIFY(stranger.bind(QHostAddress(QStringLiteral("127.0.0.2")), 0));
    QVERIFY(viewerAnswered(viewer, s));

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
    const HttpReply metrics = m_service.get(QStringLiteral("/metrics"), kWhepUser, kWhepPassword);
    QVERIFY2(metrics.body.contains("hlscam_webrtc_sessions{camera=\"cam0\"} 1"), metrics.body.constData());

    QCOMPARE(endWhepSession(m_service, s), 200);
    QCOMPARE(sessions(), 0);
}

void TestWebRtcUdp::deleteEndsTheSession()
{
    const WhepSession s = openWhepSession(m_service);
    QUdpSocket viewer;
    QVERIFY(viewerAnswered(viewer, s));
    QCOMPARE(endWhepSession(m_service, s), 200);
    QCOMPARE(sessions(), 0);
    // Its credentials open nothing any more: the check is not answered.
    const WhepSession other = openWhepSession(m_service);  // a live session, for the barrier
    viewer.writeDatagram(stun::bindingRequest("gone-session", s.ufrag + ":tEsT", s.pwd, true), QHostAddress::LocalHost,
                         m_udpPort);
    QUdpSocket second;
    QVERIFY(viewerAnswered(second, other));
    QVERIFY(!viewer.hasPendingDatagrams());
    QCOMPARE(endWhepSession(m_service, other), 200);
}

void TestWebRtcUdp::silentViewerIsReaped()
{
    // A viewer killed without DELETE: its consent checks stop, and 30 s later (RFC 7675) the
    // session is gone.
    const WhepSession s = openWhepSession(m_service);
    QUdpSocket viewer;
    QVERIFY(viewerAnswered(viewer, s));
    QCOMPARE(sessions(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(sessions(), 0, 45000);
    QVERIFY(m_service.log().contains("no consent check for 30 s"));
}

QTEST_GUILESS_MAIN(TestWebRtcUdp)
#include "tst_webrtcudp.moc"
