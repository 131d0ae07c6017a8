// ACME against a real ACME server: Let's Encrypt's test server pebble (Debian package `pebble`),
// started here on loopback ports with its own CA, its validation authority pointed at the
// service's http_listen port and its resolver at pebble-challtestsrv answering 127.0.0.1 for
// every name. The certificate is issued through a real HTTP-01 validation, curl trusting
// pebble's root sees it, a restart orders nothing, port 80 only answers challenges and
// redirects, a renewal swaps certificates while an open connection keeps working, and failures
// (directory unreachable, challenge failing) say why and keep the certificate served. HSTS only
// with the issued certificate, never with the self-signed stand-in served before it.
#include "ServiceProcess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kDomain = QStringLiteral("cam.test");

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// Runs a program to completion; its exit code (-1 when it did not finish), output in *out.
int runTool(const QString &program, const QStringList &args, QByteArray *out = nullptr)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished(3000);
        return -1;
    }
    if (out)
        *out = p.readAll();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

// One pebble: its directory, management port (roots) and the port it validates HTTP-01 on.
struct Pebble {
    QProcess process;
    quint16 port = 0;
    quint16 managementPort = 0;
    quint16 httpPort = 0;
    QString directory() const { return QStringLiteral("https://127.0.0.1:%1/dir").arg(port); }
};

// A plain request on the http_listen port from `from`; the whole answer.
QByteArray plainRequest(quint16 port, const QByteArray &request, const QString &from = QStringLiteral("127.0.0.1"))
{
    QTcpSocket s;
    if (!s.bind(QHostAddress(from)))
        return {};
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(5000))
        return {};
    s.write(request);
    QByteArray answer;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 10000 && s.state() == QAbstractSocket::ConnectedState) {
        s.waitForReadyRead(200);
        answer += s.readAll();
    }
    return answer + s.readAll();
}

}  // namespace

class TestAcme : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcess m_dns;
    quint16 m_dnsPort = 0;
    Pebble m_long;   // pebble's default validity (years)
    Pebble m_short;  // 45-second certificates: renewed after 30 s
    QString m_ca;    // the CA of pebble's own HTTPS certificate (acme_ca)

    bool startPebble(Pebble &pebble, int validitySeconds)
    {
        pebble.port = freePort();
        pebble.managementPort = freePort();
        pebble.httpPort = freePort();
        QJsonObject config{
            {QStringLiteral("listenAddress"), QStringLiteral("127.0.0.1:%1").arg(pebble.port)},
            {QStringLiteral("managementListenAddress"), QStringLiteral("127.0.0.1:%1").arg(pebble.managementPort)},
            {QStringLiteral("certificate"), m_dir.filePath(QStringLiteral("pebble.pem"))},
            {QStringLiteral("privateKey"), m_dir.filePath(QStringLiteral("pebble.key"))},
            {QStringLiteral("httpPort"), pebble.httpPort},
            {QStringLiteral("tlsPort"), freePort()},
            {QStringLiteral("ocspResponderURL"), QString()},
            {QStringLiteral("externalAccountBindingRequired"), false},
            // Orders for it are rejected (rejectedIdentifier).
            {QStringLiteral("domainBlocklist"), QJsonArray{QStringLiteral("blocked.test")}}};
        if (validitySeconds > 0)
            config.insert(QStringLiteral("certificateValidityPeriod"), validitySeconds);
        const QString path = m_dir.filePath(QStringLiteral("pebble-%1.json").arg(pebble.port));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return false;
        f.write(QJsonDocument(QJsonObject{{QStringLiteral("pebble"), config}}).toJson());
        f.close();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PEBBLE_VA_NOSLEEP"), QStringLiteral("1"));
        env.insert(QStringLiteral("PEBBLE_AUTHZREUSE"), QStringLiteral("0"));  // every order is validated
        pebble.process.setProcessEnvironment(env);
        pebble.process.setProcessChannelMode(QProcess::MergedChannels);
        pebble.process.start(QStringLiteral("pebble"), {QStringLiteral("-config"), path, QStringLiteral("-dnsserver"),
                                                        QStringLiteral("127.0.0.1:%1").arg(m_dnsPort)});
        QElapsedTimer clock;
        clock.start();
        QByteArray log;
        while (clock.elapsed() < 15000 && pebble.process.state() != QProcess::NotRunning) {
            pebble.process.waitForReadyRead(200);
            log += pebble.process.readAll();
            if (log.contains("ACME directory available"))
                return true;
        }
        qWarning() << "pebble did not start:" << log;
        return false;
    }

    // pebble's root (its CA is made anew at each start), written to a file for curl.
    QString rootOf(const Pebble &pebble)
    {
        QString path = m_dir.filePath(QStringLiteral("root-%1.pem").arg(pebble.port));
        QByteArray pem;
        if (runTool(QStringLiteral("curl"),
                    {QStringLiteral("-sS"), QStringLiteral("--cacert"), m_ca,
                     QStringLiteral("https://127.0.0.1:%1/roots/0").arg(pebble.managementPort)},
                    &pem) != 0)
            return {};
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(pem) != pem.size())
            return {};
        return path;
    }

    QByteArray config(const Pebble &pebble, quint16 httpPort, const QString &directory = {},
                      const QString &domain = kDomain) const
    {
        return QStringLiteral(
                   "[server]\nhttp_listen = 127.0.0.1:%1\nannounce = false\n"
                   "[webrtc]\nenabled = false\n"
                   "[tls]\nacme_domain = %2\nacme_email = admin@%2\nacme_directory = %3\nacme_ca = %4\n")
            .arg(httpPort)
            .arg(domain, directory.isEmpty() ? pebble.directory() : directory, m_ca)
            .toUtf8();
    }

    // curl, trusting only `root`, to https://cam.test:PORT/PATH: "STATUS FINGERPRINT-OF-LEAF".
    QByteArray curl(quint16 port, const QString &root, const QString &path = QStringLiteral("/healthz"),
                    const QStringList &extra = {})
    {
        QByteArray out;
        runTool(QStringLiteral("curl"),
                QStringList{QStringLiteral("-sS"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                            QStringLiteral("-w"), QStringLiteral("%{http_code}"), QStringLiteral("--cacert"), root,
                            QStringLiteral("--resolve"), QStringLiteral("%1:%2:127.0.0.1").arg(kDomain).arg(port),
                            QStringLiteral("https://%1:%2%3").arg(kDomain).arg(port).arg(path)} +
                    extra,
                &out);
        return out.trimmed();
    }

    // The Strict-Transport-Security header of /healthz over HTTPS (empty when absent); `root`
    // empty: the certificate is not checked (the self-signed stand-in).
    static QByteArray hstsHeader(quint16 port, const QString &root)
    {
        QByteArray head;
        runTool(
            QStringLiteral("curl"),
            QStringList{QStringLiteral("-sS"), QStringLiteral("-o"), QStringLiteral("/dev/null"), QStringLiteral("-D"),
                        QStringLiteral("-"), QStringLiteral("--resolve"),
                        QStringLiteral("%1:%2:127.0.0.1").arg(kDomain).arg(port)} +
                (root.isEmpty() ? QStringList{QStringLiteral("-k")} : QStringList{QStringLiteral("--cacert"), root}) +
                QStringList{QStringLiteral("https://%1:%2/healthz").arg(kDomain).arg(port)},
            &head);
        if (!head.startsWith("HTTP/1.1 200"))
            return "no answer: " + head;
        for (const QByteArray &line : head.split('\n'))
            if (line.toLower().startsWith("strict-transport-security:"))
                return line.mid(line.indexOf(':') + 1).trimmed();
        return {};
    }

    static QByteArray fileBytes(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    // The leaf a TLS handshake with the service shows, trusting `root`.
    static QSslCertificate servedCertificate(quint16 port, const QString &root)
    {
        QSslSocket s;
        QSslConfiguration conf = s.sslConfiguration();
        conf.setCaCertificates(QSslCertificate::fromPath(root));
        s.setSslConfiguration(conf);
        s.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port, kDomain);
        if (!s.waitForEncrypted(10000))
            return QSslCertificate();
        return s.peerCertificate();
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const char *tool : {"pebble", "pebble-challtestsrv", "openssl", "curl"})
            if (QStandardPaths::findExecutable(QLatin1String(tool)).isEmpty())
                QSKIP(qPrintable(
                    QStringLiteral("%1 is not installed (scripts/setup installs it)").arg(QLatin1String(tool))));
        QVERIFY(m_dir.isValid());
        // pebble's own HTTPS: a CA of ours and a certificate for 127.0.0.1 signed by it.
        m_ca = m_dir.filePath(QStringLiteral("ca.pem"));
        const QString caKey = m_dir.filePath(QStringLiteral("ca.key"));
        const QString key = m_dir.filePath(QStringLiteral("pebble.key"));
        const QString csr = m_dir.filePath(QStringLiteral("pebble.csr"));
        const QString ext = m_dir.filePath(QStringLiteral("ext"));
        QFile extFile(ext);
        QVERIFY(extFile.open(QIODevice::WriteOnly));
        extFile.write("subjectAltName=IP:127.0.0.1\n");
        extFile.close();
        const QStringList ec{QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                             QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes")};
        QCOMPARE(runTool(QStringLiteral("openssl"),
                         QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ec +
                             QStringList{QStringLiteral("-keyout"), caKey, QStringLiteral("-out"), m_ca,
                                         QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                                         QStringLiteral("/CN=hlscam test CA")}),
                 0);
        QCOMPARE(runTool(QStringLiteral("openssl"),
                         QStringList{QStringLiteral("req")} + ec +
                             QStringList{QStringLiteral("-keyout"), key, QStringLiteral("-out"), csr,
                                         QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")}),
                 0);
        QCOMPARE(
            runTool(QStringLiteral("openssl"),
                    {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), csr, QStringLiteral("-CA"),
                     m_ca, QStringLiteral("-CAkey"), caKey, QStringLiteral("-CAcreateserial"), QStringLiteral("-out"),
                     m_dir.filePath(QStringLiteral("pebble.pem")), QStringLiteral("-days"), QStringLiteral("2"),
                     QStringLiteral("-extfile"), ext}),
            0);

        // Every name resolves to 127.0.0.1 (A only: the validation goes to our IPv4 listener).
        m_dnsPort = freePort();
        m_dns.setProcessChannelMode(QProcess::MergedChannels);
        m_dns.start(
            QStringLiteral("pebble-challtestsrv"),
            {QStringLiteral("-dns01"), QStringLiteral("127.0.0.1:%1").arg(m_dnsPort), QStringLiteral("-http01"),
             QString(), QStringLiteral("-https01"), QString(), QStringLiteral("-tlsalpn01"), QString(),
             QStringLiteral("-management"), QStringLiteral("127.0.0.1:%1").arg(freePort()),
             QStringLiteral("-defaultIPv4"), QStringLiteral("127.0.0.1"), QStringLiteral("-defaultIPv6"), QString()});
        QVERIFY(m_dns.waitForStarted(5000));
        QVERIFY(startPebble(m_long, 0));
        QVERIFY(startPebble(m_short, 45));
    }

    void cleanupTestCase()
    {
        for (QProcess *p : {&m_long.process, &m_short.process, &m_dns}) {
            if (p->state() == QProcess::NotRunning)
                continue;
            p->terminate();  // the PIDs this test started
            if (!p->waitForFinished(5000)) {
                p->kill();
                p->waitForFinished(3000);
            }
        }
    }

    // Issued through a real HTTP-01 validation and served; kept on a restart without an order;
    // the plain port answers challenges and redirects only.
    void issuesServesAndKeeps()
    {
        ServiceProcess svc;
        QVERIFY(svc.addUser(QStringLiteral("boss"), QStringLiteral("boss-password-1"), QStringLiteral("admin")));
        const QStringList args = svc.configArgs(config(m_long, m_long.httpPort));
        QElapsedTimer clock;
        clock.start();
        QVERIFY2(svc.start(args), svc.log().constData());
        QTRY_VERIFY2_WITH_TIMEOUT(svc.log().contains("ACME: certificate issued for cam.test"), svc.log().constData(),
                                  60000);
        qInfo("from start to serving a pebble-issued certificate: %lld ms", qint64(clock.elapsed()));
        QVERIFY(svc.log().contains("HTTP-01 challenge fetched by 127.0.0.1"));

        const QString root = rootOf(m_long);
        QVERIFY(!root.isEmpty());
        QCOMPARE(curl(svc.port(), root), QByteArray("200"));
        // A real certificate: browsers are told to keep to HTTPS.
        QCOMPARE(hstsHeader(svc.port(), root), QByteArray("max-age=31536000"));
        QCOMPARE(
            curl(svc.port(), root, QStringLiteral("/"), {QStringLiteral("-u"), QStringLiteral("boss:boss-password-1")}),
            QByteArray("200"));
        const QSslCertificate served = servedCertificate(svc.port(), root);
        QVERIFY(!served.isNull());
        QCOMPARE(served.subjectAlternativeNames().values(QSsl::DnsEntry), QStringList{kDomain});

        // Days to expiry in the status and the metrics.
        QByteArray status;
        QCOMPARE(runTool(QStringLiteral("curl"),
                         {QStringLiteral("-sS"), QStringLiteral("--cacert"), root, QStringLiteral("--resolve"),
                          QStringLiteral("%1:%2:127.0.0.1").arg(kDomain).arg(svc.port()), QStringLiteral("-u"),
                          QStringLiteral("boss:boss-password-1"),
                          QStringLiteral("https://%1:%2/api/v1/status").arg(kDomain).arg(svc.port())},
                         &status),
                 0);
        QVERIFY2(QJsonDocument::fromJson(status).object().value(QStringLiteral("certificate_days_left")).toInt() > 300,
                 status.constData());
        QByteArray metrics;
        runTool(QStringLiteral("curl"),
                {QStringLiteral("-sS"), QStringLiteral("--cacert"), root, QStringLiteral("--resolve"),
                 QStringLiteral("%1:%2:127.0.0.1").arg(kDomain).arg(svc.port()), QStringLiteral("-u"),
                 QStringLiteral("boss:boss-password-1"),
                 QStringLiteral("https://%1:%2/metrics").arg(kDomain).arg(svc.port())},
                &metrics);
        QVERIFY2(metrics.contains("\nhlscam_certificate_days_left "), metrics.left(300).constData());

        // Keys and certificate: owner-only files in the state directory.
        for (const char *name : {"acme-account.key", "acme-account.url", "acme-certificate.pem"}) {
            const QFileInfo info(svc.stateDir() + u'/' + QLatin1String(name));
            QVERIFY2(info.exists(), name);
            QCOMPARE(info.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                     QFile::Permissions());
        }

        // Port 80: a challenge it does not hold is 404, everything else 308 to HTTPS, bounded.
        const quint16 http = m_long.httpPort;
        QByteArray answer = plainRequest(http, "GET /cam/cam0/index.m3u8?x=1 HTTP/1.1\r\nHost: cam.test\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 308 "), answer.constData());
        QVERIFY2(answer.contains(QStringLiteral("\r\nLocation: https://cam.test:%1/cam/cam0/index.m3u8?x=1\r\n")
                                     .arg(svc.port())
                                     .toLatin1()),
                 answer.constData());
        answer = plainRequest(http, "POST /api/v1/users HTTP/1.1\r\nHost: cam.test:80\r\nContent-Length: 2\r\n\r\n{}");
        QVERIFY2(answer.startsWith("HTTP/1.1 308 "), answer.constData());
        QVERIFY2(answer.contains("\r\nContent-Length: 0\r\n"), answer.constData());  // no API, no page, no body
        answer = plainRequest(http,
                              "GET /.well-known/acme-challenge/not-a-pending-token HTTP/1.1\r\nHost: cam.test\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 404 "), answer.constData());
        answer = plainRequest(http, "GET / HTTP/1.1\r\nHost: evil\r\nX: \r\nLocation: x\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 308 ") && answer.contains("Location: https://evil:"), answer.constData());
        answer = plainRequest(http, "GET / HTTP/1.1\r\nHost: a\r\nb\"c\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 308 "), answer.constData());
        answer = plainRequest(http, "GET / HTTP/1.1\r\nHost: evil.org/x?\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 400 "), answer.constData());
        answer = plainRequest(http, "GET / HTTP/1.1\r\nX: " + QByteArray(8000, 'a') + "\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 431 "), answer.constData());

        // A restart serves the same certificate with the same account, and orders nothing.
        const QByteArray accountKey = fileBytes(svc.stateDir() + QStringLiteral("/acme-account.key"));
        const QByteArray certificate = fileBytes(svc.stateDir() + QStringLiteral("/acme-certificate.pem"));
        QCOMPARE(svc.stop(), 0);
        QVERIFY2(svc.start(args), svc.log().constData());
        QTRY_VERIFY_WITH_TIMEOUT(svc.log().contains("ACME: serving the certificate in"), 10000);
        QCOMPARE(curl(svc.port(), root), QByteArray("200"));
        QCOMPARE(servedCertificate(svc.port(), root), served);
        QVERIFY2(!svc.log().contains("ordering"), svc.log().constData());
        QCOMPARE(fileBytes(svc.stateDir() + QStringLiteral("/acme-account.key")), accountKey);
        QCOMPARE(fileBytes(svc.stateDir() + QStringLiteral("/acme-certificate.pem")), certificate);
        svc.stop();
    }

    // A challenge pebble cannot fetch (nothing on the port it validates): the reason in the
    // log, the stand-in still served, the process still up.
    void failingChallengeSaysWhy()
    {
        ServiceProcess svc;
        quint16 elsewhere = freePort();
        QVERIFY(svc.start(svc.configArgs(config(m_long, elsewhere))));
        QTRY_VERIFY2_WITH_TIMEOUT(svc.log().contains("the HTTP-01 challenge for cam.test failed"),
                                  svc.log().constData(), 30000);
        QVERIFY2(svc.log().contains("ACME: still serving the self-signed stand-in"), svc.log().constData());
        // No HSTS for the stand-in: a browser that pinned the name to HTTPS now could not be let
        // through its certificate warning, and the name would be locked out until the real one.
        QCOMPARE(hstsHeader(svc.port(), QString()), QByteArray());
        QCOMPARE(svc.stop(), 0);  // still up, and it ends cleanly
    }

    // An order the server turns down: its reason in the log.
    void rejectedOrderSaysWhy()
    {
        ServiceProcess svc;
        QVERIFY(svc.start(svc.configArgs(config(m_long, m_long.httpPort, {}, QStringLiteral("blocked.test")))));
        QTRY_VERIFY2_WITH_TIMEOUT(svc.log().contains("ACME newOrder at 127.0.0.1 failed: HTTP 400: "
                                                     "urn:ietf:params:acme:error:rejectedIdentifier"),
                                  svc.log().constData(), 30000);
        QVERIFY2(svc.log().contains("ACME: still serving the self-signed stand-in; next attempt in 60 s"),
                 svc.log().constData());
        QCOMPARE(svc.stop(), 0);
    }

    // An address banned on the HTTPS port is closed on the plain port too, before a byte is read.
    void bannedAddressRefusedOnPlainPort()
    {
        ServiceProcess svc;
        const quint16 http = freePort();
        QVERIFY(svc.start(svc.configArgs(config(m_long, http) + "[bans]\nmaxretry = 2\nignoreip = 127.0.0.1\n")));
        const QByteArray redirect = "GET / HTTP/1.1\r\nHost: cam.test\r\n\r\n";
        QVERIFY(plainRequest(http, redirect, QStringLiteral("127.0.0.9")).startsWith("HTTP/1.1 308 "));
        for (int i = 0; i < 2; ++i)
            QCOMPARE(svc.getFrom(QStringLiteral("127.0.0.9"), QStringLiteral("/"), QStringLiteral("nobody"),
                                 QStringLiteral("wrong"))
                         .status,
                     401);
        QTRY_VERIFY_WITH_TIMEOUT(svc.log().contains("127.0.0.9"), 5000);
        QCOMPARE(plainRequest(http, redirect, QStringLiteral("127.0.0.9")), QByteArray());
        QVERIFY(plainRequest(http, redirect, QStringLiteral("127.0.0.1")).startsWith("HTTP/1.1 308 "));
        QCOMPARE(svc.stop(), 0);
    }

    // A link planted in the state directory where the account key goes is refused, not followed.
    void plantedLinkIsRefused()
    {
        ServiceProcess svc;
        const QString target = m_dir.filePath(QStringLiteral("elsewhere.key"));
        QVERIFY(QFile::link(target, svc.stateDir() + QStringLiteral("/acme-account.key")));
        QVERIFY(!svc.start(svc.configArgs(config(m_long, freePort()))));
        QVERIFY2(svc.log().contains("acme-account.key is a symbolic link; refusing to follow it"),
                 svc.log().constData());
        QVERIFY(!QFile::exists(target));
    }

    // A short-lived certificate is renewed at two thirds of its life: new connections get the new
    // one, an open connection keeps working; then, with the directory unreachable, the renewal
    // fails with the reason and the current certificate keeps serving.
    void renewsAndKeepsOnFailure()
    {
        ServiceProcess svc;
        const QStringList args = svc.configArgs(config(m_short, m_short.httpPort));
        QVERIFY(svc.start(args));
        QTRY_VERIFY2_WITH_TIMEOUT(svc.log().contains("ACME: certificate issued"), svc.log().constData(), 60000);
        const QString root = rootOf(m_short);
        const QSslCertificate first = servedCertificate(svc.port(), root);
        QVERIFY(!first.isNull());

        // An open connection, one request answered before the renewal and one after.
        QSslSocket open;
        QSslConfiguration conf = open.sslConfiguration();
        conf.setCaCertificates(QSslCertificate::fromPath(root));
        open.setSslConfiguration(conf);
        open.connectToHostEncrypted(QStringLiteral("127.0.0.1"), svc.port(), kDomain);
        QVERIFY(open.waitForEncrypted(10000));
        const QByteArray request = "GET /healthz HTTP/1.1\r\nHost: cam.test\r\n\r\n";
        open.write(request);
        QTRY_VERIFY_WITH_TIMEOUT((open.waitForReadyRead(100), open.peek(1 << 16).contains("\r\n\r\n")), 10000);
        QVERIFY(open.readAll().startsWith("HTTP/1.1 200"));

        QTRY_VERIFY2_WITH_TIMEOUT(svc.log().count("ACME: certificate issued") >= 2, svc.log().constData(), 60000);
        const QSslCertificate second = servedCertificate(svc.port(), root);
        QVERIFY(!second.isNull());
        QVERIFY(second != first);
        open.write(request);
        QTRY_VERIFY_WITH_TIMEOUT((open.waitForReadyRead(100), open.peek(1 << 16).contains("\r\n\r\n")), 10000);
        QVERIFY(open.readAll().startsWith("HTTP/1.1 200"));
        QCOMPARE(open.peerCertificate(), first);  // the same TLS session as before
        QCOMPARE(open.state(), QAbstractSocket::ConnectedState);

        // The directory unreachable when the renewal is due: the reason, and the certificate kept.
        QCOMPARE(svc.stop(), 0);
        const QString unreachable = QStringLiteral("https://127.0.0.1:%1/dir").arg(freePort());
        QVERIFY(svc.start(svc.configArgs(config(m_short, m_short.httpPort, unreachable))));
        QTRY_VERIFY2_WITH_TIMEOUT(svc.log().contains("ACME directory: cannot reach"), svc.log().constData(), 40000);
        QVERIFY2(svc.log().contains("ACME: keeping the current certificate"), svc.log().constData());
        QCOMPARE(servedCertificate(svc.port(), root), second);
        svc.stop();
    }
};

QTEST_GUILESS_MAIN(TestAcme)
#include "tst_acme.moc"
