// The admin API with the real binary: every route's answers, bad input (400 and nothing
// changed), permissions (a viewer gets 403, no credentials 401), and changes that persist
// across a restart.
#include "PlaylistText.h"
#include "ServiceProcess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QtTest>

namespace {
const QString kAdmin = QStringLiteral("boss");
const QString kAdminPassword = QStringLiteral("boss-password");
const QString kViewer = QStringLiteral("guest");
const QString kViewerPassword = QStringLiteral("guest-password");

QJsonDocument json(const HttpReply &r) { return QJsonDocument::fromJson(r.body); }
}  // namespace

class TestApi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_service.stop(); }
    void statusSaysHowTheCameraIsDoing();
    void camerasAndDevices();
    void viewersAndStrangersAreKeptOut_data();
    void viewersAndStrangersAreKeptOut();
    void usersAddChangeRemove();
    void badUserInputChangesNothing_data();
    void badUserInputChangesNothing();
    void theLastAdminStays();
    void badCameraInputChangesNothing_data();
    void badCameraInputChangesNothing();
    void cameraChangesApplyLive();
    void aPlayerFollowsTheChange();
    void changesSurviveARestart();
    void metricsForAdminsAndTheScraper();

private:
    HttpReply admin(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        return m_service.get(path, kAdmin, kAdminPassword, method, body);
    }
    QStringList userNames();
    ServiceProcess m_service;
};

void TestApi::initTestCase()
{
    QVERIFY(m_service.addUser(kAdmin, kAdminPassword, QStringLiteral("admin")));
    QVERIFY(m_service.addUser(kViewer, kViewerPassword));
    QVERIFY(m_service.start());
}

QStringList TestApi::userNames()
{
    QStringList names;
    for (const auto &u : json(admin("GET", QStringLiteral("/api/v1/users"))).array())
        names << u[QStringLiteral("name")].toString() + u':' + u[QStringLiteral("role")].toString();
    return names;
}

void TestApi::statusSaysHowTheCameraIsDoing()
{
    auto cam0 = [this] {
        return json(admin("GET", QStringLiteral("/api/v1/status")))[QStringLiteral("cameras")][0].toObject();
    };
    QTRY_COMPARE_WITH_TIMEOUT(cam0().value(QStringLiteral("state")).toString(), QStringLiteral("streaming"), 15000);
    // Two people watching: the viewer's polls and the admin's own.
    QCOMPARE(m_service.get(QStringLiteral("/cam/cam0/index.m3u8"), kViewer, kViewerPassword).status, 200);
    QCOMPARE(admin("GET", QStringLiteral("/cam/cam0/index.m3u8")).status, 200);
    const HttpReply r = admin("GET", QStringLiteral("/api/v1/status"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
    const QJsonObject status = json(r).object();
    QCOMPARE(status.value(QStringLiteral("version")).toString(), QStringLiteral(HLSCAM_VERSION));
    QVERIFY(status.value(QStringLiteral("uptime_s")).toInteger(-1) >= 0);
    const QJsonObject c = cam0();
    QCOMPARE(c.value(QStringLiteral("name")).toString(), QStringLiteral("cam0"));
    QCOMPARE(c.value(QStringLiteral("encoder_in_use")).toString(), QStringLiteral("libx264"));
    QVERIFY(c.value(QStringLiteral("source")).toString().contains(QLatin1String("test pattern")));
    QCOMPARE(c.value(QStringLiteral("width")).toInt(), 640);
    QCOMPARE(c.value(QStringLiteral("fps")).toInt(), 25);
    QCOMPARE(c.value(QStringLiteral("viewers")).toInt(), 2);
    QVERIFY(c.value(QStringLiteral("last_error")).isNull());
    QVERIFY(c.value(QStringLiteral("frames")).toInteger() > 0);
    QCOMPARE(c.value(QStringLiteral("frames_dropped")).toInteger(-1), 0);  // a pattern drops none
    QCOMPARE(c.value(QStringLiteral("fit")).toString(), QStringLiteral("crop"));
    // Parts are ready within a part's length of capture or so, and keep coming.
    const qint64 delay = c.value(QStringLiteral("part_delay_ms")).toInteger(-1);
    QVERIFY2(delay >= 0 && delay < 1000, qPrintable(QString::number(delay)));
    const qint64 age = c.value(QStringLiteral("last_part_age_ms")).toInteger(-1);
    QVERIFY2(age >= 0 && age < 1000, qPrintable(QString::number(age)));
    qInfo("newest part ready %lld ms after its last picture", delay);
}

void TestApi::camerasAndDevices()
{
    const QJsonArray cameras = json(admin("GET", QStringLiteral("/api/v1/cameras"))).array();
    QCOMPARE(cameras.size(), 1);
    QCOMPARE(cameras[0][QStringLiteral("device")].toString(), QStringLiteral("testpattern"));
    const HttpReply one = admin("GET", QStringLiteral("/api/v1/cameras/cam0"));
    QCOMPARE(one.status, 200);
    QCOMPARE(json(one)[QStringLiteral("bitrate")].toInt(), 800);
    QCOMPARE(admin("GET", QStringLiteral("/api/v1/cameras/nope")).status, 404);
    const HttpReply devices = admin("GET", QStringLiteral("/api/v1/devices"));
    QCOMPARE(devices.status, 200);
    QVERIFY(json(devices).isArray());  // empty on a machine without cameras
    QCOMPARE(admin("POST", QStringLiteral("/api/v1/status")).status, 405);
}

void TestApi::viewersAndStrangersAreKeptOut_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::newRow("list users") << QByteArray("GET") << QStringLiteral("/api/v1/users");
    QTest::newRow("add a user") << QByteArray("POST") << QStringLiteral("/api/v1/users");
    QTest::newRow("change a user") << QByteArray("PUT") << QStringLiteral("/api/v1/users/boss");
    QTest::newRow("remove a user") << QByteArray("DELETE") << QStringLiteral("/api/v1/users/boss");
    QTest::newRow("list bans") << QByteArray("GET") << QStringLiteral("/api/v1/bans");
    QTest::newRow("status") << QByteArray("GET") << QStringLiteral("/api/v1/status");
    QTest::newRow("cameras") << QByteArray("GET") << QStringLiteral("/api/v1/cameras");
    QTest::newRow("a camera") << QByteArray("GET") << QStringLiteral("/api/v1/cameras/cam0");
    QTest::newRow("devices") << QByteArray("GET") << QStringLiteral("/api/v1/devices");
    QTest::newRow("change a camera") << QByteArray("PUT") << QStringLiteral("/api/v1/cameras/cam0");
    QTest::newRow("lift a ban") << QByteArray("DELETE") << QStringLiteral("/api/v1/bans/192.0.2.1");
}

void TestApi::viewersAndStrangersAreKeptOut()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    const QByteArray body = method == "POST" ? R"({"role":"admin","name":"mallory","password":"x"})"
                            : method == "PUT" && path.contains(QLatin1String("cameras")) ? R"({"width":320})"
                            : method == "PUT"                                            ? R"({"role":"viewer"})"
                                                                                         : "";
    const HttpReply asViewer = m_service.get(path, kViewer, kViewerPassword, method, body);
    QCOMPARE(asViewer.status, 403);
    QVERIFY2(json(asViewer)[QStringLiteral("error")].toString().contains(QLatin1String("admin")),
             asViewer.body.constData());
    QCOMPARE(m_service.get(path, {}, {}, method, body).status, 401);
    QVERIFY(!userNames().contains(QStringLiteral("mallory:admin")));
    QVERIFY(userNames().contains(QStringLiteral("boss:admin")));
    QCOMPARE(json(admin("GET", QStringLiteral("/api/v1/cameras/cam0")))[QStringLiteral("width")].toInt(), 640);
}

void TestApi::usersAddChangeRemove()
{
    HttpReply r = admin("POST", QStringLiteral("/api/v1/users"), R"({"name":"ann","password":"ann-pw-1"})");
    QCOMPARE(r.status, 201);
    QCOMPARE(json(r)[QStringLiteral("role")].toString(), QStringLiteral("viewer"));
    // In force for the very next request.
    QCOMPARE(
        m_service.get(QStringLiteral("/cam/cam0/index.m3u8"), QStringLiteral("ann"), QStringLiteral("ann-pw-1")).status,
        200);
    QCOMPARE(m_service.get(QStringLiteral("/api/v1/users"), QStringLiteral("ann"), QStringLiteral("ann-pw-1")).status,
             403);

    r = admin("PUT", QStringLiteral("/api/v1/users/ann"), R"({"password":"ann-pw-2","role":"admin"})");
    QCOMPARE(r.status, 200);
    QCOMPARE(m_service.get(QStringLiteral("/api/v1/users"), QStringLiteral("ann"), QStringLiteral("ann-pw-1")).status,
             401);
    QCOMPARE(m_service.get(QStringLiteral("/api/v1/users"), QStringLiteral("ann"), QStringLiteral("ann-pw-2")).status,
             200);
    QVERIFY(userNames().contains(QStringLiteral("ann:admin")));

    QCOMPARE(admin("DELETE", QStringLiteral("/api/v1/users/ann")).status, 200);
    QCOMPARE(
        m_service.get(QStringLiteral("/cam/cam0/index.m3u8"), QStringLiteral("ann"), QStringLiteral("ann-pw-2")).status,
        401);
    QCOMPARE(admin("DELETE", QStringLiteral("/api/v1/users/ann")).status, 404);
}

void TestApi::badUserInputChangesNothing_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");  // part of the error a person reads
    const QString users = QStringLiteral("/api/v1/users");
    QTest::newRow("not JSON") << QByteArray("POST") << users << QByteArray("name=x") << 400
                              << QStringLiteral("not a JSON object");
    QTest::newRow("a JSON array") << QByteArray("POST") << users << QByteArray("[]") << 400
                                  << QStringLiteral("not a JSON object");
    QTest::newRow("unknown field") << QByteArray("POST") << users
                                   << QByteArray(R"({"name":"x","password":"y","colour":"red"})") << 400
                                   << QStringLiteral("unknown field 'colour'");
    QTest::newRow("no password") << QByteArray("POST") << users << QByteArray(R"({"name":"x"})") << 400
                                 << QStringLiteral("needs a password");
    QTest::newRow("empty password") << QByteArray("POST") << users << QByteArray(R"({"name":"x","password":""})") << 400
                                    << QStringLiteral("empty password");
    QTest::newRow("password not a string")
        << QByteArray("POST") << users << QByteArray(R"({"name":"x","password":12345})") << 400
        << QStringLiteral("password is a string");
    QTest::newRow("no name") << QByteArray("POST") << users << QByteArray(R"({"password":"y"})") << 400
                             << QStringLiteral("name");
    QTest::newRow("name with a colon") << QByteArray("POST") << users << QByteArray(R"({"name":"a:b","password":"y"})")
                                       << 400 << QStringLiteral("':'");
    QTest::newRow("name with a space") << QByteArray("POST") << users << QByteArray(R"({"name":"a b","password":"y"})")
                                       << 400 << QStringLiteral("spaces");
    QTest::newRow("unknown role") << QByteArray("POST") << users
                                  << QByteArray(R"({"name":"x","password":"y","role":"root"})") << 400
                                  << QStringLiteral("viewer or admin");
    QTest::newRow("existing user") << QByteArray("POST") << users << QByteArray(R"({"name":"guest","password":"y"})")
                                   << 409 << QStringLiteral("exists already");
    QTest::newRow("change nothing") << QByteArray("PUT") << users + QStringLiteral("/guest") << QByteArray("{}") << 400
                                    << QStringLiteral("nothing to change");
    QTest::newRow("change an unknown user")
        << QByteArray("PUT") << users + QStringLiteral("/nobody") << QByteArray(R"({"role":"admin"})") << 404
        << QStringLiteral("no user 'nobody'");
    QTest::newRow("PATCH") << QByteArray("PATCH") << users + QStringLiteral("/guest")
                           << QByteArray(R"({"role":"admin"})") << 405 << QString();
    QTest::newRow("unknown route") << QByteArray("GET") << QStringLiteral("/api/v1/nope") << QByteArray() << 404
                                   << QStringLiteral("no such API route");
}

void TestApi::badUserInputChangesNothing()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, message);
    const QStringList before = userNames();
    const HttpReply r = admin(method, path, body);
    QCOMPARE(r.status, status);
    QVERIFY2(QString::fromUtf8(r.body).contains(message), r.body.constData());
    QCOMPARE(userNames(), before);
}

void TestApi::theLastAdminStays()
{
    HttpReply r = admin("DELETE", QStringLiteral("/api/v1/users/boss"));
    QCOMPARE(r.status, 409);
    QVERIFY2(json(r)[QStringLiteral("error")].toString().contains(QLatin1String("last admin")), r.body.constData());
    QCOMPARE(admin("PUT", QStringLiteral("/api/v1/users/boss"), R"({"role":"viewer"})").status, 409);
    QVERIFY(userNames().contains(QStringLiteral("boss:admin")));
    // With a second admin, the first may step down.
    QCOMPARE(
        admin("POST", QStringLiteral("/api/v1/users"), R"({"name":"deputy","password":"deputy-pw","role":"admin"})")
            .status,
        201);
    QCOMPARE(m_service
                 .get(QStringLiteral("/api/v1/users/boss"), QStringLiteral("deputy"), QStringLiteral("deputy-pw"),
                      "PUT", R"({"role":"viewer"})")
                 .status,
             200);
    QCOMPARE(m_service
                 .get(QStringLiteral("/api/v1/users/boss"), QStringLiteral("deputy"), QStringLiteral("deputy-pw"),
                      "PUT", R"({"role":"admin"})")
                 .status,
             200);
    QCOMPARE(admin("DELETE", QStringLiteral("/api/v1/users/deputy")).status, 200);
}

void TestApi::badCameraInputChangesNothing_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");  // part of the error a person reads
    QTest::newRow("width too small") << QByteArray(R"({"width":8})") << QStringLiteral("width");
    QTest::newRow("odd height") << QByteArray(R"({"height":181})") << QStringLiteral("height");
    QTest::newRow("width as text") << QByteArray(R"({"width":"wide"})") << QStringLiteral("width is a whole number");
    QTest::newRow("fractional fps") << QByteArray(R"({"fps":12.5})") << QStringLiteral("fps is a whole number");
    QTest::newRow("fps too high") << QByteArray(R"({"fps":500})") << QStringLiteral("fps");
    QTest::newRow("bitrate too low") << QByteArray(R"({"bitrate":1})") << QStringLiteral("bitrate");
    QTest::newRow("unknown encoder") << QByteArray(R"({"encoder":"h265"})") << QStringLiteral("encoder");
    QTest::newRow("missing device") << QByteArray(R"({"device":"/dev/video77"})")
                                    << QStringLiteral("'/dev/video77' is not a camera of this machine");
    QTest::newRow("relative device") << QByteArray(R"({"device":"video0"})") << QStringLiteral("device");
    QTest::newRow("device with a newline")
        << QByteArray(R"({"device":"/dev/null\nwidth = 16"})") << QStringLiteral("one line");
    QTest::newRow("unknown field") << QByteArray(R"({"zoom":2})") << QStringLiteral("unknown field 'zoom'");
    QTest::newRow("nothing") << QByteArray("{}") << QStringLiteral("nothing to change");
}

void TestApi::badCameraInputChangesNothing()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const QByteArray before = admin("GET", QStringLiteral("/api/v1/cameras/cam0")).body;
    const HttpReply r = admin("PUT", QStringLiteral("/api/v1/cameras/cam0"), body);
    QCOMPARE(r.status, 400);
    QVERIFY2(QString::fromUtf8(r.body).contains(message), r.body.constData());
    QCOMPARE(admin("GET", QStringLiteral("/api/v1/cameras/cam0")).body, before);
    QVERIFY(!m_service.log().contains("new settings"));
}

// A new size through the API: the same playlist URL carries on after a discontinuity with the new
// picture; the status says so.
void TestApi::cameraChangesApplyLive()
{
    const QString playlist = QStringLiteral("/cam/cam0/index.m3u8");
    QVERIFY(!admin("GET", playlist).body.contains("#EXT-X-DISCONTINUITY"));
    const HttpReply r = admin("PUT", QStringLiteral("/api/v1/cameras/cam0"), R"({"width":320,"height":180,"fps":15})");
    QCOMPARE(r.status, 200);
    QCOMPARE(json(r)[QStringLiteral("width")].toInt(), 320);
    QCOMPARE(json(r)[QStringLiteral("device")].toString(), QStringLiteral("testpattern"));  // kept
    QTRY_VERIFY_WITH_TIMEOUT(admin("GET", playlist).body.contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP"), 10000);
    auto probedWidth = [this, &playlist] {
        QString error;
        return m_service.probeVideo(playlist, kAdmin, kAdminPassword, &error).value(QStringLiteral("width")).toInt();
    };
    QTRY_COMPARE_WITH_TIMEOUT(probedWidth(), 320, 20000);
    const QJsonObject c = json(admin("GET", QStringLiteral("/api/v1/status")))[QStringLiteral("cameras")][0].toObject();
    QCOMPARE(c.value(QStringLiteral("height")).toInt(), 180);
    QCOMPARE(c.value(QStringLiteral("fps")).toInt(), 15);
    QTRY_COMPARE_WITH_TIMEOUT(
        json(admin("GET", QStringLiteral("/api/v1/status")))[QStringLiteral("cameras")][0][QStringLiteral("state")]
            .toString(),
        QStringLiteral("streaming"), 10000);
    // The same settings again: nothing restarts. Once two more segments are out, a restart would
    // show: a discontinuity after the segment that was last, a "stopped" line, frames counted anew.
    auto frames = [this] {
        return json(admin("GET",
                          QStringLiteral("/api/v1/status")))[QStringLiteral("cameras")][0][QStringLiteral("frames")]
            .toInteger();
    };
    const QByteArray before = admin("GET", playlist).body;
    const qint64 last = lastSegment(before);
    const qint64 framesBefore = frames();
    const qsizetype stops = m_service.log().count("cam0 stopped");
    QCOMPARE(admin("PUT", QStringLiteral("/api/v1/cameras/cam0"), R"({"width":320})").status, 200);
    QByteArray after;
    QTRY_VERIFY_WITH_TIMEOUT(lastSegment(after = admin("GET", playlist).body) >= last + 2, 15000);
    const qsizetype since = after.indexOf("seg" + QByteArray::number(last) + ".m4s");
    QVERIFY2(since > 0 && !after.mid(since).contains("#EXT-X-DISCONTINUITY"), after.constData());
    QCOMPARE(m_service.log().count("cam0 stopped"), stops);
    QVERIFY2(frames() > framesBefore, qPrintable(QString::number(framesBefore)));
}

// A player already playing (FFmpeg's HLS reader, as in ffplay, mpv and the desktop preview,
// which keeps the first init segment it read) goes on across the restart at the new size,
// without a decoding error: the key frames carry their SPS/PPS.
void TestApi::aPlayerFollowsTheChange()
{
    QProcess ffmpeg;
    ffmpeg.setProcessChannelMode(QProcess::MergedChannels);
    const QString url = QStringLiteral("http://%1:%2@127.0.0.1:%3/cam/cam0/index.m3u8")
                            .arg(kAdmin, kAdminPassword)
                            .arg(m_service.port());
    ffmpeg.start(QStringLiteral("ffmpeg"),
                 {QStringLiteral("-nostdin"), QStringLiteral("-v"), QStringLiteral("info"), QStringLiteral("-i"), url,
                  QStringLiteral("-t"), QStringLiteral("10"), QStringLiteral("-vf"), QStringLiteral("showinfo"),
                  QStringLiteral("-f"), QStringLiteral("null"), QStringLiteral("-")});
    QVERIFY(ffmpeg.waitForStarted());
    // Once it has shown a second of pictures at the old size, the change.
    QByteArray log;
    QTRY_VERIFY_WITH_TIMEOUT((log += ffmpeg.readAll()).count(" s:320x180 ") > 15, 20000);
    QCOMPARE(admin("PUT", QStringLiteral("/api/v1/cameras/cam0"), R"({"width":640,"height":360})").status, 200);
    QVERIFY(ffmpeg.waitForFinished(30000));
    log += ffmpeg.readAll();
    const qsizetype before = log.count(" s:320x180 "), after = log.count(" s:640x360 ");
    qInfo("ffmpeg: %lld pictures at 320x180, then %lld at 640x360", qint64(before), qint64(after));
    QVERIFY2(before > 10 && after > 10, log.right(3000).constData());
    QVERIFY2(log.lastIndexOf(" s:320x180 ") < log.indexOf(" s:640x360 "), "the sizes alternate");
    QVERIFY2(!log.contains("error while decoding"), log.right(3000).constData());
}

void TestApi::changesSurviveARestart()
{
    QCOMPARE(
        admin("POST", QStringLiteral("/api/v1/users"), R"({"name":"kept","password":"kept-pw","role":"admin"})").status,
        201);
    QCOMPARE(m_service.stop(), 0);
    QVERIFY(m_service.start());
    QVERIFY(userNames().contains(QStringLiteral("kept:admin")));
    QCOMPARE(m_service.get(QStringLiteral("/api/v1/users"), QStringLiteral("kept"), QStringLiteral("kept-pw")).status,
             200);
    const QJsonObject camera = json(admin("GET", QStringLiteral("/api/v1/cameras/cam0"))).object();
    QCOMPARE(camera.value(QStringLiteral("width")).toInt(), 640);  // the last change made (aPlayerFollowsTheChange)
    QCOMPARE(camera.value(QStringLiteral("fps")).toInt(), 15);
}

namespace {
// The Prometheus text format's rules that a scraper enforces: every sample after its family's
// TYPE line, each family in one block, values that parse.
QString formatProblem(const QByteArray &page)
{
    QSet<QByteArray> seen;
    QByteArray current;
    for (const QByteArray &line : page.split('\n')) {
        if (line.isEmpty() || line.startsWith("# HELP"))
            continue;
        if (line.startsWith("# TYPE ")) {
            current = line.split(' ').value(2);
            if (seen.contains(current))
                return QStringLiteral("second TYPE for %1").arg(QString::fromUtf8(current));
            seen.insert(current);
            continue;
        }
        const QByteArray name = line.left(line.indexOf(line.contains('{') ? '{' : ' '));
        if (name != current)
            return QStringLiteral("sample of %1 outside its family").arg(QString::fromUtf8(name));
        bool ok = false;
        line.mid(line.lastIndexOf(' ') + 1).toDouble(&ok);
        if (!ok)
            return QStringLiteral("bad value: %1").arg(QString::fromUtf8(line));
    }
    return {};
}

double sampleValue(const QByteArray &page, const QByteArray &sample)
{
    for (const QByteArray &line : page.split('\n'))
        if (line.startsWith(sample + ' '))
            return line.mid(sample.size() + 1).toDouble();
    return -1;
}
}  // namespace

// GET /metrics: admins with their password, a scraper with the configured Bearer token; a wrong
// token is a failure like a wrong password.
void TestApi::metricsForAdminsAndTheScraper()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kAdmin, kAdminPassword, QStringLiteral("admin")));
    QVERIFY(service.addUser(kViewer, kViewerPassword));
    const QByteArray token = "scrape-0123456789abcdef";
    QVERIFY(service.start(service.configArgs("[server]\nmetrics_token = " + token + "\n")));
    QTRY_COMPARE_WITH_TIMEOUT(service.get(QStringLiteral("/cam/cam0/index.m3u8"), kViewer, kViewerPassword).status, 200,
                              10000);
    QCOMPARE(service.get(QStringLiteral("/cam/cam0/index.m3u8"), kViewer, QStringLiteral("wrong")).status, 401);

    const HttpReply asAdmin = service.get(QStringLiteral("/metrics"), kAdmin, kAdminPassword);
    QCOMPARE(asAdmin.status, 200);
    QVERIFY(asAdmin.header("Content-Type").startsWith("text/plain; version=0.0.4"));
    QCOMPARE(formatProblem(asAdmin.body), QString());
    QCOMPARE(sampleValue(asAdmin.body, "hlscam_viewers{camera=\"cam0\"}"), 1.0);
    QCOMPARE(sampleValue(asAdmin.body, "hlscam_camera_streaming{camera=\"cam0\"}"), 1.0);
    QVERIFY(sampleValue(asAdmin.body, "hlscam_http_responses_total{route=\"playlist\",status=\"200\"}") >= 1);
    QCOMPARE(sampleValue(asAdmin.body, "hlscam_auth_failures_total{reason=\"wrong-password\"}"), 1.0);
    QVERIFY(sampleValue(asAdmin.body, "hlscam_encoder_frames_total{camera=\"cam0\"}") > 0);
    QCOMPARE(sampleValue(asAdmin.body, "hlscam_camera_frames_dropped_total{camera=\"cam0\"}"), 0.0);

    QCOMPARE(service.get(QStringLiteral("/metrics"), kViewer, kViewerPassword).status, 403);
    const HttpReply scraped =
        service.get(QStringLiteral("/metrics"), {}, {}, "GET", {}, {{"Authorization", "Bearer " + token}});
    QCOMPARE(scraped.status, 200);
    QCOMPARE(formatProblem(scraped.body), QString());
    QCOMPARE(
        service.get(QStringLiteral("/metrics"), {}, {}, "GET", {}, {{"Authorization", "Bearer " + token + "x"}}).status,
        401);
    QVERIFY(service.log().contains("authentication failure from 127.0.0.1: bad-token"));
    const HttpReply after =
        service.get(QStringLiteral("/metrics"), {}, {}, "GET", {}, {{"Authorization", "Bearer " + token}});
    QCOMPARE(sampleValue(after.body, "hlscam_auth_failures_total{reason=\"bad-token\"}"), 1.0);
    QVERIFY(!service.log().contains(token));  // the secret is never logged
}

QTEST_GUILESS_MAIN(TestApi)
#include "tst_api.moc"
