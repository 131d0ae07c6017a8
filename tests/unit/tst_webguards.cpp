// The rules that stand between a hostile web page and the service, as tables: which Host names
// are answered (DNS rebinding), which state-changing requests are cross-site (CSRF), which
// camera devices the API may choose, and which TLS suites are offered.
#include "config/DevicePolicy.h"
#include "http/CrossSiteCheck.h"
#include "http/HostCheck.h"
#include "net/TlsFiles.h"

#include <QFile>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QtTest>

using namespace hlscam;

class TestWebGuards : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void hostNames_data();
    void hostNames();
    void crossSite_data();
    void crossSite();
    void apiDevices();
    void tlsSuites();
};

void TestWebGuards::hostNames_data()
{
    QTest::addColumn<QStringList>("configured");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<bool>("allowed");
    const QStringList none;
    QTest::newRow("no Host header") << none << QByteArray() << true;
    QTest::newRow("IPv4") << none << QByteArray("192.168.1.20:8080") << true;
    QTest::newRow("IPv6") << none << QByteArray("[fe80::1]:8080") << true;
    QTest::newRow("bare IPv6") << none << QByteArray("::1") << true;
    QTest::newRow("localhost") << none << QByteArray("localhost:8080") << true;
    QTest::newRow("machine") << none << QByteArray("Board") << true;
    QTest::newRow("machine.local") << none << QByteArray("board.local.:8080") << true;
    QTest::newRow("machine under another domain") << none << QByteArray("board.evil.example") << false;
    QTest::newRow("hostile") << none << QByteArray("rebind.evil.example") << false;
    QTest::newRow("sub of localhost") << none << QByteArray("x.localhost") << false;
    QTest::newRow("IP-looking name") << none << QByteArray("127.0.0.1.nip.io") << false;
    QTest::newRow("empty name") << none << QByteArray(":8080") << false;
    QTest::newRow("unclosed bracket") << none << QByteArray("[::1:8080") << false;
    QTest::newRow("listed") << QStringList{QStringLiteral("cam.example.org")} << QByteArray("CAM.example.org:443")
                            << true;
    QTest::newRow("listed, other name") << QStringList{QStringLiteral("cam.example.org")} << QByteArray("example.org")
                                        << false;
    QTest::newRow("domain") << QStringList{QStringLiteral("*.example.org")} << QByteArray("a.b.example.org") << true;
    QTest::newRow("domain itself") << QStringList{QStringLiteral("*.example.org")} << QByteArray("example.org") << true;
    QTest::newRow("domain suffix trick") << QStringList{QStringLiteral("*.example.org")}
                                         << QByteArray("evilexample.org") << false;
    QTest::newRow("any") << QStringList{QStringLiteral("*")} << QByteArray("rebind.evil.example") << true;
}

void TestWebGuards::hostNames()
{
    QFETCH(QStringList, configured);
    QFETCH(QByteArray, host);
    QFETCH(bool, allowed);
    QCOMPARE(HostCheck(configured, QStringLiteral("board")).allows(host), allowed);
}

void TestWebGuards::crossSite_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<QByteArray>("fetchSite");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<bool>("hasBody");
    QTest::addColumn<int>("status");  // 0: allowed
    QTest::newRow("curl JSON") << QByteArray() << QByteArray() << QByteArray("application/json") << true << 0;
    QTest::newRow("JSON with charset") << QByteArray() << QByteArray() << QByteArray("Application/JSON; charset=utf-8")
                                       << true << 0;
    QTest::newRow("delete, no body") << QByteArray() << QByteArray() << QByteArray() << false << 0;
    QTest::newRow("same origin") << QByteArray("http://board:8080") << QByteArray("same-origin")
                                 << QByteArray("application/json") << true << 0;
    QTest::newRow("typed by the user") << QByteArray() << QByteArray("none") << QByteArray("application/json") << true
                                       << 0;
    QTest::newRow("form text/plain") << QByteArray() << QByteArray() << QByteArray("text/plain") << true << 415;
    QTest::newRow("form urlencoded") << QByteArray() << QByteArray() << QByteArray("application/x-www-form-urlencoded")
                                     << true << 415;
    QTest::newRow("json look-alike") << QByteArray() << QByteArray() << QByteArray("application/jsonx") << true << 415;
    QTest::newRow("body, no type") << QByteArray() << QByteArray() << QByteArray() << true << 415;
    QTest::newRow("empty text/plain") << QByteArray() << QByteArray() << QByteArray("text/plain") << false << 415;
    QTest::newRow("foreign origin") << QByteArray("http://evil.example") << QByteArray()
                                    << QByteArray("application/json") << true << 403;
    QTest::newRow("other port") << QByteArray("http://board:9090") << QByteArray() << QByteArray("application/json")
                                << true << 403;
    QTest::newRow("origin null") << QByteArray("null") << QByteArray() << QByteArray("application/json") << true << 403;
    QTest::newRow("origin with path") << QByteArray("http://board:8080/x") << QByteArray()
                                      << QByteArray("application/json") << true << 403;
    QTest::newRow("origin with user") << QByteArray("http://a@board:8080") << QByteArray()
                                      << QByteArray("application/json") << true << 403;
    QTest::newRow("cross-site") << QByteArray() << QByteArray("cross-site") << QByteArray("application/json") << true
                                << 403;
    QTest::newRow("same-site") << QByteArray() << QByteArray("Same-Site") << QByteArray("application/json") << true
                               << 403;
}

void TestWebGuards::crossSite()
{
    QFETCH(QByteArray, origin);
    QFETCH(QByteArray, fetchSite);
    QFETCH(QByteArray, contentType);
    QFETCH(bool, hasBody);
    QFETCH(int, status);
    const std::optional<Response> refusal =
        refuseCrossSite(CrossSiteHeaders{"Board:8080", origin, fetchSite, contentType, hasBody});
    QCOMPARE(refusal ? int(refusal->status) : 0, status);
    if (refusal)
        QVERIFY(refusal->body.contains("\"error\""));
}

void TestWebGuards::apiDevices()
{
    QTemporaryDir dir;
    const QString media = dir.filePath(QStringLiteral("media"));
    QVERIFY(QDir().mkpath(media));
    QFile clip(media + QStringLiteral("/clip.mp4"));
    QVERIFY(clip.open(QIODevice::WriteOnly));
    clip.close();
    QVERIFY(QFile::link(QStringLiteral("/etc/hostname"), media + QStringLiteral("/out")));
    QVERIFY(QDir().mkpath(media + QStringLiteral("/sub")));

    QVERIFY(!refuseApiDevice(QStringLiteral("auto"), {}));
    QVERIFY(!refuseApiDevice(QStringLiteral("testpattern"), {}));
    QVERIFY(!refuseApiDevice(media + QStringLiteral("/clip.mp4"), media));
    QVERIFY(!refuseApiDevice(media + QStringLiteral("/./clip.mp4"), media + u'/'));
    // No media_dir: no files at all.
    QVERIFY(refuseApiDevice(media + QStringLiteral("/clip.mp4"), {}));
    QVERIFY(refuseApiDevice(media + QStringLiteral("/out"), media));
    QVERIFY(refuseApiDevice(media + QStringLiteral("/sub"), media));
    QVERIFY(refuseApiDevice(media + QStringLiteral("/../media/../x"), media));
    QVERIFY(refuseApiDevice(media, media));
    QVERIFY(refuseApiDevice(QStringLiteral("/dev/null"), media));  // character device, not V4L2
    QVERIFY(refuseApiDevice(QStringLiteral("relative.mp4"), media));
    // Missing and forbidden read the same but for the path itself.
    QString missing = refuseApiDevice(QStringLiteral("/etc/missing-file"), media).message;
    QString existing = refuseApiDevice(QStringLiteral("/etc/hostname"), media).message;
    QCOMPARE(missing.replace(QStringLiteral("/etc/missing-file"), QStringLiteral("X")),
             existing.replace(QStringLiteral("/etc/hostname"), QStringLiteral("X")));
    QCOMPARE(refuseApiDevice(QStringLiteral("/dev/video99"), media)
                 .message.replace(QStringLiteral("/dev/video99"), QStringLiteral("X")),
             missing);
}

void TestWebGuards::tlsSuites()
{
    const QList<QSslCipher> kept = forwardSecretAeadCiphers(QSslConfiguration::defaultConfiguration().ciphers());
    QVERIFY(!kept.isEmpty());
    bool tls12 = false;
    for (const QSslCipher &c : kept) {
        QVERIFY2(!c.name().contains(QLatin1String("CBC")) && !c.name().endsWith(QLatin1String("-SHA")) &&
                     !c.name().startsWith(QLatin1String("AES")) && !c.name().contains(QLatin1String("RC4")),
                 qPrintable(c.name()));
        tls12 = tls12 || c.name().startsWith(QLatin1String("ECDHE-"));
    }
    QVERIFY(tls12);  // TLS 1.2 clients still have suites
}

QTEST_GUILESS_MAIN(TestWebGuards)
#include "tst_webguards.moc"
