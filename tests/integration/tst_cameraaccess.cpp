// Per-camera access on the real binary with three cameras: a user limited to cam0 (kept in the
// users file, set by `hlscam users` and the admin API) gets 200 on cam0 and 403 on garden for the
// playlist, a media part, the snapshot, the MJPEG stream, WHEP and token creation; her tokens never
// reach beyond her cameras, also when her cameras are narrowed after the token was made; a 403 for
// a camera is not a login failure.
#include "ServiceProcess.h"
#include "WhepOffer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QtTest>

namespace {

const QString kAdmin = QStringLiteral("admin");
const QString kAdminPassword = QStringLiteral("admin-pw");
const QString kAlice = QStringLiteral("alice");
const QString kAlicePassword = QStringLiteral("alice-pw");

const QByteArray kConfig =
    "[camera.cam0]\ndevice = testpattern\nwidth = 320\nheight = 180\n\n"
    "[camera.garden]\ndevice = testpattern\nwidth = 320\nheight = 180\n\n"
    "[camera.porch]\ndevice = testpattern\nwidth = 320\nheight = 180\n\n"
    "[webrtc]\nudp_port = 0\n";

QString playlistOf(const QString &camera) { return QStringLiteral("/cam/%1/index.m3u8").arg(camera); }

// The last part a playlist names (an EXT-X-PART URI), without its query.
QString lastPart(const QByteArray &playlist)
{
    static const QRegularExpression part(QStringLiteral("#EXT-X-PART:.*URI=\"(part[0-9.]+\\.m4s)"));
    QString found;
    for (const QByteArray &line : playlist.split('\n')) {
        const QRegularExpressionMatch m = part.match(QString::fromUtf8(line));
        if (m.hasMatch())
            found = m.captured(1);
    }
    return found;
}

}  // namespace

class TestCameraAccess : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void usersFileAndCommandLineKeepTheCameras();
    void limitedUserGetsForbiddenOnOtherCameras();
    void tokensNeverReachBeyondTheUsersCameras();
    void narrowingCutsExistingTokens();
    void narrowingEndsLiveStreams();
    void theApiReadsAndWritesCameras();
    void forbiddenCamerasAreNoLoginFailures();

private:
    HttpReply alice(const QString &path, const QByteArray &method = "GET", const QByteArray &body = {},
                    const QList<std::pair<QByteArray, QByteArray>> &headers = {})
    {
        return m_service.get(path, kAlice, kAlicePassword, method, body, headers);
    }
    HttpReply admin(const QString &path, const QByteArray &method = "GET", const QByteArray &body = {})
    {
        return m_service.get(path, kAdmin, kAdminPassword, method, body);
    }
    // The status of a GET of the MJPEG stream: read the head only, as the stream never ends.
    int mjpegStatus(const QString &camera, const QString &user, const QString &password);
    QString makeToken(const QString &camera);
    int users(const QStringList &args, QByteArray *output = nullptr);
    int webrtcSessions(const QString &camera);

    ServiceProcess m_service;
    QStringList m_config;
};

void TestCameraAccess::initTestCase()
{
    m_config = m_service.configArgs(kConfig);
    QVERIFY(!m_config.isEmpty());
    QVERIFY(m_service.addUser(kAdmin, kAdminPassword, QStringLiteral("admin")));
    // Alice may see cam0 only: `hlscam users add NAME --cameras LIST`, password on standard input.
    QCOMPARE(m_service.run({QStringLiteral("users"), QStringLiteral("add"), kAlice, QStringLiteral("--cameras"),
                            QStringLiteral("cam0"), QStringLiteral("--state-dir"), m_service.stateDir(), m_config[0],
                            m_config[1]},
                           kAlicePassword.toUtf8() + '\n'),
             0);
    QVERIFY2(m_service.start(m_config), m_service.log().constData());
}

void TestCameraAccess::cleanupTestCase() { QCOMPARE(m_service.stop(), 0); }

int TestCameraAccess::users(const QStringList &args, QByteArray *output)
{
    return m_service.run(QStringList{QStringLiteral("users")} + args +
                             QStringList{QStringLiteral("--state-dir"), m_service.stateDir()} + m_config,
                         {}, output);
}

int TestCameraAccess::mjpegStatus(const QString &camera, const QString &user, const QString &password)
{
    const HttpReply r = m_service.raw("GET /cam/" + camera.toUtf8() +
                                          "/stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " +
                                          (user + u':' + password).toUtf8().toBase64() + "\r\n\r\n",
                                      QStringLiteral("127.0.0.1"), 2000);
    return r.status;
}

QString TestCameraAccess::makeToken(const QString &camera)
{
    const HttpReply r =
        alice(QStringLiteral("/api/v1/tokens"), "POST", QJsonDocument(QJsonObject{{"camera", camera}}).toJson());
    if (r.status != 201)
        return {};
    return QJsonDocument::fromJson(r.body).object().value(QStringLiteral("token")).toString();
}

void TestCameraAccess::usersFileAndCommandLineKeepTheCameras()
{
    // The line sits in the users file next to the role, as an htpasswd comment.
    QFile file(m_service.stateDir() + QStringLiteral("/users"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY2(text.contains("\n#hlscam-cameras alice cam0\n"), text.constData());

    QByteArray listed;
    QCOMPARE(users({QStringLiteral("list")}, &listed), 0);
    QVERIFY2(listed.contains("alice  viewer  cam0"), listed.constData());
    QVERIFY2(QRegularExpression(QStringLiteral("admin  admin  \\(all cameras\\)"))
                 .match(QString::fromUtf8(listed))
                 .hasMatch(),
             listed.constData());

    // Bad names are refused with a usage error and change nothing.
    QCOMPARE(users({QStringLiteral("cameras"), kAlice, QStringLiteral("cam0,bad name")}), 2);
    QCOMPARE(users({QStringLiteral("cameras"), kAlice, QStringLiteral("cam0,,garden")}), 2);
    QCOMPARE(users({QStringLiteral("cameras"), QStringLiteral("nobody"), QStringLiteral("cam0")}), 1);
    // A camera this config does not have is kept (cameras get renamed), with a warning.
    QByteArray said;
    QCOMPARE(users({QStringLiteral("cameras"), QStringLiteral("admin"), QStringLiteral("cam0,shed")}, &said), 0);
    QVERIFY2(said.contains("shed"), said.constData());
    QCOMPARE(users({QStringLiteral("cameras"), QStringLiteral("admin"), QStringLiteral("--all")}), 0);
    QCOMPARE(users({QStringLiteral("list")}, &listed), 0);
    QVERIFY2(listed.contains("alice  viewer  cam0"), listed.constData());
    QVERIFY2(listed.contains("admin  admin  (all cameras)"), listed.constData());
}

void TestCameraAccess::limitedUserGetsForbiddenOnOtherCameras()
{
    // Playlists: alice's own camera plays, the others are refused; the admin sees every camera.
    QCOMPARE(alice(playlistOf(QStringLiteral("cam0"))).status, 200);
    QCOMPARE(alice(playlistOf(QStringLiteral("garden"))).status, 403);
    QCOMPARE(alice(playlistOf(QStringLiteral("porch"))).status, 403);
    const HttpReply garden = admin(playlistOf(QStringLiteral("garden")));
    QCOMPARE(garden.status, 200);

    // A media part: one of cam0's is hers; one that exists on garden is not.
    const QString ownPart = lastPart(alice(playlistOf(QStringLiteral("cam0"))).body);
    QVERIFY(!ownPart.isEmpty());
    QCOMPARE(alice(QStringLiteral("/cam/cam0/") + ownPart).status, 200);
    const QString gardenPart = lastPart(garden.body);
    QVERIFY(!gardenPart.isEmpty());
    QCOMPARE(admin(QStringLiteral("/cam/garden/") + gardenPart).status, 200);
    QCOMPARE(alice(QStringLiteral("/cam/garden/") + gardenPart).status, 403);
    QCOMPARE(alice(QStringLiteral("/cam/garden/init.mp4")).status, 403);

    // Snapshot and MJPEG.
    QCOMPARE(alice(QStringLiteral("/cam/cam0/snapshot.jpg")).status, 200);
    QCOMPARE(alice(QStringLiteral("/cam/garden/snapshot.jpg")).status, 403);
    QCOMPARE(alice(QStringLiteral("/cam/garden/snapshot.jpg"), "HEAD").status, 403);
    QCOMPARE(mjpegStatus(QStringLiteral("cam0"), kAlice, kAlicePassword), 200);
    QCOMPARE(mjpegStatus(QStringLiteral("garden"), kAlice, kAlicePassword), 403);
    QCOMPARE(mjpegStatus(QStringLiteral("garden"), kAdmin, kAdminPassword), 200);

    // WHEP.
    const QList<std::pair<QByteArray, QByteArray>> sdp{{"Content-Type", "application/sdp"}};
    QCOMPARE(alice(QStringLiteral("/cam/cam0/whep"), "POST", kWhepOffer, sdp).status, 201);
    QCOMPARE(alice(QStringLiteral("/cam/garden/whep"), "POST", kWhepOffer, sdp).status, 403);

    // The page's grid lists only the cameras she may open.
    const HttpReply me = alice(QStringLiteral("/api/v1/me"));
    QCOMPARE(me.status, 200);
    QStringList listed;
    for (const auto &camera : QJsonDocument::fromJson(me.body).object().value(QStringLiteral("cameras")).toArray())
        listed << camera.toObject().value(QStringLiteral("name")).toString();
    QCOMPARE(listed, QStringList{QStringLiteral("cam0")});

    // The admin API stays an admin's: a viewer reads no status and no camera's controls.
    QCOMPARE(alice(QStringLiteral("/api/v1/status")).status, 403);
    QCOMPARE(alice(QStringLiteral("/api/v1/cameras/cam0")).status, 403);
    QCOMPARE(alice(QStringLiteral("/api/v1/cameras/garden/controls")).status, 403);
}

void TestCameraAccess::tokensNeverReachBeyondTheUsersCameras()
{
    // Asking for a camera outside her list: 403; her own camera (also by default): a token.
    const HttpReply refused = alice(QStringLiteral("/api/v1/tokens"), "POST", R"({"camera":"garden"})");
    QCOMPARE(refused.status, 403);
    QVERIFY2(refused.body.contains("garden"), refused.body.constData());
    const HttpReply byDefault = alice(QStringLiteral("/api/v1/tokens"), "POST", "{}");
    QCOMPARE(byDefault.status, 201);
    QCOMPARE(QJsonDocument::fromJson(byDefault.body).object().value(QStringLiteral("camera")).toString(),
             QStringLiteral("cam0"));

    const QString cam0 = makeToken(QStringLiteral("cam0"));
    QVERIFY(!cam0.isEmpty());
    QCOMPARE(m_service.get(playlistOf(QStringLiteral("cam0")) + QStringLiteral("?token=") + cam0).status, 200);
    QCOMPARE(m_service.get(QStringLiteral("/cam/cam0/snapshot.jpg?token=") + cam0).status, 200);

    // A token for every camera is one for every camera she may see.
    const QString every = makeToken(QStringLiteral("*"));
    QVERIFY(!every.isEmpty());
    QCOMPARE(m_service.get(playlistOf(QStringLiteral("cam0")) + QStringLiteral("?token=") + every).status, 200);
    QCOMPARE(m_service.get(playlistOf(QStringLiteral("garden")) + QStringLiteral("?token=") + every).status, 403);
    QCOMPARE(m_service.get(QStringLiteral("/cam/garden/snapshot.jpg?token=") + every).status, 403);
    QCOMPARE(m_service
                 .get(QStringLiteral("/cam/garden/whep"), {}, {}, "POST", kWhepOffer,
                      {{"Content-Type", "application/sdp"}, {"Authorization", "Bearer " + every.toLatin1()}})
                 .status,
             403);
}

void TestCameraAccess::narrowingCutsExistingTokens()
{
    const QString cam0 = makeToken(QStringLiteral("cam0"));
    const QString every = makeToken(QStringLiteral("*"));
    QVERIFY(!cam0.isEmpty() && !every.isEmpty());
    QCOMPARE(m_service.get(playlistOf(QStringLiteral("cam0")) + QStringLiteral("?token=") + cam0).status, 200);

    // The admin moves alice to garden: her cam0 tokens stop working at once.
    const HttpReply moved = admin(QStringLiteral("/api/v1/users/alice"), "PUT", R"({"cameras":["garden"]})");
    QCOMPARE(moved.status, 200);
    QCOMPARE(m_service.get(playlistOf(QStringLiteral("cam0")) + QStringLiteral("?token=") + cam0).status, 403);
    QCOMPARE(m_service.get(playlistOf(QStringLiteral("cam0")) + QStringLiteral("?token=") + every).status, 403);
    QCOMPARE(m_service.get(playlistOf(QStringLiteral("garden")) + QStringLiteral("?token=") + every).status, 200);
    QCOMPARE(alice(playlistOf(QStringLiteral("cam0"))).status, 403);
    QCOMPARE(alice(playlistOf(QStringLiteral("garden"))).status, 200);

    // Back to cam0 for the other tests.
    QCOMPARE(admin(QStringLiteral("/api/v1/users/alice"), "PUT", R"({"cameras":["cam0"]})").status, 200);
    QCOMPARE(m_service.get(playlistOf(QStringLiteral("cam0")) + QStringLiteral("?token=") + cam0).status, 200);
}

int TestCameraAccess::webrtcSessions(const QString &camera)
{
    const QJsonArray cameras =
        QJsonDocument::fromJson(admin(QStringLiteral("/api/v1/status")).body)[QStringLiteral("cameras")].toArray();
    for (const auto &c : cameras)
        if (c[QStringLiteral("name")].toString() == camera)
            return c[QStringLiteral("webrtc")][QStringLiteral("sessions")].toInt(-1);
    return -1;
}

void TestCameraAccess::narrowingEndsLiveStreams()
{
    // Alice watches cam0 as MJPEG (a stream that never asks again) and over WebRTC.
    QTcpSocket mjpeg;
    mjpeg.connectToHost(QHostAddress::LocalHost, m_service.port());
    QVERIFY(mjpeg.waitForConnected(5000));
    mjpeg.write("GET /cam/cam0/stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " +
                (kAlice + u':' + kAlicePassword).toUtf8().toBase64() + "\r\n\r\n");
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT((received += mjpeg.readAll()).contains("image/jpeg"), 10000);
    QVERIFY2(received.startsWith("HTTP/1.1 200"), received.left(200).constData());
    const int before = webrtcSessions(QStringLiteral("cam0"));
    QCOMPARE(alice(QStringLiteral("/cam/cam0/whep"), "POST", kWhepOffer, {{"Content-Type", "application/sdp"}}).status,
             201);
    QCOMPARE(webrtcSessions(QStringLiteral("cam0")), before + 1);

    // Narrowed to garden: both end, without her asking anything again.
    QCOMPARE(admin(QStringLiteral("/api/v1/users/alice"), "PUT", R"({"cameras":["garden"]})").status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(mjpeg.state(), QAbstractSocket::UnconnectedState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(webrtcSessions(QStringLiteral("cam0")), 0, 5000);
    QVERIFY(m_service.log().contains("ending a MJPEG stream of 'cam0'"));
    QCOMPARE(admin(QStringLiteral("/api/v1/users/alice"), "PUT", R"({"cameras":["cam0"]})").status, 200);
}

void TestCameraAccess::theApiReadsAndWritesCameras()
{
    const auto camerasOf = [this](const QString &name) {
        const QJsonArray list = QJsonDocument::fromJson(admin(QStringLiteral("/api/v1/users")).body).array();
        for (const auto &u : list)
            if (u[QStringLiteral("name")].toString() == name)
                return u[QStringLiteral("cameras")];
        return QJsonValue(QJsonValue::Undefined);
    };
    QCOMPARE(camerasOf(kAlice), QJsonValue(QJsonArray{QStringLiteral("cam0")}));
    QCOMPARE(camerasOf(kAdmin), QJsonValue(QJsonValue::Null));  // every camera

    // A new user limited at once; checked names; null lifts the limit.
    const HttpReply added =
        admin(QStringLiteral("/api/v1/users"), "POST", R"({"name":"bob","password":"bob-pw","cameras":["porch"]})");
    QCOMPARE(added.status, 201);
    QCOMPARE(QJsonDocument::fromJson(added.body)[QStringLiteral("cameras")].toArray(),
             QJsonArray{QStringLiteral("porch")});
    QCOMPARE(m_service.get(playlistOf(QStringLiteral("porch")), QStringLiteral("bob"), QStringLiteral("bob-pw")).status,
             200);
    QCOMPARE(m_service.get(playlistOf(QStringLiteral("cam0")), QStringLiteral("bob"), QStringLiteral("bob-pw")).status,
             403);
    for (const QByteArray &bad : {QByteArray(R"({"cameras":[]})"), QByteArray(R"({"cameras":["bad name"]})"),
                                  QByteArray(R"({"cameras":["nowhere"]})"), QByteArray(R"({"cameras":"cam0"})"),
                                  QByteArray(R"({"cameras":[1]})")}) {
        const HttpReply r = admin(QStringLiteral("/api/v1/users/bob"), "PUT", bad);
        QVERIFY2(r.status == 400, bad.constData());
        QVERIFY2(QJsonDocument::fromJson(r.body)[QStringLiteral("error")].toString().contains(QStringLiteral("camera")),
                 r.body.constData());
    }
    QCOMPARE(camerasOf(QStringLiteral("bob")), QJsonValue(QJsonArray{QStringLiteral("porch")}));
    QCOMPARE(admin(QStringLiteral("/api/v1/users/bob"), "PUT", R"({"cameras":null})").status, 200);
    QCOMPARE(camerasOf(QStringLiteral("bob")), QJsonValue(QJsonValue::Null));
    QCOMPARE(m_service.get(playlistOf(QStringLiteral("cam0")), QStringLiteral("bob"), QStringLiteral("bob-pw")).status,
             200);
    QCOMPARE(admin(QStringLiteral("/api/v1/users/bob"), "DELETE").status, 200);
}

void TestCameraAccess::forbiddenCamerasAreNoLoginFailures()
{
    // Every 403 above was a signed-in user asking for a camera not hers: none counted toward a ban.
    QVERIFY2(!m_service.log().contains("authentication failure"), m_service.log().constData());
    QCOMPARE(admin(QStringLiteral("/metrics")).body.contains("hlscam_auth_failures_total{"), false);

    // A token made for cam0 opens no other camera (a token for the wrong camera is a bad token).
    const QString cam0 = makeToken(QStringLiteral("cam0"));
    QCOMPARE(m_service.get(playlistOf(QStringLiteral("garden")) + QStringLiteral("?token=") + cam0).status, 401);

    // A camera in the file that this service does not have is warned about once, at load.
    QCOMPARE(users({QStringLiteral("cameras"), kAlice, QStringLiteral("cam0,barn")}), 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_service.log().contains("'barn'"), 5000);
    QCOMPARE(alice(playlistOf(QStringLiteral("cam0"))).status, 200);
    // Two more loads of the file (a user added and removed): no second warning.
    QCOMPARE(admin(QStringLiteral("/api/v1/users"), "POST", R"({"name":"carol","password":"carol-pw"})").status, 201);
    QCOMPARE(admin(QStringLiteral("/api/v1/users/carol"), "DELETE").status, 200);
    QCOMPARE(m_service.log().count("'barn'"), 1);
}

QTEST_MAIN(TestCameraAccess)
#include "tst_cameraaccess.moc"
