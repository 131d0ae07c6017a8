// The ICE servers viewers are told of: [webrtc] ice_servers (stun:, turn:, turns: URIs of RFC
// 7064/7065, checked with the file's line), the TURN credentials keys (a shared secret or a
// static pair, one of them for turn: URIs), and the Link headers (RFC 9725 4.6) built from them,
// with coturn's REST credentials checked against values computed apart from our code:
//   printf '%s' '1767225600:alice' | openssl dgst -sha1 -hmac 'north-garden-relay-secret' -binary | base64
//     -> OsOetc6rOWKEFXm9Y9ZeX340grc=
//   printf '%s' '1767225600:viewer' | ... -> 1Mb1a8eNPxjGxHRscbchtgIsUGM=
//   printf '%s' '1767225600:al%22ice' | ... -> KqtVMVFPCpYNRK0Ds2ph/NRaG5A=
#include "config/ConfigLoader.h"
#include "config/IceServers.h"
#include "webrtc/IceServerLinks.h"

#include <QtTest>

using namespace hlscam;

namespace {

const QByteArray kSecret = "north-garden-relay-secret";
constexpr qint64 kExpiry = 1767225600;  // 2026-01-01T00:00:00Z

ConfigResult parse(const QByteArray &lines) { return parseConfig("[webrtc]\n" + lines, QStringLiteral("test.conf")); }

}  // namespace

class TestIceServers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaults();
    void goodUris_data();
    void goodUris();
    void badUris_data();
    void badUris();
    void credentialKeys_data();
    void credentialKeys();
    void badCredentials_data();
    void badCredentials();
    void restCredentials_data();
    void restCredentials();
    void linksWithSecret();
    void linksWithStaticCredentials();
    void noServersNoLinks();
};

void TestIceServers::defaults()
{
    const WebRtcSettings s;
    QVERIFY(s.iceServers.isEmpty());
    QVERIFY(s.turnSecret.isEmpty());
    QCOMPARE(s.turnCredentialLifetimeS, 86400);
    QVERIFY(s.turnUsername.isEmpty());
    QVERIFY(s.turnPassword.isEmpty());
    const ConfigResult r = parse("ice_servers =\nturn_secret =\nturn_username =\nturn_password =\n");
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error->toString()));
    QCOMPARE(r.settings.webrtc, WebRtcSettings{});
}

void TestIceServers::goodUris_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("stun name") << "stun:stun.example.org" << QStringList{"stun:stun.example.org"};
    QTest::newRow("stun port") << "stun:stun.example.org:19302" << QStringList{"stun:stun.example.org:19302"};
    QTest::newRow("stun ipv4") << "stun:192.0.2.1:3478" << QStringList{"stun:192.0.2.1:3478"};
    QTest::newRow("stun ipv6") << "stun:[2001:db8::1]:3478" << QStringList{"stun:[2001:db8::1]:3478"};
    QTest::newRow("turn udp") << "turn:turn.example.net?transport=udp"
                              << QStringList{"turn:turn.example.net?transport=udp"};
    QTest::newRow("turn tcp port") << "turn:203.0.113.9:443?transport=tcp"
                                   << QStringList{"turn:203.0.113.9:443?transport=tcp"};
    QTest::newRow("turns") << "turns:turn.example.net:5349" << QStringList{"turns:turn.example.net:5349"};
    QTest::newRow("turns tcp") << "turns:turn.example.net?transport=tcp"
                               << QStringList{"turns:turn.example.net?transport=tcp"};
    QTest::newRow("case") << "TURN:turn.example.net?Transport=UDP"
                          << QStringList{"turn:turn.example.net?transport=udp"};
    QTest::newRow("list") << "stun:stun.example.org , turn:turn.example.net:3478?transport=udp,turns:turn.example.net"
                          << QStringList{"stun:stun.example.org", "turn:turn.example.net:3478?transport=udp",
                                         "turns:turn.example.net"};
}

void TestIceServers::goodUris()
{
    QFETCH(QString, value);
    QFETCH(QStringList, expected);
    const ConfigResult r = parse("ice_servers = " + value.toUtf8() + "\nturn_username = u\nturn_password = p\n");
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error->toString()));
    QCOMPARE(r.settings.webrtc.iceServers, expected);
}

void TestIceServers::badUris_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    const QString at = QStringLiteral("test.conf:2: [webrtc] ice_servers: ");
    QTest::newRow("no scheme") << "turn.example.net:3478" << at + "'turn.example.net:3478' is not a STUN or TURN URI";
    QTest::newRow("url") << "https://turn.example.net" << at + "'https://turn.example.net' has an unknown scheme";
    QTest::newRow("turn with slashes") << "turn://turn.example.net"
                                       << at + "'turn://turn.example.net' has no valid host";
    QTest::newRow("empty host") << "stun:" << at + "'stun:' has no valid host";
    QTest::newRow("underscore") << "stun:st_un.example.org"
                                << "has no valid host";
    QTest::newRow("port 0") << "stun:stun.example.org:0" << at + "'stun:stun.example.org:0' has no valid port";
    QTest::newRow("port big") << "turn:turn.example.net:65536"
                              << "has no valid port";
    QTest::newRow("port words") << "turn:turn.example.net:turn"
                                << "has no valid port";
    QTest::newRow("ipv6 bare") << "stun:2001:db8::1"
                               << "has an IPv6 address without brackets";
    QTest::newRow("ipv6 bad") << "stun:[2001:db8::zz]:3478"
                              << "has no valid IPv6 address in brackets";
    QTest::newRow("stun query") << "stun:stun.example.org?transport=udp"
                                << "a stun: URI cannot have";
    QTest::newRow("turn sctp") << "turn:turn.example.net?transport=sctp"
                               << "has a query other than ?transport=udp or ?transport=tcp";
    QTest::newRow("turns udp") << "turns:turn.example.net?transport=udp"
                               << "has a query other than ?transport=tcp";
    QTest::newRow("quote") << "turn:turn.example.net\">"
                           << "has no valid host";
    QTest::newRow("space") << "turn:turn example.net"
                           << "has no valid host";
    QTest::newRow("empty entry") << "stun:stun.example.org,,stun:b.example.org"
                                 << "'' is not a STUN or TURN URI";
    QTest::newRow("twice") << "stun:stun.example.org, STUN:stun.example.org"
                           << "is listed twice";
    QTest::newRow("too many") << QStringLiteral("stun:a.example.org,").repeated(9).chopped(1)
                              << "9 servers are too many (allowed: at most 8)";
}

void TestIceServers::badUris()
{
    QFETCH(QString, value);
    QFETCH(QString, expected);
    const ConfigResult r = parse("ice_servers = " + value.toUtf8() + "\n");
    QVERIFY(!r.ok());
    QVERIFY2(r.error->toString().contains(expected), qPrintable(r.error->toString()));
    QVERIFY2(
        r.error->message.contains(QStringLiteral("allowed:")) || r.error->message.contains(QStringLiteral("keep one")),
        qPrintable(r.error->toString()));
    QCOMPARE(r.error->line, 2);
}

void TestIceServers::credentialKeys_data()
{
    QTest::addColumn<QByteArray>("lines");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<qint64>("lifetime");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");
    QTest::newRow("secret") << QByteArray("ice_servers = turn:t.example.net\nturn_secret = " + kSecret + "\n")
                            << QString::fromLatin1(kSecret) << qint64{86400} << QString() << QString();
    QTest::newRow("lifetime") << QByteArray("turn_secret = " + kSecret + "\nturn_credential_lifetime = 2h\n")
                              << QString::fromLatin1(kSecret) << qint64{7200} << QString() << QString();
    QTest::newRow("static") << QByteArray(
                                   "ice_servers = turn:t.example.net\nturn_username = cam\nturn_password = "
                                   "p@ss:w0rd!\n")
                            << QString() << qint64{86400} << "cam"
                            << "p@ss:w0rd!";
    QTest::newRow("stun needs none") << QByteArray("ice_servers = stun:s.example.net\n") << QString() << qint64{86400}
                                     << QString() << QString();
}

void TestIceServers::credentialKeys()
{
    QFETCH(QByteArray, lines);
    QFETCH(QString, secret);
    QFETCH(qint64, lifetime);
    QFETCH(QString, username);
    QFETCH(QString, password);
    const ConfigResult r = parse(lines);
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error->toString()));
    QCOMPARE(r.settings.webrtc.turnSecret, secret);
    QCOMPARE(r.settings.webrtc.turnCredentialLifetimeS, lifetime);
    QCOMPARE(r.settings.webrtc.turnUsername, username);
    QCOMPARE(r.settings.webrtc.turnPassword, password);
}

void TestIceServers::badCredentials_data()
{
    QTest::addColumn<QByteArray>("lines");
    QTest::addColumn<QString>("expected");
    QTest::newRow("turn without any")
        << QByteArray("ice_servers = stun:s.example.net, turn:t.example.net?transport=udp\n")
        << "test.conf:2: [webrtc] ice_servers: 'turn:t.example.net?transport=udp' needs credentials: set turn_secret";
    QTest::newRow("turns without any") << QByteArray("\n\nice_servers = turns:t.example.net\n")
                                       << "test.conf:4: [webrtc] ice_servers: 'turns:t.example.net' needs credentials";
    QTest::newRow("secret and static")
        << QByteArray("turn_secret = " + kSecret + "\nturn_username = cam\nturn_password = pw\n")
        << "test.conf:3: [webrtc] turn_username: turn_secret and turn_username/turn_password are two ways";
    QTest::newRow("secret and password") << QByteArray("turn_secret = " + kSecret + "\nturn_password = pw\n")
                                         << "test.conf:3: [webrtc] turn_password: turn_secret and";
    QTest::newRow("username alone") << QByteArray("turn_username = cam\n")
                                    << "test.conf:2: [webrtc] turn_username: turn_username and turn_password go "
                                       "together";
    QTest::newRow("password alone") << QByteArray("\nturn_password = pw\n")
                                    << "test.conf:3: [webrtc] turn_password: turn_username and turn_password";
    QTest::newRow("short secret") << QByteArray("turn_secret = short\n")
                                  << "test.conf:2: [webrtc] turn_secret: the secret is shorter than 16 characters";
    QTest::newRow("quote in username") << QByteArray("turn_username = ca\"m\nturn_password = pw\n")
                                       << "test.conf:2: [webrtc] turn_username: 'ca\"m' is not allowed";
    QTest::newRow("space in password") << QByteArray("turn_username = cam\nturn_password = pass word\n")
                                       << "test.conf:3: [webrtc] turn_password: the password is not allowed";
    QTest::newRow("backslash in password") << QByteArray("turn_username = cam\nturn_password = a\\b\n")
                                           << "[webrtc] turn_password: the password is not allowed";
    QTest::newRow("lifetime short") << QByteArray("turn_credential_lifetime = 10s\n")
                                    << "test.conf:2: [webrtc] turn_credential_lifetime: '10s' is out of range";
}

void TestIceServers::badCredentials()
{
    QFETCH(QByteArray, lines);
    QFETCH(QString, expected);
    const ConfigResult r = parse(lines);
    QVERIFY(!r.ok());
    const QString text = r.error->toString();
    QVERIFY2(text.contains(expected), qPrintable(text));
    // A secret or password is never said back (the error may be logged).
    QVERIFY2(!text.contains(QString::fromLatin1(kSecret)), qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("pass word")) && !text.contains(QStringLiteral("a\\b")), qPrintable(text));
}

void TestIceServers::restCredentials_data()
{
    QTest::addColumn<QString>("who");
    QTest::addColumn<QByteArray>("username");
    QTest::addColumn<QByteArray>("credential");
    QTest::newRow("user") << "alice" << QByteArray("1767225600:alice") << QByteArray("OsOetc6rOWKEFXm9Y9ZeX340grc=");
    QTest::newRow("anonymous") << QString() << QByteArray("1767225600:viewer")
                               << QByteArray("1Mb1a8eNPxjGxHRscbchtgIsUGM=");
    // A name with a quote stays quotable in the Link header: percent-encoded before hashing.
    QTest::newRow("quote") << "al\"ice" << QByteArray("1767225600:al%22ice")
                           << QByteArray("KqtVMVFPCpYNRK0Ds2ph/NRaG5A=");
}

void TestIceServers::restCredentials()
{
    QFETCH(QString, who);
    QFETCH(QByteArray, username);
    QFETCH(QByteArray, credential);
    const TurnCredentials c = turnRestCredentials(kSecret, who, kExpiry);
    QCOMPARE(c.username, username);
    QCOMPARE(c.credential, credential);
}

void TestIceServers::linksWithSecret()
{
    WebRtcSettings s;
    s.iceServers = {QStringLiteral("stun:stun.example.org:19302"), QStringLiteral("turn:t.example.net?transport=udp"),
                    QStringLiteral("turns:t.example.net:5349")};
    s.turnSecret = QString::fromLatin1(kSecret);
    s.turnCredentialLifetimeS = 3600;
    const QList<QByteArray> links = iceServerLinks(s, QStringLiteral("alice"), kExpiry - 3600);
    const QByteArray params =
        "; username=\"1767225600:alice\"; credential=\"OsOetc6rOWKEFXm9Y9ZeX340grc=\"; credential-type=\"password\"";
    QCOMPARE(links, (QList<QByteArray>{"<stun:stun.example.org:19302>; rel=\"ice-server\"",
                                       "<turn:t.example.net?transport=udp>; rel=\"ice-server\"" + params,
                                       "<turns:t.example.net:5349>; rel=\"ice-server\"" + params}));
}

void TestIceServers::linksWithStaticCredentials()
{
    const ConfigResult r =
        parse("ice_servers = turn:192.0.2.7:3478?transport=tcp\nturn_username = cam\nturn_password = s3cr:et\n");
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error->toString()));
    QCOMPARE(iceServerLinks(r.settings.webrtc, QStringLiteral("alice"), kExpiry),
             QList<QByteArray>{"<turn:192.0.2.7:3478?transport=tcp>; rel=\"ice-server\"; username=\"cam\"; "
                               "credential=\"s3cr:et\"; credential-type=\"password\""});
}

void TestIceServers::noServersNoLinks()
{
    WebRtcSettings s;
    s.turnSecret = QString::fromLatin1(kSecret);
    QVERIFY(iceServerLinks(s, QStringLiteral("alice"), kExpiry).isEmpty());
}

QTEST_GUILESS_MAIN(TestIceServers)
#include "tst_iceservers.moc"
