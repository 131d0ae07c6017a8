// Attacks a hostile web page or network can make through a visitor's browser or a proxy, against
// the real binary on loopback: cross-site requests riding on an admin's cached Basic
// credentials (CSRF), hostile names pointed at the board (DNS rebinding), X-Forwarded-For split
// over several lines, guessers that hang up before the answer, a camera device pointed at the
// board's files, and HTTPS without downgrade (HSTS, no CBC/SHA-1 suites).
#include "ServiceProcess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSysInfo>
#include <QTcpSocket>
#include <QtTest>

namespace {
const QString kAdmin = QStringLiteral("admin");
const QString kAdminPassword = QStringLiteral("admin-pw");
const QString kPlaylist = QStringLiteral("/cam/cam0/index.m3u8");

QByteArray basic(const QString &user, const QString &password)
{
    return "Authorization: Basic " + (user + u':' + password).toUtf8().toBase64() + "\r\n";
}

// A raw request with a body: method, path, extra header lines (each ending in \r\n), body.
QByteArray request(const QByteArray &method, const QByteArray &path, const QByteArray &headers,
                   const QByteArray &body = {})
{
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\nConnection: close\r\n" + headers;
    if (!body.isEmpty() || method != "GET")
        r += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return r + "\r\n" + body;
}

QStringList userNames(ServiceProcess &service)
{
    QStringList names;
    const HttpReply r = service.get(QStringLiteral("/api/v1/users"), kAdmin, kAdminPassword);
    for (const auto &u : QJsonDocument::fromJson(r.body).array())
        names << u.toObject().value(QStringLiteral("name")).toString();
    return names;
}
}  // namespace

class TestWebSecurity : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_service.reset(); }
    void crossSiteRequestsAreRefused_data();
    void crossSiteRequestsAreRefused();
    void hostileHostNamesGet421_data();
    void hostileHostNamesGet421();
    void forwardedForLinesAreCombined();
    void failuresCountWhenTheClientHangsUp();
    void cameraDeviceCannotReadTheBoardsFiles();
    void httpsSendsHstsAndRefusesCbcSuites();

private:
    std::unique_ptr<ServiceProcess> m_service;
    QByteArray m_host;  // "127.0.0.1:PORT", what a browser on the page's origin sends
};

void TestWebSecurity::initTestCase()
{
    m_service = std::make_unique<ServiceProcess>();
    QVERIFY(m_service->addUser(kAdmin, kAdminPassword, QStringLiteral("admin")));
    QVERIFY(m_service->start(m_service->configArgs("[server]\nhostnames = cam.example.org *.example.net\n")));
    m_host = "127.0.0.1:" + QByteArray::number(m_service->port());
}

void TestWebSecurity::crossSiteRequestsAreRefused_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("headers");  // besides Host and the admin's credentials
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("created");  // the user that exists afterwards, if any

    // Exactly what <form enctype="text/plain" method="post"> on any web page sends.
    const QByteArray formBody = "{\"name\":\"evil\",\"role\":\"admin\",\"password\":\"x=y\"}\r\n";
    QTest::newRow("text/plain form from another site")
        << QByteArray("POST") << QByteArray("/api/v1/users")
        << QByteArray("Content-Type: text/plain\r\nOrigin: http://evil.example\r\n") << formBody << 403 << QString();
    QTest::newRow("text/plain without Origin")
        << QByteArray("POST") << QByteArray("/api/v1/users") << QByteArray("Content-Type: text/plain\r\n") << formBody
        << 415 << QString();
    QTest::newRow("JSON from another site (Origin)")
        << QByteArray("POST") << QByteArray("/api/v1/users")
        << QByteArray("Content-Type: application/json\r\nOrigin: http://evil.example\r\n") << formBody << 403
        << QString();
    QTest::newRow("JSON from another site (Sec-Fetch-Site)")
        << QByteArray("POST") << QByteArray("/api/v1/users")
        << QByteArray("Content-Type: application/json\r\nSec-Fetch-Site: cross-site\r\n") << formBody << 403
        << QString();
    QTest::newRow("Origin null (sandboxed frame)")
        << QByteArray("POST") << QByteArray("/api/v1/users")
        << QByteArray("Content-Type: application/json\r\nOrigin: null\r\n") << formBody << 403 << QString();
    QTest::newRow("body without Content-Type")
        << QByteArray("POST") << QByteArray("/api/v1/users") << QByteArray() << formBody << 415 << QString();
    QTest::newRow("token from another site")
        << QByteArray("POST") << QByteArray("/api/v1/tokens")
        << QByteArray("Content-Type: text/plain\r\nOrigin: https://evil.example\r\n") << QByteArray("{}") << 403
        << QString();
    QTest::newRow("delete from another site")
        << QByteArray("DELETE") << QByteArray("/api/v1/bans/192.0.2.1") << QByteArray("Origin: http://evil.example\r\n")
        << QByteArray() << 403 << QString();
    QTest::newRow("camera change from another site")
        << QByteArray("PUT") << QByteArray("/api/v1/cameras/cam0")
        << QByteArray("Content-Type: application/json\r\nSec-Fetch-Site: same-site\r\n") << QByteArray("{\"fps\":10}")
        << 403 << QString();
    // What keeps working: the page itself (same origin), and tools that send no Origin.
    QTest::newRow("same origin, from the page")
        << QByteArray("POST") << QByteArray("/api/v1/users")
        << QByteArray("Content-Type: application/json\r\nOrigin: http://HOST\r\nSec-Fetch-Site: same-origin\r\n")
        << QByteArray("{\"name\":\"fromthepage\",\"password\":\"pw-pw-pw\"}") << 201 << QStringLiteral("fromthepage");
    QTest::newRow("curl, no Origin") << QByteArray("POST") << QByteArray("/api/v1/users")
                                     << QByteArray("Content-Type: application/json; charset=utf-8\r\n")
                                     << QByteArray("{\"name\":\"fromcurl\",\"password\":\"pw-pw-pw\"}") << 201
                                     << QStringLiteral("fromcurl");
}

void TestWebSecurity::crossSiteRequestsAreRefused()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, headers);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, created);
    headers.replace("HOST", m_host);
    const QByteArray logBefore = m_service->log();
    const HttpReply r = m_service->raw(
        request(method, path, "Host: " + m_host + "\r\n" + basic(kAdmin, kAdminPassword) + headers, body));
    QVERIFY2(r.status == status, qPrintable(QStringLiteral("%1: %2").arg(r.status).arg(QString::fromUtf8(r.body))));
    const QStringList users = userNames(*m_service);
    QVERIFY2(!users.contains(QStringLiteral("evil")), qPrintable(users.join(u',')));
    if (!created.isEmpty())
        QVERIFY(users.contains(created));
    if (status == 403 || status == 415) {
        // The JSON error says why, and the victim's address gets no failure for it.
        const QString error = QJsonDocument::fromJson(r.body).object().value(QStringLiteral("error")).toString();
        QVERIFY2(error.contains(status == 403 ? QStringLiteral("cross-site") : QStringLiteral("application/json")),
                 qPrintable(error));
        QVERIFY(!m_service->log().mid(logBefore.size()).contains("authentication failure"));
    }
}

void TestWebSecurity::hostileHostNamesGet421_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<bool>("allowed");
    const QByteArray machine = QSysInfo::machineHostName().section(u'.', 0, 0).toLatin1();
    QTest::newRow("rebound name") << QByteArray("rebind.evil.example") << false;
    QTest::newRow("rebound name with port") << QByteArray("rebind.evil.example:PORT") << false;
    QTest::newRow("name ending like a listed one") << QByteArray("evilcam.example.org") << false;
    QTest::newRow("empty name") << QByteArray(":PORT") << false;
    QTest::newRow("IPv4 literal") << QByteArray("127.0.0.1:PORT") << true;
    QTest::newRow("IPv6 literal") << QByteArray("[::1]:PORT") << true;
    QTest::newRow("localhost") << QByteArray("localhost:PORT") << true;
    QTest::newRow("localhost.") << QByteArray("LocalHost.:PORT") << true;
    QTest::newRow("this host") << machine << true;
    QTest::newRow("this host on mDNS") << machine + ".local:PORT" << true;
    QTest::newRow("a listed name") << QByteArray("cam.example.org") << true;
    QTest::newRow("a listed domain") << QByteArray("garden.example.net:PORT") << true;
    // A second Host line must not slip a hostile name past the check (RFC 9112: 400).
    QTest::newRow("two Host lines") << QByteArray("127.0.0.1:PORT\r\nHost: rebind.evil.example") << false;
}

void TestWebSecurity::hostileHostNamesGet421()
{
    QFETCH(QByteArray, host);
    QFETCH(bool, allowed);
    host.replace("PORT", QByteArray::number(m_service->port()));
    const QByteArray admin = basic(kAdmin, kAdminPassword);
    for (const QByteArray &path :
         {QByteArray("/"), QByteArray("/api/v1/status"), QByteArray("/cam/cam0/index.m3u8"), QByteArray("/healthz")}) {
        const HttpReply r = m_service->raw(request("GET", path, "Host: " + host + "\r\n" + admin));
        if (allowed)
            QVERIFY2(r.status == 200, qPrintable(path + ": " + QByteArray::number(r.status) + ' ' + r.body));
        else if (host.contains("\r\n"))
            QVERIFY2(r.status == 400, qPrintable(path + ": " + QByteArray::number(r.status)));
        else
            QVERIFY2(r.status == 421 && r.body.contains("hostnames"),
                     qPrintable(path + ": " + QByteArray::number(r.status)));
    }
}

void TestWebSecurity::forwardedForLinesAreCombined()
{
    // Behind a trusted proxy that appends its own X-Forwarded-For line (HAProxy does), the
    // client's own line must not decide who is counted.
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("viewer"), QStringLiteral("viewer-pw")));
    QVERIFY(service.start(
        service.configArgs("[server]\ntrusted_proxies = 127.0.0.1\n[bans]\nmaxretry = 3\nignoreip = ::1\n")));
    const QByteArray wrong = basic(QStringLiteral("viewer"), QStringLiteral("guess"));
    for (int i = 0; i < 3; ++i) {
        const QByteArray spoof = "198.51.100." + QByteArray::number(i + 1);
        const HttpReply r = service.raw(
            request("GET", kPlaylist.toUtf8(),
                    "Host: 127.0.0.1\r\nX-Forwarded-For: " + spoof + "\r\nX-Forwarded-For: 203.0.113.9\r\n" + wrong));
        QCOMPARE(r.status, 401);
    }
    const QByteArray log = service.log();
    QVERIFY2(log.contains("authentication failure from 203.0.113.9: wrong-password (3 of 3)"),
             log.right(2000).constData());
    QVERIFY(log.contains("ban 203.0.113.9"));
    QVERIFY(!log.contains("failure from 198.51.100."));
    // The banned client cannot get through by naming someone else first either.
    const HttpReply banned =
        service.raw(request("GET", kPlaylist.toUtf8(),
                            "Host: 127.0.0.1\r\nX-Forwarded-For: 192.0.2.50\r\nX-Forwarded-For: 203.0.113.9\r\n" +
                                basic(QStringLiteral("viewer"), QStringLiteral("viewer-pw"))));
    QCOMPARE(banned.status, 403);
}

void TestWebSecurity::failuresCountWhenTheClientHangsUp()
{
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("viewer"), QStringLiteral("viewer-pw")));
    QVERIFY(service.start(service.configArgs("[bans]\nmaxretry = 10\nignoreip = 127.0.0.1\n")));
    // Each guess is sent and the connection closed 5 ms later, long before a yescrypt check ends.
    const QByteArray guess = request("GET", kPlaylist.toUtf8(),
                                     "Host: 127.0.0.1\r\n" + basic(QStringLiteral("viewer"), QStringLiteral("nope")));
    int sent = 0;
    for (int i = 0; i < 40 && !service.log().contains("ban 127.0.0.9"); ++i) {
        QTcpSocket s;
        QVERIFY(s.bind(QHostAddress(QStringLiteral("127.0.0.9"))));
        s.connectToHost(QHostAddress::LocalHost, service.port());
        if (!s.waitForConnected(2000))
            break;  // refused at connect: banned
        s.write(guess);
        s.waitForBytesWritten(1000);
        QTest::qWait(5);
        s.abort();
        ++sent;
    }
    QTRY_VERIFY_WITH_TIMEOUT(service.log().contains("ban 127.0.0.9"), 10000);
    QVERIFY2(sent <= 12, qPrintable(QStringLiteral("%1 guesses before the ban").arg(sent)));
    QCOMPARE(
        service.getFrom(QStringLiteral("127.0.0.9"), kPlaylist, QStringLiteral("viewer"), QStringLiteral("viewer-pw"))
            .status,
        0);
}

void TestWebSecurity::cameraDeviceCannotReadTheBoardsFiles()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kAdmin, kAdminPassword, QStringLiteral("admin")));
    const QString media = service.stateDir() + QStringLiteral("/media");
    QVERIFY(QDir().mkpath(media));
    QFile notes(media + QStringLiteral("/notes.txt"));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("the wifi password is hunter2\n");
    notes.close();
    QVERIFY(QFile::link(QStringLiteral("/etc/hostname"), media + QStringLiteral("/link-out")));
    QVERIFY(service.start(service.configArgs("[paths]\nmedia_dir = " + media.toUtf8() + "\n")));
    const auto put = [&](const QString &device) {
        const QByteArray body =
            QJsonDocument(QJsonObject{{QStringLiteral("device"), device}}).toJson(QJsonDocument::Compact);
        return service.get(QStringLiteral("/api/v1/cameras/cam0"), kAdmin, kAdminPassword, "PUT", body);
    };
    // An existing file outside media_dir and a missing one get the same answer: no oracle.
    const HttpReply existing = put(QStringLiteral("/etc/hostname"));
    const HttpReply missing = put(QStringLiteral("/etc/no-such-file"));
    QCOMPARE(existing.status, 400);
    QCOMPARE(missing.status, 400);
    QCOMPARE(QString::fromUtf8(existing.body).replace(QStringLiteral("/etc/hostname"), QStringLiteral("X")),
             QString::fromUtf8(missing.body).replace(QStringLiteral("/etc/no-such-file"), QStringLiteral("X")));
    QVERIFY2(existing.body.contains("media_dir"), existing.body.constData());
    QCOMPARE(put(QStringLiteral("/dev/null")).status, 400);          // a device, but not a camera
    QCOMPARE(put(media + QStringLiteral("/link-out")).status, 400);  // a link out of media_dir
    QCOMPARE(put(media + QStringLiteral("/../media/../../../etc/hostname")).status, 400);
    const HttpReply camera = service.get(QStringLiteral("/api/v1/cameras/cam0"), kAdmin, kAdminPassword);
    QVERIFY2(camera.body.contains("\"device\":\"testpattern\"") || camera.body.contains("\"device\":\"auto\""),
             camera.body.constData());

    // A text file inside media_dir is allowed as a path, but FFmpeg may only read it with video
    // demuxers: it never becomes a picture of the text.
    QCOMPARE(put(media + QStringLiteral("/notes.txt")).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(service.log().contains("notes.txt"), 10000);
    QTest::qWait(1500);
    QString error;
    const QJsonObject video = service.probeVideo(kPlaylist, kAdmin, kAdminPassword, &error);
    const QByteArray status = service.get(QStringLiteral("/api/v1/status"), kAdmin, kAdminPassword).body;
    QVERIFY2(video.isEmpty() || !status.contains("\"state\":\"streaming\""), status.constData());
    QVERIFY2(!service.log().contains("Input #0, tty"), service.log().right(1500).constData());
}

void TestWebSecurity::httpsSendsHstsAndRefusesCbcSuites()
{
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("viewer"), QStringLiteral("viewer-pw")));
    QString cert, key;
    QVERIFY(service.makeCertificate(&cert, &key));
    QVERIFY(service.start(
        service.configArgs("[server]\ntls_cert = " + cert.toUtf8() + "\ntls_key = " + key.toUtf8() + "\n")));
    const HttpReply page = service.getFrom(QStringLiteral("127.0.0.1"), QStringLiteral("/healthz"));
    QCOMPARE(page.status, 200);
    QVERIFY2(page.header("Strict-Transport-Security").startsWith("max-age="),
             page.header("Strict-Transport-Security").constData());

    // Can a TLS 1.2 client that offers only `cipher` complete a handshake?
    const auto handshake = [&](const char *cipher) {
        QProcess client;
        client.start(
            QStringLiteral("openssl"),
            {"s_client", "-connect", QStringLiteral("127.0.0.1:%1").arg(service.port()), "-tls1_2", "-cipher", cipher});
        client.write("Q\n");
        client.closeWriteChannel();
        if (!client.waitForFinished(15000))
            client.kill();
        const QByteArray out = client.readAll();
        return out.contains("Cipher is ") && !out.contains("Cipher is (NONE)");
    };
    QVERIFY(handshake("ECDHE-ECDSA-AES128-GCM-SHA256"));
    QVERIFY(!handshake("ECDHE-ECDSA-AES128-SHA"));
    QVERIFY(!handshake("ECDHE-ECDSA-AES256-SHA"));
    QVERIFY(!handshake("ECDHE-ECDSA-AES128-SHA256"));
}

QTEST_GUILESS_MAIN(TestWebSecurity)
#include "tst_websecurity.moc"
