// The WebRTC ICE-TCP port (RFC 6544, RFC 4571 framing) against raw TCP sockets on loopback: a
// session's check over TCP is answered with the connection's address and the connection stays;
// a connection that sends nothing, sends anything but a valid check first, a check with the
// wrong password, or a frame longer than a datagram, is closed; connections from one address
// are bounded; DELETE closes the session's connection; a taken ICE-TCP port.
#include "ServiceProcess.h"
#include "WhepSession.h"
#include "webrtc/Rfc4571.h"
#include "webrtc/Stun.h"

#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

using namespace hlscam;

namespace {

constexpr int kPerAddress = 4;  // twice max_sessions_per_address = 2 below

}  // namespace

class TestWebRtcTcp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void checkOverTcpAnsweredAndKept();
    void strangersClosed_data();
    void strangersClosed();
    void silentConnectionClosed();
    void connectionsPerAddressBounded();
    void takenTcpPort();

private:
    bool connect(QTcpSocket &socket);
    // Sends a check for `s` on `socket` and reads the framed answer: a success for this socket's
    // address and port, signed with the session's password.
    bool checkAnswered(QTcpSocket &socket, const WhepSession &s);
    // The session lives: a viewer's check on a new connection is answered.
    bool answeredOnNewConnection(const WhepSession &s);

    ServiceProcess m_service;
    quint16 m_tcpPort = 0;
};

void TestWebRtcTcp::initTestCase()
{
    QVERIFY(m_service.addUser(kWhepUser, kWhepPassword, QStringLiteral("admin")));
    QVERIFY(m_service.start(m_service.configArgs("[webrtc]\nudp_port = 0\nmax_sessions_per_address = 2\n")));
    m_tcpPort = webRtcTcpPort(m_service);
    QVERIFY2(m_tcpPort != 0, m_service.log().constData());
}

void TestWebRtcTcp::cleanupTestCase() { QCOMPARE(m_service.stop(), 0); }

bool TestWebRtcTcp::connect(QTcpSocket &socket)
{
    socket.connectToHost(QHostAddress::LocalHost, m_tcpPort);
    return socket.waitForConnected(5000);
}

bool TestWebRtcTcp::checkAnswered(QTcpSocket &socket, const WhepSession &s)
{
    const IceCheck check = iceCheck(s);
    socket.write(rfc4571::frame(check.request));
    rfc4571::Reader reader;
    std::optional<QByteArray> reply;
    for (int i = 0; i < 50 && !reply; ++i) {
        if (!socket.bytesAvailable() && !socket.waitForReadyRead(5000))
            return false;
        if (!reader.append(socket.readAll()))
            return false;
        reply = reader.next();
    }
    return reply && answersCheck(*reply, check, socket, s);
}

bool TestWebRtcTcp::answeredOnNewConnection(const WhepSession &s)
{
    QTcpSocket viewer;
    if (!connect(viewer)) {
        qWarning() << "no connection to the ICE-TCP port";
        return false;
    }
    return checkAnswered(viewer, s);
}

void TestWebRtcTcp::checkOverTcpAnsweredAndKept()
{
    const WhepSession s = openWhepSession(m_service);
    QVERIFY(!s.ufrag.isEmpty());
    QVERIFY2(QRegularExpression(QStringLiteral(" tcp \\d+ 127\\.0\\.0\\.1 %1 typ host tcptype passive").arg(m_tcpPort))
                 .match(QString::fromLatin1(s.answer))
                 .hasMatch(),
             s.answer.constData());
    QTcpSocket viewer;
    QVERIFY(connect(viewer));
    QVERIFY2(checkAnswered(viewer, s), m_service.log().right(1500).constData());
    // Bound by a valid check: it outlives the 5 s a connection gets to send one.
    QTest::qWait(6500);
    QCOMPARE(viewer.state(), QAbstractSocket::ConnectedState);
    QVERIFY(checkAnswered(viewer, s));
    // DELETE ends the session and closes its connection.
    QCOMPARE(endWhepSession(m_service, s), 200);
    QTRY_COMPARE_WITH_TIMEOUT(viewer.state(), QAbstractSocket::UnconnectedState, 3000);
}

void TestWebRtcTcp::strangersClosed_data()
{
    QTest::addColumn<QByteArray>("kind");
    QTest::newRow("DTLS first") << QByteArray("dtls");
    QTest::newRow("wrong password") << QByteArray("password");
    QTest::newRow("unknown session") << QByteArray("ufrag");
    QTest::newRow("frame over 2048 bytes") << QByteArray("long");
    QTest::newRow("empty frame") << QByteArray("empty");
    QTest::newRow("HTTP") << QByteArray("http");
}

void TestWebRtcTcp::strangersClosed()
{
    QFETCH(QByteArray, kind);
    const WhepSession s = openWhepSession(m_service);
    QByteArray bytes;
    if (kind == "dtls")
        bytes = rfc4571::frame(QByteArray::fromHex("16fefd000000000000000000") + QByteArray(200, 'h'));
    else if (kind == "password")
        bytes =
            rfc4571::frame(stun::bindingRequest("strangerTxId", s.ufrag + ":tEsT", "not-the-password-at-all", true));
    else if (kind == "ufrag")
        bytes = rfc4571::frame(stun::bindingRequest("strangerTxId", "nope:tEsT", s.pwd, true));
    else if (kind == "long")
        bytes = QByteArray::fromHex("0801") + QByteArray(100, 'x');  // announces 2049 bytes
    else if (kind == "empty")
        bytes = QByteArray::fromHex("0000");
    else
        bytes = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    QTcpSocket stranger;
    QVERIFY(connect(stranger));
    stranger.write(bytes);
    // Closed at once, long before the 5 s a silent connection gets, and nothing answered.
    QTRY_COMPARE_WITH_TIMEOUT(stranger.state(), QAbstractSocket::UnconnectedState, 2500);
    QCOMPARE(stranger.readAll(), QByteArray());
    // The session lives on: its viewer's check is answered.
    QVERIFY(answeredOnNewConnection(s));
    QCOMPARE(endWhepSession(m_service, s), 200);
}

void TestWebRtcTcp::silentConnectionClosed()
{
    QTcpSocket silent;
    QVERIFY(connect(silent));
    QElapsedTimer timer;
    timer.start();
    QTRY_COMPARE_WITH_TIMEOUT(silent.state(), QAbstractSocket::UnconnectedState, 9000);
    QVERIFY2(timer.elapsed() >= 4000, qPrintable(QString::number(timer.elapsed())));
}

void TestWebRtcTcp::connectionsPerAddressBounded()
{
    std::array<QTcpSocket, kPerAddress + 1> sockets;
    for (int i = 0; i < kPerAddress; ++i)
        QVERIFY(connect(sockets[i]));
    // The one past the bound is closed at accept; the others stay (until their 5 s are up).
    QVERIFY(connect(sockets[kPerAddress]));
    QTRY_COMPARE_WITH_TIMEOUT(sockets[kPerAddress].state(), QAbstractSocket::UnconnectedState, 2500);
    for (int i = 0; i < kPerAddress; ++i)
        QCOMPARE(sockets[i].state(), QAbstractSocket::ConnectedState);
    // Once they are gone there is room again.
    for (int i = 0; i < kPerAddress; ++i)
        QTRY_COMPARE_WITH_TIMEOUT(sockets[i].state(), QAbstractSocket::UnconnectedState, 9000);
    const WhepSession s = openWhepSession(m_service);
    QVERIFY(answeredOnNewConnection(s));
    QCOMPARE(endWhepSession(m_service, s), 200);
}

// The ICE-TCP port's number taken by another program: by default (tcp_port follows udp_port)
// WebRTC runs on over UDP with a warning; asked for explicitly, WebRTC does not start (as for a
// taken UDP port) and the service runs on with HLS.
void TestWebRtcTcp::takenTcpPort()
{
    QTcpServer other;
    QVERIFY(other.listen(QHostAddress::Any, 0));
    const QByteArray port = QByteArray::number(other.serverPort());
    {
        ServiceProcess service;
        QVERIFY(service.start(service.configArgs("[webrtc]\nudp_port = " + port + "\n")));
        QVERIFY2(service.log().contains("WebRTC (WHEP) media on UDP port " + port), service.log().constData());
        QVERIFY2(service.log().contains("WebRTC: no ICE-TCP: cannot listen on the WebRTC ICE-TCP port " + port),
                 service.log().constData());
        QVERIFY(!service.log().contains("ICE-TCP on TCP port"));
        QCOMPARE(service.stop(), 0);
    }
    ServiceProcess service;
    QVERIFY(service.start(service.configArgs("[webrtc]\nudp_port = 0\ntcp_port = " + port + "\n")));
    QVERIFY2(service.log().contains("cannot listen on the WebRTC ICE-TCP port " + port), service.log().constData());
    QVERIFY(!service.log().contains("WebRTC (WHEP) media on UDP port"));
    QCOMPARE(service.stop(), 0);
}

QTEST_GUILESS_MAIN(TestWebRtcTcp)
#include "tst_webrtctcp.moc"
