// The desktop app and a board it found on the LAN, in a real window (under Xvfb) against the real
// hlscam binary serving HTTPS with a self-signed certificate: a click on the found board shows
// where a login would go (scheme, host, port) and sends nothing; the first login shows the
// certificate's SHA-256 fingerprint and sends no request before the person trusts it; once
// trusted, logins work; when the service comes back on the same port with another certificate,
// the app refuses, names both fingerprints, and the service sees no request at all (so no
// credentials). The service logs every request it parses (hlscam.http debug), which is what
// "nothing was sent" is checked against. Screenshots go to $HLSCAM_TEST_OUTPUT.
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QtTest>

#include "../integration/ServiceProcess.h"
#include "DesktopApp.h"
#include "JsonListModel.h"
#include "Session.h"
#include "WindowDriver.h"

namespace {

const QString kAdmin = QStringLiteral("boss");
const QString kPassword = QStringLiteral("correct horse 42");

// A request line as the service logs it at debug level: "hlscam.http: 127.0.0.1 GET /path".
const QRegularExpression kRequestLine(QStringLiteral("hlscam\\.http: \\S+ (GET|HEAD|POST|PUT|DELETE|\\w+) /"));

// The request lines of a log, empty when there are none.
QString requestsIn(const QByteArray &log)
{
    QStringList lines;
    for (const QString &line : QString::fromUtf8(log).split(u'\n'))
        if (kRequestLine.match(line).hasMatch())
            lines << line;
    return lines.join(u'\n');
}

}  // namespace

class TestTrust : public QObject, private WindowDriver {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void serviceSaysItsFingerprint();
    void foundBoardShowsWhereTheLoginGoes();
    void firstLoginShowsTheFingerprintFirst();
    void trustedBoardLogsIn();
    void changedCertificateIsRefused();
    void forgottenCertificateIsAskedForAgain();
    void authoritySignedCertificateIsPinnedToo();

private:
    // A self-signed certificate and its key in the temp dir; its fingerprint as openssl prints it.
    bool makeCertificate(const QString &name, QString *fingerprint);
    // The same, signed by the test's own authority (made on first use) for IP 127.0.0.1.
    bool makeSignedCertificate(const QString &name, QString *fingerprint);
    bool runOpenssl(const QStringList &args, QByteArray *out = nullptr);
    QStringList tlsConfig(const QString &name);

    ServiceProcess m_service;
    QTemporaryDir m_home;
    QString m_name;
    QString m_address;  // https://127.0.0.1:PORT
    QString m_first;    // fingerprints of the two certificates
    QString m_second;
};

void TestTrust::initTestCase()
{
    QVERIFY(m_home.isValid());
    isolateState(m_home);

    QVERIFY(makeCertificate(QStringLiteral("first"), &m_first));
    QVERIFY(makeCertificate(QStringLiteral("second"), &m_second));
    QVERIFY(m_first != m_second);
    QVERIFY(m_service.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("hlscam.http.debug=true"));
    m_service.setEnvironment(env);
    m_name = QStringLiteral("hlscam trust test %1").arg(QRandomGenerator::global()->bounded(1000000));
    QVERIFY(m_service.start(tlsConfig(QStringLiteral("first"))));
    QVERIFY(m_service.https());
    m_address = QStringLiteral("https://127.0.0.1:%1").arg(m_service.port());

    if (!openMainWindow())
        return;
}

void TestTrust::cleanupTestCase()
{
    m_engine.reset();
    m_service.stop();
}

bool TestTrust::makeCertificate(const QString &name, QString *fingerprint)
{
    const QString cert = m_home.filePath(name + QStringLiteral(".pem"));
    const QString key = m_home.filePath(name + QStringLiteral(".key"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                   "-subj", "/CN=hlscam-test", "-keyout", key, "-out", cert});
    if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
        return false;
    openssl.start(QStringLiteral("openssl"), {"x509", "-noout", "-fingerprint", "-sha256", "-in", cert});
    if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
        return false;
    // "sha256 Fingerprint=AB:CD:..." (the prefix's case differs between OpenSSL versions)
    *fingerprint = QString::fromLatin1(openssl.readAllStandardOutput()).section(u'=', 1).trimmed();
    return fingerprint->size() == 95;
}

bool TestTrust::runOpenssl(const QStringList &args, QByteArray *out)
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"), args);
    if (!openssl.waitForFinished(30000) || openssl.exitStatus() != QProcess::NormalExit || openssl.exitCode() != 0) {
        qWarning("openssl %s: %s", qPrintable(args.join(u' ')), openssl.readAllStandardError().constData());
        return false;
    }
    if (out)
        *out = openssl.readAllStandardOutput();
    return true;
}

bool TestTrust::makeSignedCertificate(const QString &name, QString *fingerprint)
{
    const QString ca = m_home.filePath(QStringLiteral("ca.pem"));
    const QString caKey = m_home.filePath(QStringLiteral("ca.key"));
    if (!QFile::exists(ca) &&
        !runOpenssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                     "-subj", "/CN=hlscam test authority", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                     "keyUsage=critical,keyCertSign", "-keyout", caKey, "-out", ca}))
        return false;
    const QString cert = m_home.filePath(name + QStringLiteral(".pem"));
    const QString key = m_home.filePath(name + QStringLiteral(".key"));
    const QString request = m_home.filePath(name + QStringLiteral(".csr"));
    const QString extensions = m_home.filePath(name + QStringLiteral(".ext"));
    QFile ext(extensions);
    if (!ext.open(QIODevice::WriteOnly) || ext.write("subjectAltName=IP:127.0.0.1\n") < 0)
        return false;
    ext.close();
    QByteArray out;
    if (!runOpenssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
                     "/CN=127.0.0.1", "-keyout", key, "-out", request}) ||
        !runOpenssl({"x509", "-req", "-in", request, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-days", "2",
                     "-extfile", extensions, "-out", cert}) ||
        !runOpenssl({"x509", "-noout", "-fingerprint", "-sha256", "-in", cert}, &out))
        return false;
    *fingerprint = QString::fromLatin1(out).section(u'=', 1).trimmed();
    return fingerprint->size() == 95;
}

QStringList TestTrust::tlsConfig(const QString &name)
{
    return m_service.configArgs("[server]\ntls_cert = " + m_home.filePath(name + QStringLiteral(".pem")).toUtf8() +
                                "\ntls_key = " + m_home.filePath(name + QStringLiteral(".key")).toUtf8() +
                                "\nannounce = true\nannounce_name = " + m_name.toUtf8() + "\n");
}

// What the person compares the app's prompt with.
void TestTrust::serviceSaysItsFingerprint()
{
    QVERIFY2(m_service.log().contains("certificate SHA-256 fingerprint " + m_first.toLatin1()),
             m_service.log().constData());
}

// The board is listed with its https address; a click fills the form (clearing a password typed
// before), shows where a login would go, and sends nothing.
void TestTrust::foundBoardShowsWhereTheLoginGoes()
{
    auto *boards = find<hlscam::ui::JsonListModel>("discoveredBoards");
    QVERIFY(boards);
    QTRY_VERIFY_WITH_TIMEOUT(boards->find(QStringLiteral("address"), m_address) >= 0, 15000);
    QCOMPARE(boards->get(boards->find(QStringLiteral("address"), m_address)).value(QStringLiteral("name")).toString(),
             m_name);
    QVERIFY(type("passwordField", QStringLiteral("typed for another board")));
    const QByteArray item = "found-" + m_address.toUtf8();
    QTRY_VERIFY_WITH_TIMEOUT(find<QQuickItem>(item.constData()) != nullptr, 5000);
    QVERIFY(click(item.constData()));
    QCOMPARE(textOf("addressField"), m_address);
    QCOMPARE(textOf("passwordField"), QString());
    QVERIFY2(shown("loginTarget"), qPrintable(textOf("loginTarget")));
    QVERIFY2(textOf("loginTarget").contains(m_address + QStringLiteral(" over HTTPS")),
             qPrintable(textOf("loginTarget")));
    QVERIFY2(shown("pickedNote") && textOf("pickedNote").contains(m_name), qPrintable(textOf("pickedNote")));
    QTest::qWait(500);
    QCOMPARE(requestsIn(m_service.log()), QString());
    QVERIFY(!m_session->busy() && !m_session->connected());
    shot(QStringLiteral("connect-found-https"));
}

// Logging in: a handshake only (no request), then the fingerprint is put to the person.
void TestTrust::firstLoginShowsTheFingerprintFirst()
{
    QVERIFY(type("userField", kAdmin));
    QVERIFY(type("passwordField", kPassword));
    QVERIFY(click("connectButton"));
    QTRY_VERIFY2_WITH_TIMEOUT(shown("trustPrompt"), qPrintable(errorShown()), 10000);
    QCOMPARE(m_session->property("trustFingerprint").toString(), m_first);
    QCOMPARE(textOf("trustFingerprint").replace(u'\n', u':'), m_first);
    QCOMPARE(m_session->property("trustAddress").toString(), m_address);
    QVERIFY(!m_session->connected());
    QCOMPARE(requestsIn(m_service.log()),
             QString());  // not even the credential-less probe got a request out
    shot(QStringLiteral("trust-prompt"));
}

void TestTrust::trustedBoardLogsIn()
{
    QVERIFY(click("trustButton"));
    QTRY_VERIFY2_WITH_TIMEOUT(m_session->connected(), qPrintable(errorShown()), 10000);
    QVERIFY(!shown("trustPrompt"));
    QVERIFY2(m_service.log().contains("GET /api/v1/status"), m_service.log().right(2000).constData());
    const QString key = QStringLiteral("trusted-certificates/127.0.0.1:%1").arg(m_service.port());
    QCOMPARE(QSettings().value(key).toString(), m_first);
    QVERIFY(m_session->recent()->find(QStringLiteral("address"), m_address) >= 0);  // with its scheme
    QVERIFY(click("disconnectButton"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->connected(), 5000);

    // Again: the trusted certificate lets the login through without asking.
    QSignalSpy trust(m_session, SIGNAL(trustChanged()));  // by name, like the properties above
    QVERIFY(trust.isValid());
    QVERIFY(type("addressField", m_address));
    QVERIFY(type("passwordField", kPassword));
    QVERIFY(click("connectButton"));
    QTRY_VERIFY2_WITH_TIMEOUT(m_session->connected(), qPrintable(errorShown()), 10000);
    QCOMPARE(trust.size(), 0);
    QVERIFY(click("disconnectButton"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->connected(), 5000);
}

// The same address with another certificate (a new key, or someone posing as the board).
void TestTrust::changedCertificateIsRefused()
{
    const quint16 port = m_service.port();
    QCOMPARE(m_service.stop(), 0);
    QVERIFY(m_service.start(tlsConfig(QStringLiteral("second")) +
                            QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)}));
    QCOMPARE(m_service.port(), port);
    QVERIFY(type("addressField", m_address));
    QVERIFY(type("passwordField", kPassword));
    QVERIFY(click("connectButton"));
    QTRY_VERIFY_WITH_TIMEOUT(!errorShown().isEmpty(), 10000);
    const QString error = errorShown();
    qInfo("shown: %s", qPrintable(error));
    QVERIFY2(error.contains(m_first) && error.contains(m_second), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("not sent")), qPrintable(error));
    QVERIFY(!m_session->connected());
    QVERIFY(!shown("trustPrompt"));
    QVERIFY(shown("forgetCertificateButton"));
    QTest::qWait(500);
    QCOMPARE(requestsIn(m_service.log()), QString());  // no login attempt: no request at all
    shot(QStringLiteral("trust-changed"));
}

// Forgetting the old certificate: the next login asks about the new one; cancelled, nothing goes.
void TestTrust::forgottenCertificateIsAskedForAgain()
{
    QVERIFY(click("forgetCertificateButton"));
    QTRY_VERIFY(!shown("forgetCertificateButton"));
    QVERIFY(type("passwordField", kPassword));
    QVERIFY(click("connectButton"));
    QTRY_VERIFY2_WITH_TIMEOUT(shown("trustPrompt"), qPrintable(errorShown()), 10000);
    QCOMPARE(m_session->property("trustFingerprint").toString(), m_second);
    QVERIFY(click("cancelTrustButton"));
    QTRY_VERIFY(!shown("trustPrompt"));
    QVERIFY(!m_session->connected());
    QTest::qWait(500);
    QCOMPARE(requestsIn(m_service.log()), QString());
}

// A certificate this computer's authorities vouch for (here the test's own authority, added to
// the app's default TLS configuration) is pinned all the same: the first login asks (its probe
// cut off once the handshake is done, before a request), and when the board shows another
// certificate of the same authority mid-session, each API request (with credentials) is cut off
// at the end of the handshake: the service sees none of them, and the app leaves the board.
// (The preview's player, FFmpeg inside Qt Multimedia, checks no pin: media requests with the
// preview's URL token may reach the other certificate until the app has left; not asserted.)
void TestTrust::authoritySignedCertificateIsPinnedToo()
{
    QString first, second;
    QVERIFY(makeSignedCertificate(QStringLiteral("signed-first"), &first));
    QVERIFY(makeSignedCertificate(QStringLiteral("signed-second"), &second));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    const QList<QSslCertificate> authority = QSslCertificate::fromPath(m_home.filePath(QStringLiteral("ca.pem")));
    QCOMPARE(authority.size(), 1);
    tls.addCaCertificate(authority.first());
    QSslConfiguration::setDefaultConfiguration(tls);
    // The handshake now verifies without errors: a plain QNetworkAccessManager would log in.
    m_service.stop();
    QVERIFY(m_service.start(tlsConfig(QStringLiteral("signed-first"))));
    QCOMPARE(m_service.get(QStringLiteral("/healthz")).status, 200);
    const QString address = QStringLiteral("https://127.0.0.1:%1").arg(m_service.port());
    const QString before = requestsIn(m_service.log());

    QVERIFY(type("addressField", address));
    QVERIFY(type("userField", kAdmin));
    QVERIFY(type("passwordField", kPassword));
    QVERIFY(click("connectButton"));
    QTRY_VERIFY2_WITH_TIMEOUT(shown("trustPrompt"), qPrintable(errorShown()), 10000);
    QCOMPARE(m_session->property("trustFingerprint").toString(), first);
    QCOMPARE(requestsIn(m_service.log()), before);
    QVERIFY(click("trustButton"));
    QTRY_VERIFY2_WITH_TIMEOUT(m_session->connected(), qPrintable(errorShown()), 10000);

    // Same port, another certificate of the same authority, while the app polls the status.
    const quint16 port = m_service.port();
    QCOMPARE(m_service.stop(), 0);
    QVERIFY(m_service.start(tlsConfig(QStringLiteral("signed-second")) +
                            QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)}));
    QTRY_VERIFY_WITH_TIMEOUT(errorShown().contains(second), 15000);
    qInfo("shown: %s", qPrintable(errorShown()));
    QVERIFY2(errorShown().contains(first) && errorShown().contains(QLatin1String("nothing was sent")),
             qPrintable(errorShown()));
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->connected(), 5000);
    QVERIFY(shown("forgetCertificateButton"));
    QTest::qWait(2500);  // when a poll would have come
    const QString requests = requestsIn(m_service.log());
    QVERIFY2(!requests.contains(QLatin1String(" /api/")), qPrintable(requests));
    if (!requests.isEmpty())
        qInfo("the preview's player reached the other certificate:\n%s", qPrintable(requests));
}

HLSCAM_DESKTOP_TEST_MAIN(TestTrust)

#include "tst_trust.moc"
