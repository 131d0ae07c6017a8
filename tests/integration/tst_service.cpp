// The real hlscam binary on a loopback port: authentication, playlist, media, errors, and
// ffprobe (real FFmpeg) as a second HLS client.
#include "FfProbe.h"
#include "PlaylistText.h"
#include "ServiceProcess.h"

#include <QRegularExpression>
#include <QtTest>

namespace {

const QString kUser = QStringLiteral("viewer1");
const QString kPassword = QStringLiteral("correct horse battery");

}  // namespace

class TestService : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void healthNeedsNoCredentials();
    void requestsWithoutCredentialsAreChallenged_data();
    void requestsWithoutCredentialsAreChallenged();
    void wrongPasswordIsRefused_data();
    void wrongPasswordIsRefused();
    void playlistHasProgramDateTimeAndMap();
    void mediaHaveTypesAndCacheHeaders();
    void segmentNumbersAdvance();
    void unknownPathsAre404_data();
    void unknownPathsAre404();
    void onlyGetAndHead();
    void viewerPageAndPlayerAreServed();
    void ffprobeReadsTheStream();
    void theTestPatternMapsNoFfmpeg();
    void firstStartCreatedAnAdminOnce();
    void usersListShowsRolesNotHashes();
    void badConfigNamesFileLineAndKey();
    void devicesSaysWhatItFound();
    void passwdAndRemoveTakeEffectWhileRunning();
    void sigtermStopsCleanly();
    void badFlagsAndABusyPortAreClearErrors();

private:
    ServiceProcess m_service;
    QString m_adminPassword;
};

void TestService::initTestCase()
{
    QVERIFY(m_service.addUser(kUser, kPassword));
    QVERIFY2(m_service.start(), m_service.log().constData());
}

void TestService::cleanupTestCase() { m_service.stop(); }

void TestService::healthNeedsNoCredentials()
{
    const HttpReply r = m_service.get(QStringLiteral("/healthz"));
    QCOMPARE(r.status, 200);
}

void TestService::requestsWithoutCredentialsAreChallenged_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("page") << "/";
    QTest::newRow("player") << "/player.js";
    QTest::newRow("playlist") << "/cam/cam0/index.m3u8";
    QTest::newRow("unknown path") << "/nothing-here";
}

void TestService::requestsWithoutCredentialsAreChallenged()
{
    QFETCH(QString, path);
    const HttpReply r = m_service.get(path);
    QCOMPARE(r.status, 401);
    QVERIFY2(r.header("WWW-Authenticate").startsWith("Basic realm="), r.header("WWW-Authenticate").constData());
}

void TestService::wrongPasswordIsRefused_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::newRow("wrong password") << kUser << "wrong";
    QTest::newRow("unknown user") << "nobody" << kPassword;
    QTest::newRow("empty password") << kUser << "";
}

void TestService::wrongPasswordIsRefused()
{
    QFETCH(QString, user);
    QFETCH(QString, password);
    const HttpReply r = m_service.get(QStringLiteral("/cam/cam0/index.m3u8"), user, password);
    QCOMPARE(r.status, 401);
    QVERIFY(!r.body.contains("#EXTM3U"));
}

void TestService::playlistHasProgramDateTimeAndMap()
{
    const HttpReply r = m_service.get(QStringLiteral("/cam/cam0/index.m3u8"), kUser, kPassword);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Content-Type"), QByteArray("application/vnd.apple.mpegurl"));
    QCOMPARE(r.header("Cache-Control"), QByteArray("no-cache"));
    QVERIFY(r.body.startsWith("#EXTM3U\n"));
    QVERIFY(r.body.contains("#EXT-X-TARGETDURATION:1\n"));
    QVERIFY(r.body.contains("#EXT-X-MAP:URI=\"init"));
    QVERIFY(r.body.contains("#EXT-X-MEDIA-SEQUENCE:"));
    const qsizetype segments = r.body.count("#EXTINF:");
    QVERIFY(segments >= 1);
    // On every segment, and on the one being written when its parts are listed after the last.
    const bool openSegment = r.body.mid(r.body.lastIndexOf("#EXTINF:")).contains("#EXT-X-PART:");
    QCOMPARE(int(r.body.count("#EXT-X-PROGRAM-DATE-TIME:")), segments + (openSegment ? 1 : 0));
}

void TestService::mediaHaveTypesAndCacheHeaders()
{
    const HttpReply list = m_service.get(QStringLiteral("/cam/cam0/index.m3u8"), kUser, kPassword);
    static const QRegularExpression map(QStringLiteral("URI=\"(init\\d+\\.mp4)\""));
    const QString init = map.match(QString::fromUtf8(list.body)).captured(1);
    QVERIFY(!init.isEmpty());
    const HttpReply i = m_service.get(QStringLiteral("/cam/cam0/") + init, kUser, kPassword);
    QCOMPARE(i.status, 200);
    QCOMPARE(i.header("Content-Type"), QByteArray("video/mp4"));
    QVERIFY(i.header("Cache-Control").contains("immutable"));
    QCOMPARE(i.body.mid(4, 4), QByteArray("ftyp"));

    const qint64 seg = lastSegment(list.body);
    const HttpReply s = m_service.get(QStringLiteral("/cam/cam0/seg%1.m4s").arg(seg), kUser, kPassword);
    QCOMPARE(s.status, 200);
    QCOMPARE(s.header("Content-Type"), QByteArray("video/iso.segment"));
    QVERIFY(s.header("Cache-Control").contains("max-age="));
    QCOMPARE(s.body.mid(4, 4), QByteArray("moof"));
    QCOMPARE(s.header("Content-Length").toLongLong(), s.body.size());

    const HttpReply latest = m_service.get(QStringLiteral("/cam/cam0/init.mp4"), kUser, kPassword);
    QCOMPARE(latest.status, 200);
    QCOMPARE(latest.header("Cache-Control"), QByteArray("no-cache"));
}

// New segments keep coming, each one second of capture: their numbers advance, and the capture
// times of two of them (EXT-X-PROGRAM-DATE-TIME, the service's clock) lie as many seconds apart.
void TestService::segmentNumbersAdvance()
{
    const QString path = QStringLiteral("/cam/cam0/index.m3u8");
    const QByteArray before = m_service.get(path, kUser, kPassword).body;
    const qint64 first = lastSegment(before);
    QVERIFY2(first >= 0, before.constData());
    QByteArray after;
    QTRY_VERIFY_WITH_TIMEOUT(lastSegment(after = m_service.get(path, kUser, kPassword).body) >= first + 2, 15000);
    const qint64 later = lastSegment(after);
    const qint64 apartMs = segmentTimeMs(after, later) - segmentTimeMs(before, first);
    qInfo("segments %lld -> %lld: captured %lld ms apart", first, later, apartMs);
    QVERIFY2(segmentTimeMs(before, first) > 0 && qAbs(apartMs - (later - first) * 1000) < 500,
             qPrintable(QStringLiteral("%1 -> %2: %3 ms").arg(first).arg(later).arg(apartMs)));
}

void TestService::unknownPathsAre404_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("unknown page") << "/admin.php";
    QTest::newRow("unknown camera") << "/cam/nope/index.m3u8";
    QTest::newRow("segment out of the window") << "/cam/cam0/seg1.m4s";
    QTest::newRow("part out of the window") << "/cam/cam0/part1.0.m4s";
    QTest::newRow("unknown init") << "/cam/cam0/init1.mp4";
    QTest::newRow("traversal") << "/cam/cam0/../../etc/passwd";
    QTest::newRow("encoded traversal") << "/cam/cam0/%2e%2e/%2e%2e/etc/passwd";
}

void TestService::unknownPathsAre404()
{
    QFETCH(QString, path);
    const HttpReply r = m_service.get(path, kUser, kPassword);
    QCOMPARE(r.status, 404);
}

void TestService::onlyGetAndHead()
{
    const HttpReply post = m_service.get(QStringLiteral("/cam/cam0/index.m3u8"), kUser, kPassword, "POST");
    QCOMPARE(post.status, 405);
    QVERIFY(post.header("Allow").contains("GET"));
    const HttpReply head = m_service.get(QStringLiteral("/cam/cam0/index.m3u8"), kUser, kPassword, "HEAD");
    QCOMPARE(head.status, 200);
    QVERIFY(head.body.isEmpty());
    QVERIFY(head.header("Content-Length").toInt() > 0);
}

void TestService::viewerPageAndPlayerAreServed()
{
    const HttpReply page = m_service.get(QStringLiteral("/"), kUser, kPassword);
    QCOMPARE(page.status, 200);
    QVERIFY(page.header("Content-Type").startsWith("text/html"));
    QVERIFY(page.body.contains("/page/main.js"));
    QVERIFY(!page.body.contains("https://"));  // nothing from a CDN
    // The page's scripts are served from the binary too; the one that plays loads hls.js from it.
    const HttpReply live = m_service.get(QStringLiteral("/page/live.js"), kUser, kPassword);
    QCOMPARE(live.status, 200);
    QVERIFY(live.header("Content-Type").startsWith("text/javascript"));
    QVERIFY(live.body.contains("'/player.js'"));
    QVERIFY(!live.body.contains("https://"));
    QCOMPARE(m_service.get(QStringLiteral("/page/nope.js"), kUser, kPassword).status, 404);
    const HttpReply player = m_service.get(QStringLiteral("/player.js"), kUser, kPassword);
    QCOMPARE(player.status, 200);
    QVERIFY(player.body.size() > 100000);  // hls.js itself, from the npm package
    QVERIFY(player.body.contains("Hls"));
}

void TestService::ffprobeReadsTheStream()
{
    QString error;
    const QJsonObject v = m_service.probeVideo(QStringLiteral("/cam/cam0/index.m3u8"), kUser, kPassword, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(codecAndSize(v), QStringLiteral("h264 640x360"));
}

void TestService::theTestPatternMapsNoFfmpeg()
{
    // libx264 and our own MP4 writer: the FFmpeg module and its ~25 MB of libraries are loaded
    // only for cameras, files and hardware encoders (tst_cameras sees them loaded).
    QFile maps(QStringLiteral("/proc/%1/maps").arg(m_service.pid()));
    QVERIFY(maps.open(QIODevice::ReadOnly));
    const QByteArray mapped = maps.readAll();
    QVERIFY(mapped.contains("libx264"));
    for (const char *library : {"hlscam_ffmpeg", "libavcodec", "libavformat", "libavutil", "libswscale"})
        QVERIFY2(!mapped.contains(library), library);
}

void TestService::firstStartCreatedAnAdminOnce()
{
    // This state dir had a user already, so no admin was made; a fresh one gets one, printed once.
    QVERIFY(!m_service.log().contains("created user 'admin'"));
    ServiceProcess fresh;
    QVERIFY2(fresh.start(), fresh.log().constData());
    static const QRegularExpression pw(QStringLiteral("created user 'admin'.*\\n\\s*\\n\\s+(\\S+)\\n"));
    const QRegularExpressionMatch m = pw.match(QString::fromUtf8(fresh.log()));
    QVERIFY2(m.hasMatch(), fresh.log().constData());
    const QString password = m.captured(1);
    QVERIFY(password.size() >= 16);
    QCOMPARE(fresh.get(QStringLiteral("/cam/cam0/index.m3u8"), QStringLiteral("admin"), password).status, 200);
    fresh.stop();
    QVERIFY2(fresh.start(), fresh.log().constData());
    QVERIFY(!fresh.log().contains(password.toUtf8()));
    QVERIFY(!fresh.log().contains("created user"));
}

void TestService::usersListShowsRolesNotHashes()
{
    ServiceProcess p;
    QVERIFY(p.addUser(QStringLiteral("alice"), QStringLiteral("pw-alice"), QStringLiteral("admin")));
    QVERIFY(p.addUser(QStringLiteral("bob"), QStringLiteral("pw-bob")));
    QByteArray out;
    QCOMPARE(
        p.run({QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--state-dir"), p.stateDir()}, {}, &out),
        0);
    QVERIFY2(out.contains("alice  admin  (all cameras)\n") && out.contains("bob  viewer  (all cameras)\n"),
             out.constData());
    QVERIFY(!out.contains("$y$"));
    // A state directory that does not exist yet is made, for its owner only.
    const QString fresh = p.stateDir() + QStringLiteral("/new/state");
    QCOMPARE(p.run({QStringLiteral("users"), QStringLiteral("add"), QStringLiteral("dave"),
                    QStringLiteral("--state-dir"), fresh},
                   "pw\n"),
             0);
    QCOMPARE(QFile::permissions(fresh) & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
    QVERIFY(QFile::exists(fresh + QStringLiteral("/users")));
    // Adding an existing user fails and changes nothing.
    QVERIFY(!p.addUser(QStringLiteral("bob"), QStringLiteral("other")));
    QCOMPARE(p.run({QStringLiteral("users"), QStringLiteral("add"), QStringLiteral("carol"),
                    QStringLiteral("--state-dir"), p.stateDir()},
                   QByteArray()),
             1);
}

void TestService::badConfigNamesFileLineAndKey()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("bad.conf"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("[camera.cam0]\nwidth = 640\nfpps = 25\n");
    f.close();
    ServiceProcess p;
    QByteArray out;
    QCOMPARE(p.run({QStringLiteral("config"), QStringLiteral("check"), QStringLiteral("--config"), file}, {}, &out), 2);
    QVERIFY2(out.contains(file.toUtf8() + ":3:") && out.contains("fpps"), out.constData());
    QCOMPARE(
        p.run({QStringLiteral("serve"), QStringLiteral("--config"), file, QStringLiteral("--state-dir"), p.stateDir()},
              {}, &out),
        2);
    QVERIFY2(out.contains("fpps"), out.constData());
}

void TestService::devicesSaysWhatItFound()
{
    ServiceProcess p;
    QByteArray out;
    QCOMPARE(p.run({QStringLiteral("devices")}, {}, &out), 0);
    QVERIFY2(out.contains("No V4L2 capture device found") || out.contains("/dev/video"), out.constData());
}

void TestService::passwdAndRemoveTakeEffectWhileRunning()
{
    const QString path = QStringLiteral("/cam/cam0/index.m3u8");
    QVERIFY(m_service.addUser(QStringLiteral("temp"), QStringLiteral("first-pw")));
    QTRY_COMPARE_WITH_TIMEOUT(m_service.get(path, QStringLiteral("temp"), QStringLiteral("first-pw")).status, 200,
                              5000);
    const QStringList passwd{QStringLiteral("users"), QStringLiteral("passwd"), QStringLiteral("temp"),
                             QStringLiteral("--state-dir"), m_service.stateDir()};
    QCOMPARE(m_service.run(passwd, "second-pw\n"), 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_service.get(path, QStringLiteral("temp"), QStringLiteral("first-pw")).status, 401,
                              5000);
    QCOMPARE(m_service.get(path, QStringLiteral("temp"), QStringLiteral("second-pw")).status, 200);
    const QStringList remove{QStringLiteral("users"), QStringLiteral("remove"), QStringLiteral("temp"),
                             QStringLiteral("--state-dir"), m_service.stateDir()};
    QCOMPARE(m_service.run(remove), 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_service.get(path, QStringLiteral("temp"), QStringLiteral("second-pw")).status, 401,
                              5000);
    QCOMPARE(m_service.run(remove), 1);                           // no such user any more
    QCOMPARE(m_service.get(path, kUser, kPassword).status, 200);  // the others are untouched
}

void TestService::sigtermStopsCleanly()
{
    ServiceProcess p;
    QVERIFY(p.addUser(QStringLiteral("x"), QStringLiteral("y")));
    QVERIFY2(p.start(), p.log().constData());
    QCOMPARE(p.get(QStringLiteral("/cam/cam0/index.m3u8"), QStringLiteral("x"), QStringLiteral("y")).status, 200);
    QCOMPARE(p.stop(), 0);
}

void TestService::badFlagsAndABusyPortAreClearErrors()
{
    ServiceProcess p;
    const QStringList serve{QStringLiteral("serve"), QStringLiteral("--state-dir"), p.stateDir()};
    QByteArray out;
    QCOMPARE(p.run(serve + QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:99999")}, {}, &out), 2);
    QVERIFY2(out.contains("--listen"), out.constData());
    QCOMPARE(p.run(serve + QStringList{QStringLiteral("--source"), QStringLiteral("/no/such/file.mp4")}, {}, &out), 2);
    QVERIFY2(out.contains("--source"), out.constData());
    QCOMPARE(p.run(serve + QStringList{QStringLiteral("--frobnicate")}, {}, &out), 2);
    QCOMPARE(p.run({QStringLiteral("nonsense")}, {}, &out), 2);
    QVERIFY(out.contains("usage: hlscam"));

    // The port of the running service is taken: say so and exit 1, do not hang.
    const QString taken = QStringLiteral("127.0.0.1:%1").arg(m_service.port());
    QCOMPARE(p.run(serve + QStringList{QStringLiteral("--listen"), taken, QStringLiteral("--source"),
                                       QStringLiteral("testpattern")},
                   {}, &out),
             1);
    QVERIFY2(out.contains("cannot listen on 127.0.0.1:" + QByteArray::number(m_service.port())), out.constData());
}

QTEST_GUILESS_MAIN(TestService)
#include "tst_service.moc"
