// The ICE servers on the real binary: with [webrtc] ice_servers and turn_secret, the WHEP 201 and
// an OPTIONS with credentials allowed to see the camera (Basic or a Bearer URL token) carry one
// Link header per server (RFC 9725 4.6), the TURN ones with coturn's REST credentials for that
// user (expiring, HMAC-SHA1 of the username under the secret); an OPTIONS without credentials (a
// CORS preflight) and a user limited to another camera get none; wrong credentials on OPTIONS
// count toward a ban like the POST's. With turn_username/turn_password the static pair is sent.
// Neither the secret nor the password appears in the service's log, debug lines included.
#include "ServiceProcess.h"
#include "WhepOffer.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QtTest>

namespace {

const QString kAlice = QStringLiteral("alice");
const QString kAlicePassword = QStringLiteral("alice-pw");
const QByteArray kSecret = "7f3c1e9a4b2d8f60c5e1a7b3d9f24c68";  // the TURN server's shared secret
const QByteArray kStaticPassword = "relay-Pass-4c9e1b";         // a TURN server's static password
constexpr qint64 kLifetimeS = 3600;

const QByteArray kCameras =
    "[camera.cam0]\ndevice = testpattern\nwidth = 320\nheight = 180\n\n"
    "[camera.garden]\ndevice = testpattern\nwidth = 320\nheight = 180\n\n"
    "[bans]\nignoreip =\nmaxretry = 2\n\n";
const QByteArray kServers =
    "ice_servers = stun:127.0.0.1:3478, turn:127.0.0.1:3478?transport=udp, "
    "turns:turn.example.org:5349\n";

QByteArray basic(const QString &user, const QString &password)
{
    return "Basic " + (user + u':' + password).toUtf8().toBase64();
}

// The Link header lines of a reply, in order.
QList<QByteArray> linksOf(const HttpReply &reply)
{
    QList<QByteArray> links;
    for (const auto &[name, value] : reply.headers)
        if (name.compare("link", Qt::CaseInsensitive) == 0)
            links.append(value);
    return links;
}

// Debug lines too: a secret must not hide in any of them.
QProcessEnvironment verboseEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("hlscam.*.debug=true"));
    return env;
}

}  // namespace

class TestWhepIceServers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void createdAnswerCarriesTheServers();
    void authenticatedOptionsCarriesTheServers();
    void bearerTokenOptionsCarriesTheServers();
    void optionsWithoutCredentialsCarriesNone();
    void anotherCamerasUserGetsNone();
    void wrongCredentialsOnOptionsCountTowardABan();
    void staticCredentialsAreSentAsTheyAre();
    void secretNeverLogged();
    void anonymousViewersGetTheServers();

private:
    HttpReply request(const QByteArray &method, const QString &path, const QByteArray &authorization,
                      const QByteArray &body = {}, const QString &from = QStringLiteral("127.0.0.1"))
    {
        QByteArray head = method + ' ' + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
        if (!authorization.isEmpty())
            head += "Authorization: " + authorization + "\r\n";
        if (!body.isEmpty())
            head += "Content-Type: application/sdp\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
        return m_service.raw(head + "\r\n" + body, from);
    }
    // The three servers, the TURN ones with REST credentials for `user` that expire about
    // kLifetimeS from now.
    void verifyRestLinks(const QList<QByteArray> &links, const QByteArray &user);

    ServiceProcess m_service;
};

void TestWhepIceServers::initTestCase()
{
    const QStringList config =
        m_service.configArgs(kCameras + "[webrtc]\nudp_port = 0\n" + kServers + "turn_secret = " + kSecret +
                             "\nturn_credential_lifetime = " + QByteArray::number(kLifetimeS) + "\n");
    QVERIFY(!config.isEmpty());
    QCOMPARE(m_service.run(
                 {QStringLiteral("users"), QStringLiteral("add"), kAlice, QStringLiteral("--cameras"),
                  QStringLiteral("cam0"), QStringLiteral("--state-dir"), m_service.stateDir(), config[0], config[1]},
                 kAlicePassword.toUtf8() + '\n'),
             0);
    m_service.setEnvironment(verboseEnvironment());
    QVERIFY2(m_service.start(config), m_service.log().constData());
}

void TestWhepIceServers::cleanupTestCase() { QCOMPARE(m_service.stop(), 0); }

void TestWhepIceServers::verifyRestLinks(const QList<QByteArray> &links, const QByteArray &user)
{
    QCOMPARE(links.size(), 3);
    QCOMPARE(links[0], QByteArray("<stun:127.0.0.1:3478>; rel=\"ice-server\""));
    static const QRegularExpression turn(
        QStringLiteral("^<(turns?:[^>]+)>; rel=\"ice-server\"; username=\"([0-9]+):([^\"]+)\"; "
                       "credential=\"([^\"]+)\"; credential-type=\"password\"$"));
    const QStringList uris{QStringLiteral("turn:127.0.0.1:3478?transport=udp"),
                           QStringLiteral("turns:turn.example.org:5349")};
    for (int i = 0; i < 2; ++i) {
        const QRegularExpressionMatch m = turn.match(QString::fromLatin1(links[i + 1]));
        QVERIFY2(m.hasMatch(), links[i + 1].constData());
        QCOMPARE(m.captured(1), uris[i]);
        const qint64 expiry = m.captured(2).toLongLong();
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QVERIFY2(expiry >= now + kLifetimeS - 60 && expiry <= now + kLifetimeS + 1, links[i + 1].constData());
        QCOMPARE(m.captured(3).toLatin1(), user);
        // What coturn computes with static-auth-secret: base64(HMAC-SHA1(secret, username)).
        const QByteArray username = m.captured(2).toLatin1() + ':' + m.captured(3).toLatin1();
        QCOMPARE(m.captured(4).toLatin1(),
                 QMessageAuthenticationCode::hash(username, kSecret, QCryptographicHash::Sha1).toBase64());
    }
}

void TestWhepIceServers::createdAnswerCarriesTheServers()
{
    const HttpReply r = request("POST", QStringLiteral("/cam/cam0/whep"), basic(kAlice, kAlicePassword), kWhepOffer);
    QCOMPARE(r.status, 201);
    verifyRestLinks(linksOf(r), "alice");
    QCOMPARE(request("DELETE", QString::fromLatin1(r.header("Location")), basic(kAlice, kAlicePassword)).status, 200);
}

void TestWhepIceServers::authenticatedOptionsCarriesTheServers()
{
    const HttpReply r = request("OPTIONS", QStringLiteral("/cam/cam0/whep"), basic(kAlice, kAlicePassword));
    QCOMPARE(r.status, 204);
    QCOMPARE(r.header("Allow"), QByteArray("POST, OPTIONS"));
    QCOMPARE(r.header("Accept-Post"), QByteArray("application/sdp"));
    verifyRestLinks(linksOf(r), "alice");
    // A session's resource has no servers to give.
    QVERIFY(linksOf(request("OPTIONS", QStringLiteral("/cam/cam0/whep/0123456789abcdef0123456789abcdef"),
                            basic(kAlice, kAlicePassword)))
                .isEmpty());
}

void TestWhepIceServers::bearerTokenOptionsCarriesTheServers()
{
    const HttpReply made = m_service.get(QStringLiteral("/api/v1/tokens"), kAlice, kAlicePassword, "POST",
                                         QJsonDocument(QJsonObject{{"camera", "cam0"}}).toJson());
    QCOMPARE(made.status, 201);
    const QByteArray token =
        QJsonDocument::fromJson(made.body).object().value(QStringLiteral("token")).toString().toLatin1();
    const HttpReply r = request("OPTIONS", QStringLiteral("/cam/cam0/whep"), "Bearer " + token);
    QCOMPARE(r.status, 204);
    verifyRestLinks(linksOf(r), "alice");
    // The same token in the URL, as a WHEP player given a link with ?token= sends it.
    const HttpReply inUrl =
        request("OPTIONS", QStringLiteral("/cam/cam0/whep?token=") + QString::fromLatin1(token), {});
    QCOMPARE(inUrl.status, 204);
    verifyRestLinks(linksOf(inUrl), "alice");
}

void TestWhepIceServers::optionsWithoutCredentialsCarriesNone()
{
    const HttpReply r = request("OPTIONS", QStringLiteral("/cam/cam0/whep"), {});
    QCOMPARE(r.status, 204);
    QCOMPARE(r.header("Allow"), QByteArray("POST, OPTIONS"));
    QVERIFY(linksOf(r).isEmpty());
    QVERIFY(r.header("WWW-Authenticate").isEmpty());  // no prompt: a preflight must not cause one
    const HttpReply emptyToken = request("OPTIONS", QStringLiteral("/cam/cam0/whep?token="), {});
    QCOMPARE(emptyToken.status, 204);
    QVERIFY(linksOf(emptyToken).isEmpty());
}

void TestWhepIceServers::anotherCamerasUserGetsNone()
{
    const HttpReply options = request("OPTIONS", QStringLiteral("/cam/garden/whep"), basic(kAlice, kAlicePassword));
    QCOMPARE(options.status, 403);
    QVERIFY(linksOf(options).isEmpty());
    const HttpReply post =
        request("POST", QStringLiteral("/cam/garden/whep"), basic(kAlice, kAlicePassword), kWhepOffer);
    QCOMPARE(post.status, 403);
    QVERIFY(linksOf(post).isEmpty());
}

void TestWhepIceServers::wrongCredentialsOnOptionsCountTowardABan()
{
    const QString from = QStringLiteral("127.0.0.9");
    const HttpReply first = request("OPTIONS", QStringLiteral("/cam/cam0/whep"), basic(kAlice, "guess1"), {}, from);
    QCOMPARE(first.status, 401);
    QVERIFY(linksOf(first).isEmpty());
    QCOMPARE(request("OPTIONS", QStringLiteral("/cam/cam0/whep"), "Bearer not-a-token", {}, from).status, 401);
    QTRY_VERIFY2_WITH_TIMEOUT(m_service.log().contains("ban 127.0.0.9 for"), m_service.log().constData(), 5000);
    // Banned: closed before a byte is read, also with the right password.
    QCOMPARE(request("OPTIONS", QStringLiteral("/cam/cam0/whep"), basic(kAlice, kAlicePassword), {}, from).status, 0);
}

void TestWhepIceServers::staticCredentialsAreSentAsTheyAre()
{
    ServiceProcess service;
    const QStringList config = service.configArgs(kCameras +
                                                  "[webrtc]\nudp_port = 0\nice_servers = "
                                                  "turn:127.0.0.1:3478?transport=tcp\nturn_username = cam"
                                                  "\nturn_password = " +
                                                  kStaticPassword + "\n");
    QVERIFY(service.addUser(kAlice, kAlicePassword));
    service.setEnvironment(verboseEnvironment());
    QVERIFY2(service.start(config), service.log().constData());
    const HttpReply r = service.get(QStringLiteral("/cam/cam0/whep"), kAlice, kAlicePassword, "OPTIONS");
    QCOMPARE(r.status, 204);
    QCOMPARE(r.header("Link"), QByteArray("<turn:127.0.0.1:3478?transport=tcp>; rel=\"ice-server\"; username=\"cam\"; "
                                          "credential=\"" +
                                          kStaticPassword + "\"; credential-type=\"password\""));
    QCOMPARE(service.stop(), 0);
    QVERIFY2(!service.log().contains(kStaticPassword), service.log().constData());
    QVERIFY(service.log().contains("OPTIONS /cam/cam0/whep"));  // debug lines were on
}

void TestWhepIceServers::secretNeverLogged()
{
    const QByteArray log = m_service.log();
    QVERIFY(log.contains("OPTIONS /cam/cam0/whep"));  // debug lines were on
    QVERIFY2(!log.contains(kSecret), log.constData());
    QVERIFY2(!log.contains(kSecret.toBase64()), log.constData());
}

// Where anonymous viewers may watch, the page's OPTIONS carries no credentials and still gets
// the servers (for the user "viewer"); a CORS preflight does not.
void TestWhepIceServers::anonymousViewersGetTheServers()
{
    ServiceProcess open;
    const QStringList config = open.configArgs(kCameras + "[auth]\nanonymous = viewer\n[webrtc]\nudp_port = 0\n" +
                                               kServers + "turn_secret = " + kSecret +
                                               "\nturn_credential_lifetime = " + QByteArray::number(kLifetimeS) + "\n");
    QVERIFY2(open.start(config), open.log().constData());
    const QByteArray head = "OPTIONS /cam/cam0/whep HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    const HttpReply asked = open.raw(head + "\r\n");
    QCOMPARE(asked.status, 204);
    verifyRestLinks(linksOf(asked), "viewer");
    const HttpReply preflight =
        open.raw(head + "Origin: https://elsewhere.example\r\nAccess-Control-Request-Method: POST\r\n\r\n");
    QCOMPARE(preflight.status, 204);
    QVERIFY(linksOf(preflight).isEmpty());
    QCOMPARE(open.stop(), 0);
}

QTEST_GUILESS_MAIN(TestWhepIceServers)
#include "tst_whepiceservers.moc"
