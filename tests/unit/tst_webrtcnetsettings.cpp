// The [webrtc] keys for viewers on other networks: tcp_port (empty: udp_port's number, 0: off),
// public_address (an IP address written in full or a DNS name) and stun_server (host:port,
// [IPv6]:port, the port 3478 when left out); bad values name the file, line and key.
#include "config/ConfigLoader.h"

#include <QtTest>

using namespace hlscam;

class TestWebRtcNetSettings : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaults();
    void good_data();
    void good();
    void bad_data();
    void bad();
};

void TestWebRtcNetSettings::defaults()
{
    const WebRtcSettings s;
    QVERIFY(!s.tcpPort.has_value());
    QVERIFY(s.publicAddress.isEmpty());
    QVERIFY(s.stunHost.isEmpty());
}

void TestWebRtcNetSettings::good_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("tcpPort");  // -1: unset
    QTest::addColumn<QString>("publicAddress");
    QTest::addColumn<QString>("stunHost");
    QTest::addColumn<int>("stunPort");
    QTest::newRow("tcp off") << QByteArray("tcp_port = 0") << 0 << QString() << QString() << 3478;
    QTest::newRow("tcp port") << QByteArray("tcp_port = 443") << 443 << QString() << QString() << 3478;
    QTest::newRow("tcp same") << QByteArray("tcp_port =") << -1 << QString() << QString() << 3478;
    QTest::newRow("public ip") << QByteArray("public_address = 203.0.113.7") << -1 << "203.0.113.7" << QString()
                               << 3478;
    QTest::newRow("public ipv6") << QByteArray("public_address = 2001:db8::7") << -1 << "2001:db8::7" << QString()
                                 << 3478;
    QTest::newRow("public name") << QByteArray("public_address = cam.example.org") << -1 << "cam.example.org"
                                 << QString() << 3478;
    QTest::newRow("stun name") << QByteArray("stun_server = stun.example.org:19302") << -1 << QString()
                               << "stun.example.org" << 19302;
    QTest::newRow("stun no port") << QByteArray("stun_server = stun.example.org") << -1 << QString()
                                  << "stun.example.org" << 3478;
    QTest::newRow("stun ipv4") << QByteArray("stun_server = 192.0.2.1:3479") << -1 << QString() << "192.0.2.1" << 3479;
    QTest::newRow("stun ipv6") << QByteArray("stun_server = [2001:db8::1]:3479") << -1 << QString() << "2001:db8::1"
                               << 3479;
    QTest::newRow("stun ipv6 alone") << QByteArray("stun_server = 2001:db8::1") << -1 << QString() << "2001:db8::1"
                                     << 3478;
}

void TestWebRtcNetSettings::good()
{
    QFETCH(QByteArray, line);
    QFETCH(int, tcpPort);
    QFETCH(QString, publicAddress);
    QFETCH(QString, stunHost);
    QFETCH(int, stunPort);
    const ConfigResult r = parseConfig("[webrtc]\n" + line + "\n", QStringLiteral("test.conf"));
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error->toString()));
    QCOMPARE(r.settings.webrtc.tcpPort.value_or(65535) == 65535 ? -1 : int(*r.settings.webrtc.tcpPort), tcpPort);
    QCOMPARE(r.settings.webrtc.publicAddress, publicAddress);
    QCOMPARE(r.settings.webrtc.stunHost, stunHost);
    QCOMPARE(int(r.settings.webrtc.stunPort), stunPort);
}

void TestWebRtcNetSettings::bad_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("expected");
    QTest::newRow("tcp words") << QByteArray("tcp_port = same")
                               << "test.conf:2: [webrtc] tcp_port: 'same' is not a whole number";
    QTest::newRow("tcp big") << QByteArray("tcp_port = 65536")
                             << "test.conf:2: [webrtc] tcp_port: '65536' is out of range";
    QTest::newRow("public short ip")
        << QByteArray("public_address = 10.1")
        << "test.conf:2: [webrtc] public_address: '10.1' is neither an IP address nor a host name";
    QTest::newRow("public any") << QByteArray("public_address = 0.0.0.0") << "is neither an IP address nor a host name";
    QTest::newRow("public url") << QByteArray("public_address = http://cam.example.org")
                                << "is neither an IP address nor a host name";
    QTest::newRow("public underscore") << QByteArray("public_address = cam_1.example.org")
                                       << "is neither an IP address nor a host name";
    QTest::newRow("stun port 0") << QByteArray("stun_server = stun.example.org:0")
                                 << "test.conf:2: [webrtc] stun_server: 'stun.example.org:0' has no valid port";
    QTest::newRow("stun port words") << QByteArray("stun_server = stun.example.org:stun") << "has no valid port";
    QTest::newRow("stun bad host") << QByteArray("stun_server = -stun:3478") << "has no valid host";
    QTest::newRow("stun open bracket") << QByteArray("stun_server = [2001:db8::1:3478") << "has no valid host";
    QTest::newRow("stun url") << QByteArray("stun_server = stun:stun.example.org:3478") << "has no valid host";
}

void TestWebRtcNetSettings::bad()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, expected);
    const ConfigResult r = parseConfig("[webrtc]\n" + line + "\n", QStringLiteral("test.conf"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error->toString().contains(expected), qPrintable(r.error->toString()));
}

QTEST_GUILESS_MAIN(TestWebRtcNetSettings)
#include "tst_webrtcnetsettings.moc"
