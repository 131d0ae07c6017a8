// Access control of the real binary on loopback: fail2ban-style bans (refused at accept, kept
// across restarts, lifted by the CLI), URL tokens, the admin API's roles, HTTPS, connection
// limits, the users file under kill -9, and the shipped fail2ban filter against real log lines.
#include "ServiceProcess.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

namespace {

const QString kPlaylist = QStringLiteral("/cam/cam0/index.m3u8");

// Leaves 127.0.0.2 and .3 out of ignoreip, so they can be banned; 127.0.0.1 stays ignored.
const QByteArray kBanConfig = "[bans]\nmaxretry = 10\nfindtime = 1h\nbantime = 1h\nignoreip = 127.0.0.1\n";

int countLines(const QByteArray &log, const QString &pattern)
{
    return int(QString::fromUtf8(log).count(QRegularExpression(pattern)));
}

// The status of the viewer's playlist request, with the right password, from `from`: 200, or 0
// when the connection is closed unread (a banned address).
int viewerStatusFrom(ServiceProcess &service, const QString &from)
{
    return service.getFrom(from, kPlaylist, QStringLiteral("viewer"), QStringLiteral("viewer-pw")).status;
}

// Runs `hlscam bans ARGS` on the service's state dir and `config`; returns its exit status.
int runBans(ServiceProcess &service, const QStringList &args, const QStringList &config, QByteArray *out = nullptr)
{
    return service.run(QStringList{QStringLiteral("bans")} + args +
                           QStringList{QStringLiteral("--state-dir"), service.stateDir()} + config,
                       {}, out);
}

}  // namespace

class TestAccess : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bansFollowFail2banRules();
    void tokensOpenMediaOnly();
    void apiRolesAndErrors();
    void anonymousViewersWatchButCannotAdminister();
    void httpsWithASelfSignedCertificate();
    void limitsCloseAbusiveConnections();
    void usersFileSurvivesKillDuringAdd();
    void fail2banFilterMatchesRealLines();
};

void TestAccess::bansFollowFail2banRules()
{
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("viewer"), QStringLiteral("viewer-pw")));
    QVERIFY(service.addUser(QStringLiteral("admin"), QStringLiteral("admin-pw"), QStringLiteral("admin")));
    const QStringList config = service.configArgs(kBanConfig);
    QVERIFY(service.start(config));

    // Requests without credentials are challenges, never failures: 20 of them ban nobody.
    for (int i = 0; i < 20; ++i)
        QCOMPARE(service.getFrom(QStringLiteral("127.0.0.3"), kPlaylist).status, 401);

    // 10 wrong passwords from .2: each answered 401, the 10th bans.
    for (int i = 0; i < 10; ++i)
        QCOMPARE(service
                     .getFrom(QStringLiteral("127.0.0.2"), kPlaylist, QStringLiteral("viewer"),
                              QStringLiteral("guess%1").arg(i))
                     .status,
                 401);
    // The next connection from .2 is closed before a byte is read, even with the right password.
    const HttpReply refused = service.getFrom(QStringLiteral("127.0.0.2"), QStringLiteral("/healthz"));
    QCOMPARE(refused.status, 0);
    QVERIFY2(refused.closedAfterMs >= 0 && refused.closedAfterMs < 1000,
             qPrintable(QString::number(refused.closedAfterMs)));
    qInfo("a banned address's connection stayed open %lld ms", refused.closedAfterMs);
    QCOMPARE(viewerStatusFrom(service, QStringLiteral("127.0.0.2")), 0);

    // .3 still plays with the right password; the ignored .1 is never banned.
    QCOMPARE(viewerStatusFrom(service, QStringLiteral("127.0.0.3")), 200);
    for (int i = 0; i < 12; ++i)
        QCOMPARE(
            service.getFrom(QStringLiteral("127.0.0.1"), kPlaylist, QStringLiteral("viewer"), QStringLiteral("nope"))
                .status,
            401);
    QCOMPARE(viewerStatusFrom(service, QStringLiteral("127.0.0.1")), 200);

    const QByteArray log = service.log();
    QCOMPARE(
        countLines(log, QStringLiteral("authentication failure from 127\\.0\\.0\\.2: wrong-password \\(\\d+ of 10\\)")),
        10);
    QCOMPARE(countLines(log, QStringLiteral("ban 127\\.0\\.0\\.2 for 3600s after 10 failures")), 1);
    QCOMPARE(countLines(log, QStringLiteral("authentication failure from 127\\.0\\.0\\.3")), 0);
    QCOMPARE(countLines(log, QStringLiteral("ban 127\\.0\\.0\\.1 ")), 0);

    // The admin API lists it.
    const HttpReply list = service.getFrom(QStringLiteral("127.0.0.1"), QStringLiteral("/api/v1/bans"),
                                           QStringLiteral("admin"), QStringLiteral("admin-pw"));
    QCOMPARE(list.status, 200);
    const QJsonArray bans = QJsonDocument::fromJson(list.body).array();
    QCOMPARE(bans.size(), 1);
    QCOMPARE(bans[0][QStringLiteral("address")].toString(), QStringLiteral("127.0.0.2"));

    // A restart keeps the ban.
    QCOMPARE(service.stop(), 0);
    QVERIFY(service.start(config));
    QCOMPARE(viewerStatusFrom(service, QStringLiteral("127.0.0.2")), 0);
    QCOMPARE(viewerStatusFrom(service, QStringLiteral("127.0.0.3")), 200);

    // `hlscam bans` sees and lifts it while the service runs; the service follows at once.
    QByteArray out;
    QCOMPARE(runBans(service, {QStringLiteral("list")}, config, &out), 0);
    QVERIFY2(out.contains("127.0.0.2"), out.constData());
    QCOMPARE(runBans(service, {QStringLiteral("unban"), QStringLiteral("127.0.0.2")}, config), 0);
    QTRY_COMPARE_WITH_TIMEOUT(viewerStatusFrom(service, QStringLiteral("127.0.0.2")), 200, 5000);
    QCOMPARE(runBans(service, {QStringLiteral("unban"), QStringLiteral("127.0.0.2")}, config), 1);
    QCOMPARE(runBans(service, {QStringLiteral("unban"), QStringLiteral("not-an-ip")}, config), 2);
}

void TestAccess::tokensOpenMediaOnly()
{
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("viewer"), QStringLiteral("viewer-pw")));
    QVERIFY(service.start(service.configArgs(kBanConfig)));

    // A viewer makes a token for the default camera through the API.
    const QByteArray body = R"({"ttl": 600})";
    const HttpReply made = service.raw(
        "POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Basic " +
        QByteArray("viewer:viewer-pw").toBase64() + "\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\n\r\n" + body);
    QCOMPARE(made.status, 201);
    const QJsonObject answer = QJsonDocument::fromJson(made.body).object();
    const QString token = answer[QStringLiteral("token")].toString();
    QVERIFY(!token.isEmpty());
    QCOMPARE(answer[QStringLiteral("role")].toString(), QStringLiteral("viewer"));
    QCOMPARE(answer[QStringLiteral("url")].toString(), kPlaylist + QStringLiteral("?token=") + token);

    // The playlist opens with the token alone, and every URI in it carries the token on.
    const HttpReply playlist = service.get(kPlaylist + QStringLiteral("?token=") + token);
    QCOMPARE(playlist.status, 200);
    QStringList uris;
    for (const QByteArray &line : playlist.body.split('\n')) {
        if (!line.isEmpty() && !line.startsWith('#'))
            uris << QString::fromUtf8(line);
        static const QRegularExpression uriAttribute(QStringLiteral("URI=\"([^\"]+)\""));
        const QRegularExpressionMatch m = uriAttribute.match(QString::fromUtf8(line));
        if (m.hasMatch())
            uris << m.captured(1);
    }
    QVERIFY(uris.size() >= 2);
    for (const QString &uri : std::as_const(uris))
        QVERIFY2(uri.contains(QStringLiteral("token=") + token), qPrintable(uri));
    QCOMPARE(service.get(QStringLiteral("/cam/cam0/") + uris.last()).status, 200);

    // ffmpeg's own HLS client plays the token URL with no credentials at all.
    QString error;
    const QJsonObject video = service.probeVideo(kPlaylist + QStringLiteral("?token=") + token, {}, {}, &error);
    QVERIFY2(!video.isEmpty(), qPrintable(error));
    QCOMPARE(video[QStringLiteral("codec_name")].toString(), QStringLiteral("h264"));

    // A token opens media only; a damaged token is a counted failure.
    QCOMPARE(service.get(QStringLiteral("/?token=") + token).status, 401);
    QCOMPARE(service.get(QStringLiteral("/api/v1/bans?token=") + token).status, 401);
    QCOMPARE(
        service
            .getFrom(QStringLiteral("127.0.0.3"), kPlaylist + QStringLiteral("?token=") + token + QStringLiteral("x"))
            .status,
        401);
    QCOMPARE(service.get(QStringLiteral("/cam/nope/index.m3u8?token=") + token).status, 401);
    QVERIFY(service.log().contains("authentication failure from 127.0.0.3: bad-token (1 of 10)"));

    // Removing the user revokes the token.
    QCOMPARE(service.run({QStringLiteral("users"), QStringLiteral("remove"), QStringLiteral("viewer"),
                          QStringLiteral("--state-dir"), service.stateDir()}),
             0);
    QTRY_COMPARE_WITH_TIMEOUT(service.get(kPlaylist + QStringLiteral("?token=") + token).status, 401, 5000);
}

void TestAccess::apiRolesAndErrors()
{
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("viewer"), QStringLiteral("viewer-pw")));
    QVERIFY(service.addUser(QStringLiteral("admin"), QStringLiteral("admin-pw"), QStringLiteral("admin")));
    QVERIFY(service.start());
    const auto post = [&](const QString &user, const QByteArray &json) {
        return service.raw("POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " +
                           (user + QStringLiteral(":") + user + QStringLiteral("-pw")).toUtf8().toBase64() +
                           "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(json.size()) +
                           "\r\n\r\n" + json);
    };
    QCOMPARE(service.get(QStringLiteral("/api/v1/bans"), QStringLiteral("viewer"), QStringLiteral("viewer-pw")).status,
             403);
    QCOMPARE(service.get(QStringLiteral("/api/v1/bans"), QStringLiteral("admin"), QStringLiteral("admin-pw")).status,
             200);
    QCOMPARE(
        service
            .get(QStringLiteral("/api/v1/bans/10.0.0.9"), QStringLiteral("admin"), QStringLiteral("admin-pw"), "DELETE")
            .status,
        404);
    QCOMPARE(
        service.get(QStringLiteral("/api/v1/bans/zzz"), QStringLiteral("admin"), QStringLiteral("admin-pw"), "DELETE")
            .status,
        400);
    QCOMPARE(service.get(QStringLiteral("/api/v1/bans"), QStringLiteral("admin"), QStringLiteral("admin-pw"), "DELETE")
                 .status,
             405);
    QCOMPARE(service.get(QStringLiteral("/api/v1/nothing"), QStringLiteral("admin"), QStringLiteral("admin-pw")).status,
             404);
    QCOMPARE(service.get(QStringLiteral("/api/v1/tokens"), QStringLiteral("admin"), QStringLiteral("admin-pw")).status,
             405);
    QCOMPARE(service.get(QStringLiteral("/"), QStringLiteral("admin"), QStringLiteral("admin-pw"), "POST").status, 405);

    QCOMPARE(post(QStringLiteral("viewer"), R"({"role":"admin"})").status, 403);
    QCOMPARE(post(QStringLiteral("viewer"), R"({"ttl": 31536000})").status, 400);  // a year: admins only
    QCOMPARE(post(QStringLiteral("admin"), R"({"ttl": 31536000, "role": "admin", "camera": "*"})").status, 201);
    const HttpReply bad = post(QStringLiteral("admin"), R"({"camera":"garage"})");
    QCOMPARE(bad.status, 400);
    QVERIFY2(QJsonDocument::fromJson(bad.body)[QStringLiteral("error")].toString().contains(
                 QStringLiteral("no camera 'garage'")),
             bad.body.constData());
    QCOMPARE(post(QStringLiteral("admin"), "not json").status, 400);
    QCOMPARE(post(QStringLiteral("admin"), R"({"ttl": 5})").status, 400);
    QCOMPARE(post(QStringLiteral("admin"), R"({"colour": "red"})").status, 400);
}

void TestAccess::anonymousViewersWatchButCannotAdminister()
{
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("admin"), QStringLiteral("admin-pw"), QStringLiteral("admin")));
    QVERIFY(service.start(service.configArgs("[auth]\nanonymous = viewer\n" + kBanConfig)));
    QVERIFY(service.log().contains("anonymous = viewer"));
    // Page and stream without a password; a second HLS client (ffprobe) plays it as is.
    QCOMPARE(service.getFrom(QStringLiteral("127.0.0.2"), QStringLiteral("/")).status, 200);
    QCOMPARE(service.getFrom(QStringLiteral("127.0.0.2"), kPlaylist).status, 200);
    QString error;
    service.probeVideo(kPlaylist, {}, {}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // The API still asks for a password, and only an admin's opens it.
    QCOMPARE(service.getFrom(QStringLiteral("127.0.0.2"), QStringLiteral("/api/v1/bans")).status, 401);
    QCOMPARE(service.get(QStringLiteral("/api/v1/bans"), QStringLiteral("admin"), QStringLiteral("admin-pw")).status,
             200);
    // Credentials that are sent are still checked, and wrong ones still count towards a ban.
    QCOMPARE(
        service.getFrom(QStringLiteral("127.0.0.2"), kPlaylist, QStringLiteral("admin"), QStringLiteral("nope")).status,
        401);
    QVERIFY(service.log().contains("authentication failure from 127.0.0.2: wrong-password (1 of 10)"));
}

void TestAccess::httpsWithASelfSignedCertificate()
{
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("viewer"), QStringLiteral("viewer-pw")));
    QString cert, key;
    QVERIFY(service.makeCertificate(&cert, &key));

    // Half a pair is a config error naming the key.
    QByteArray out;
    const QStringList half = service.configArgs("[server]\ntls_cert = " + cert.toUtf8() + "\n");
    QCOMPARE(service.run(QStringList{QStringLiteral("config"), QStringLiteral("check")} + half, {}, &out), 2);
    QVERIFY2(out.contains("tls_cert and tls_key go together"), out.constData());

    QVERIFY(service.start(
        service.configArgs("[server]\ntls_cert = " + cert.toUtf8() + "\ntls_key = " + key.toUtf8() + "\n")));
    QVERIFY(service.https());
    QCOMPARE(service.getFrom(QStringLiteral("127.0.0.1"), QStringLiteral("/healthz")).status, 200);
    QCOMPARE(service.getFrom(QStringLiteral("127.0.0.1"), kPlaylist).status, 401);
    QCOMPARE(viewerStatusFrom(service, QStringLiteral("127.0.0.1")), 200);
    // Plain HTTP on the HTTPS port gets nothing useful back.
    QSslSocket plain;
    plain.connectToHost(QHostAddress::LocalHost, service.port());
    QVERIFY(plain.waitForConnected(5000));
    plain.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    plain.waitForReadyRead(2000);
    QVERIFY(!plain.readAll().startsWith("HTTP/1.1 200"));
    // ffmpeg plays over HTTPS too (it does not check certificates by default).
    QString error;
    const QJsonObject video =
        service.probeVideo(kPlaylist, QStringLiteral("viewer"), QStringLiteral("viewer-pw"), &error);
    QVERIFY2(!video.isEmpty(), qPrintable(error));

    // A missing key file stops the start with a clear message.
    ServiceProcess broken;
    QVERIFY(!broken.start(
        broken.configArgs("[server]\ntls_cert = " + cert.toUtf8() + "\ntls_key = /nonexistent/key.pem\n")));
    QVERIFY2(broken.log().contains("/nonexistent/key.pem: cannot be read"), broken.log().constData());
}

void TestAccess::limitsCloseAbusiveConnections()
{
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("viewer"), QStringLiteral("viewer-pw")));
    QVERIFY(
        service.start(service.configArgs("[server]\nmax_request_bytes = 4096\nheader_timeout = 2\n"
                                         "max_connections_per_address = 4\n")));
    // Oversized headers: 431, connection closed.
    const HttpReply big =
        service.raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Junk: " + QByteArray(8000, 'a') + "\r\n\r\n");
    QCOMPARE(big.status, 431);
    // A request trickling in (slowloris): 408 after header_timeout, then closed.
    const HttpReply slow = service.raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", QStringLiteral("127.0.0.1"), 8000);
    QCOMPARE(slow.status, 408);
    QVERIFY2(slow.answeredAfterMs >= 1500 && slow.answeredAfterMs < 5000,
             qPrintable(QString::number(slow.answeredAfterMs)));

    // Four idle connections from .4 are its limit: the fifth gets 503; .5 is unaffected.
    QList<QTcpSocket *> held;
    for (int i = 0; i < 4; ++i) {
        auto *s = new QTcpSocket;
        QVERIFY(s->bind(QHostAddress(QStringLiteral("127.0.0.4"))));
        s->connectToHost(QHostAddress::LocalHost, service.port());
        QVERIFY(s->waitForConnected(5000));
        held << s;
    }
    QTest::qWait(200);
    QCOMPARE(service.getFrom(QStringLiteral("127.0.0.4"), QStringLiteral("/healthz")).status, 503);
    QCOMPARE(service.getFrom(QStringLiteral("127.0.0.5"), QStringLiteral("/healthz")).status, 200);
    qDeleteAll(held);
    QTRY_COMPARE_WITH_TIMEOUT(service.getFrom(QStringLiteral("127.0.0.4"), QStringLiteral("/healthz")).status, 200,
                              5000);
}

void TestAccess::usersFileSurvivesKillDuringAdd()
{
    // kill -9 at random moments of `hlscam users add`: the file is always whole and parseable,
    // and every add that reported success is in it.
    ServiceProcess service;
    const QString users = service.stateDir() + QStringLiteral("/users");
    QStringList acknowledged;
    for (int i = 0; i < 30; ++i) {
        const QString name = QStringLiteral("user%1").arg(i);
        QProcess add;
        add.start(QStringLiteral(HLSCAM_BINARY), {QStringLiteral("users"), QStringLiteral("add"), name,
                                                  QStringLiteral("--state-dir"), service.stateDir()});
        QVERIFY(add.waitForStarted());
        add.write("pw\n");
        add.closeWriteChannel();
        QTest::qWait(QRandomGenerator::global()->bounded(5, 400));
        if (add.state() == QProcess::Running)
            ::kill(pid_t(add.processId()), SIGKILL);  // our own child, by its PID
        add.waitForFinished(10000);
        if (add.exitStatus() == QProcess::NormalExit && add.exitCode() == 0)
            acknowledged << name;
        QByteArray out;
        QCOMPARE(service.run({QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--state-dir"),
                              service.stateDir()},
                             {}, &out),
                 0);
        for (const QString &n : std::as_const(acknowledged))
            QVERIFY2(out.contains(n.toUtf8() + "  viewer"), qPrintable(n));
        QVERIFY2(!out.contains(":"), out.constData());  // no "file:line: error" from a torn file
        const QStringList leftovers = QDir(service.stateDir()).entryList({QStringLiteral("users*")}, QDir::Files);
        QVERIFY2(leftovers.size() <= 2, qPrintable(leftovers.join(u' ')));  // users and users.lock only
    }
    qInfo("%lld of 30 adds completed before their kill", qint64(acknowledged.size()));
    QVERIFY(QFile::exists(users) || acknowledged.isEmpty());
}

void TestAccess::fail2banFilterMatchesRealLines()
{
    if (QStandardPaths::findExecutable(QStringLiteral("fail2ban-regex")).isEmpty())
        QFAIL("fail2ban-regex not found: ./scripts/setup installs the fail2ban package");
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("viewer"), QStringLiteral("viewer-pw")));
    QVERIFY(service.start(service.configArgs(kBanConfig)));
    // Real failures of each kind from .2, a success, and an ignored address's failure.
    service.getFrom(QStringLiteral("127.0.0.2"), kPlaylist, QStringLiteral("viewer"), QStringLiteral("wrong"));
    service.getFrom(QStringLiteral("127.0.0.2"), kPlaylist, QStringLiteral("nobody"), QStringLiteral("x"));
    service.raw("GET /cam/cam0/index.m3u8 HTTP/1.1\r\nAuthorization: Basic ***\r\n\r\n", QStringLiteral("127.0.0.2"));
    service.getFrom(QStringLiteral("127.0.0.2"), kPlaylist + QStringLiteral("?token=forged.token"));
    service.getFrom(QStringLiteral("127.0.0.2"), kPlaylist, QStringLiteral("viewer"), QStringLiteral("viewer-pw"));
    service.getFrom(QStringLiteral("127.0.0.1"), kPlaylist, QStringLiteral("viewer"), QStringLiteral("wrong"));
    QCOMPARE(service.stop(), 0);

    // As journald or syslog store them: a time stamp and the unit before each line.
    QTemporaryDir dir;
    QFile logFile(dir.filePath(QStringLiteral("hlscam.log")));
    QVERIFY(logFile.open(QIODevice::WriteOnly));
    int lines = 0;
    for (const QByteArray &line : service.log().split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        logFile.write("2026-11-25T10:00:0" + QByteArray::number(lines % 10) + "+00:00 pi hlscam[812]: " + line + '\n');
        ++lines;
    }
    logFile.close();
    QProcess regex;
    regex.start(QStringLiteral("fail2ban-regex"),
                {QStringLiteral("--print-all-matched"), logFile.fileName(),
                 QStringLiteral(HLSCAM_SOURCE_DIR "/resources/fail2ban/filter.d/hlscam.conf")});
    QVERIFY(regex.waitForFinished(60000));
    const QString report = QString::fromUtf8(regex.readAllStandardOutput());
    QCOMPARE(regex.exitCode(), 0);
    const QRegularExpressionMatch m =
        QRegularExpression(QStringLiteral("Lines: (\\d+) lines, \\d+ ignored, (\\d+) matched")).match(report);
    QVERIFY2(m.hasMatch(), qPrintable(report));
    QCOMPARE(m.captured(1).toInt(), lines);
    QCOMPARE(m.captured(2).toInt(), 4);  // the four failures from .2: not the success, not ignoreip
    QString matched = report.mid(report.indexOf(QStringLiteral("Matched line(s):")));
    matched.truncate(matched.indexOf(QStringLiteral("Missed line(s):")));
    QCOMPARE(matched.count(QStringLiteral("authentication failure from 127.0.0.2")), 4);
    // One of each reason the README and the filter name (tst_config holds those to the code).
    for (const char *reason : {"wrong-password", "unknown-user", "malformed-credentials", "bad-token"})
        QVERIFY2(matched.contains(QStringLiteral("from 127.0.0.2: %1 (").arg(QLatin1String(reason))), reason);
    QVERIFY2(!matched.contains(QStringLiteral("from 127.0.0.1")), qPrintable(report));
}

QTEST_GUILESS_MAIN(TestAccess)
#include "tst_access.moc"
