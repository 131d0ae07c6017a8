// The desktop app in a real window (ctest runs it under Xvfb), driven as a person would: typing
// into its fields and clicking its buttons, against the real hlscam binary on loopback. Checks
// what the window shows and, through the API, what the service did. Screenshots of each screen
// go to $HLSCAM_TEST_OUTPUT (build/test-output) to be looked at.
#include "../integration/ServiceProcess.h"
#include "ApiModel.h"
#include "DesktopApp.h"
#include "FrameStamp.h"
#include "Session.h"
#include "WindowDriver.h"

#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QVideoFrame>
#include <QVideoSink>
#include <QtTest>
#include <algorithm>
#include <csignal>

using hlscam::ui::ApiModel;
using hlscam::ui::Session;

namespace {
const QString kAdmin = QStringLiteral("boss");
const QString kPassword = QStringLiteral("correct horse 42");
}  // namespace

class TestDesktop : public QObject, private WindowDriver {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void unreachableServiceIsShown();
    void wrongPasswordIsShown();
    void bannedComputerIsTold();
    void connectsAndThePreviewMoves();
    void previewLatency();
    void addsAUserAndListsIt();
    void unbansAnAddress();
    void appliesTheCamerasOwnSize();
    void appliesCameraSettings();
    void followsTheCameraBack();
    void frozenBoardFreezesNothing();
    void remembersTheBoard();
    void findsTheBoardOnTheLan();
    void runsALocalServiceThroughTheApi();
    void hlscamDesktopStartsTheApp();

private:
    QVideoSink *previewSink() const;
    // Pictures the preview received within `ms`, the last one in *last.
    int framesWithin(int ms, QImage *last);
    // Waits up to 20 s for the preview to show pictures of `size`; the last picture seen.
    QImage previewAtSize(QSize size);
    bool login(const QString &address, const QString &user, const QString &password);

    ServiceProcess m_service;
    QTemporaryDir m_home;
    QString m_address;
};

void TestDesktop::initTestCase()
{
    QVERIFY(m_home.isValid());
    isolateState(m_home);
    // No per-user service config from an earlier run: local mode starts on the defaults.
    QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/hlscam"))
        .removeRecursively();

    // 127.0.0.1 (this app) is never banned; 127.0.0.2 plays the attacker.
    const QStringList config = m_service.configArgs("[bans]\nmaxretry = 3\nignoreip = 127.0.0.1/32\n");
    QVERIFY(m_service.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    QVERIFY(m_service.start(config + QStringList{QStringLiteral("--source"), QStringLiteral("testpattern")}));
    m_address = QStringLiteral("127.0.0.1:%1").arg(m_service.port());

    if (!openMainWindow())
        return;
}

void TestDesktop::cleanupTestCase()
{
    m_engine.reset();
    m_service.stop();
}

QVideoSink *TestDesktop::previewSink() const
{
    QObject *video = find("previewVideo");
    return video ? video->property("videoSink").value<QVideoSink *>() : nullptr;
}

int TestDesktop::framesWithin(int ms, QImage *last)
{
    QVideoSink *sink = previewSink();
    if (!sink)
        return -1;
    int frames = 0;
    QVideoFrame latest;
    {
        // Frames come from the decoder's thread, queued: a receiver that dies with this scope
        // takes the ones still queued along with it.
        QObject receiver;
        connect(sink, &QVideoSink::videoFrameChanged, &receiver, [&](const QVideoFrame &f) {
            ++frames;
            latest = f;
        });
        QTest::qWait(ms);
    }
    if (last && latest.isValid())
        *last = latest.toImage();
    return frames;
}

QImage TestDesktop::previewAtSize(QSize size)
{
    QImage last;
    QElapsedTimer waited;
    waited.start();
    int frames = 0;
    while (waited.elapsed() < 20000 && !(frames > 0 && last.size() == size))
        frames = framesWithin(500, &last);
    qInfo("%d pictures in 0.5 s at %dx%d, %lld ms after the change", frames, last.width(), last.height(),
          waited.elapsed());
    return last;
}

bool TestDesktop::login(const QString &address, const QString &user, const QString &password)
{
    return type("addressField", address) && type("userField", user) && type("passwordField", password) &&
           click("connectButton");
}

void TestDesktop::unreachableServiceIsShown()
{
    // Port 1 on loopback: nothing listens there.
    QVERIFY(login(QStringLiteral("127.0.0.1:1"), kAdmin, kPassword));
    QTRY_VERIFY_WITH_TIMEOUT(errorShown().contains(QLatin1String("Cannot reach 127.0.0.1:1")), 10000);
    QVERIFY(!m_session->connected());
}

void TestDesktop::wrongPasswordIsShown()
{
    QVERIFY(login(m_address, kAdmin, QStringLiteral("not the password")));
    QTRY_VERIFY_WITH_TIMEOUT(errorShown().contains(QLatin1String("Wrong user name or password")), 10000);
    QVERIFY(!m_session->connected());
    shot(QStringLiteral("connect-wrong-password"));
}

// A service that does not spare this computer: two wrong passwords ban it, and the next attempt
// is told why the board hangs up (closed at accept, before a byte is read).
void TestDesktop::bannedComputerIsTold()
{
    ServiceProcess strict;
    QVERIFY(strict.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    QVERIFY(strict.start(strict.configArgs("[bans]\nmaxretry = 2\nignoreip = 127.0.0.9/32\n") +
                         QStringList{QStringLiteral("--source"), QStringLiteral("testpattern")}));
    const QString address = QStringLiteral("127.0.0.1:%1").arg(strict.port());
    for (int i = 0; i < 2; ++i) {
        QVERIFY(login(address, kAdmin, QStringLiteral("wrong %1").arg(i)));
        QTRY_VERIFY_WITH_TIMEOUT(errorShown().contains(QLatin1String("Wrong user name or password")), 10000);
        m_session->clearError();
    }
    QVERIFY(login(address, kAdmin, kPassword));
    QTRY_VERIFY_WITH_TIMEOUT(errorShown().contains(QLatin1String("may be banned")), 10000);
    QVERIFY(!m_session->connected());
    qInfo("shown: %s", qPrintable(errorShown()));
    shot(QStringLiteral("connect-banned"));
    m_session->clearError();
}

void TestDesktop::connectsAndThePreviewMoves()
{
    QVERIFY(login(m_address, kAdmin, kPassword));
    QTRY_VERIFY_WITH_TIMEOUT(m_session->connected(), 10000);
    QVERIFY2(errorShown().isEmpty(), qPrintable(errorShown()));
    QTRY_VERIFY_WITH_TIMEOUT(m_session->previewUrl().toString().contains(QLatin1String("token=")), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(find("playerState")->property("text").toString(), QStringLiteral("playing"), 15000);

    // Qt Multimedia hands the pictures to the window's video item: count them, and compare two.
    QImage first, second;
    QTRY_VERIFY_WITH_TIMEOUT(framesWithin(500, &first) > 0, 15000);
    const int frames = framesWithin(2000, &second);
    qInfo("preview: %d pictures in 2 s, %dx%d", frames, second.width(), second.height());
    QVERIFY2(frames >= 30, qPrintable(QString::number(frames)));  // the pattern runs at 25 fps
    QCOMPARE(second.size(), QSize(640, 360));
    QVERIFY2(first != second, "the preview shows a still picture");
    QVERIFY(frameAgeMs(second).has_value());  // it is the service's stamped pattern

    // And on screen: the video area is a picture, not a black box.
    QTRY_COMPARE_WITH_TIMEOUT(find("cameraState")->property("text").toString(), QStringLiteral("streaming"), 5000);
    auto *video = find<QQuickItem>("previewVideo");
    const QRectF area = video->mapRectToScene(QRectF(0, 0, video->width(), video->height()));
    const QImage screen = m_window->grabWindow().copy(area.toRect());
    int lit = 0, samples = 0;
    for (int y = 0; y < screen.height(); y += 8)
        for (int x = 0; x < screen.width(); x += 8, ++samples)
            lit += qGray(screen.pixel(x, y)) > 40;
    qInfo("preview area: %d of %d samples lit", lit, samples);
    QVERIFY2(lit > samples / 3, "the preview area is mostly black");
    shot(QStringLiteral("preview"));
}

// How old the picture on screen is, read off the pattern's time code: the desktop preview's
// glass-to-glass latency (the browser's is measured by bench/latency the same way).
void TestDesktop::previewLatency()
{
    QVideoSink *sink = previewSink();
    QVERIFY(sink);
    QList<qint64> ages;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 10000) {
        QTest::qWait(250);
        const QVideoFrame frame = sink->videoFrame();
        if (std::optional<qint64> age = frame.isValid() ? frameAgeMs(frame.toImage()) : std::nullopt)
            ages << *age;
    }
    QVERIFY2(ages.size() >= 20, qPrintable(QString::number(ages.size())));
    std::sort(ages.begin(), ages.end());
    const qint64 median = ages.at(ages.size() / 2);
    const qint64 p95 = ages.at(ages.size() * 95 / 100);
    qInfo("preview latency: median %lld ms, p95 %lld ms (%lld samples)", median, p95, qint64(ages.size()));
    // FFmpeg's HLS reader follows whole segments, not parts: a median of 2.1 to 4.2 s (2.6 s
    // typical) in nine runs on a loaded 2-core machine. About twice that: a preview that falls
    // 3 s further behind fails.
    QVERIFY2(median < 5000, qPrintable(QString::number(median)));
}

void TestDesktop::addsAUserAndListsIt()
{
    QVERIFY(click("usersTab"));
    auto *users = find<ApiModel>("usersModel");
    QVERIFY(users);
    QTRY_VERIFY_WITH_TIMEOUT(users->find(QStringLiteral("name"), kAdmin) >= 0, 5000);
    QVERIFY(type("newUserName", QStringLiteral("carol")));
    QVERIFY(type("newUserPassword", QStringLiteral("carol's long password")));
    QVERIFY(click("addUserButton"));
    QTRY_VERIFY_WITH_TIMEOUT(users->find(QStringLiteral("name"), QStringLiteral("carol")) >= 0, 10000);
    QVERIFY2(users->error().isEmpty(), qPrintable(users->error()));
    QCOMPARE(find("usersList")->property("count").toInt(), users->rowCount());

    // The service has her, with the password typed, as a viewer.
    const HttpReply list = m_service.get(QStringLiteral("/api/v1/users"), kAdmin, kPassword);
    QVERIFY(list.body.contains("\"carol\""));
    QCOMPARE(m_service
                 .get(QStringLiteral("/cam/cam0/index.m3u8"), QStringLiteral("carol"),
                      QStringLiteral("carol's long password"))
                 .status,
             200);
    QCOMPARE(
        m_service.get(QStringLiteral("/api/v1/users"), QStringLiteral("carol"), QStringLiteral("carol's long password"))
            .status,
        403);
    shot(QStringLiteral("users"));

    // A mistake is shown, and changes nothing: the name is taken.
    QVERIFY(type("newUserName", QStringLiteral("carol")));
    QVERIFY(type("newUserPassword", QStringLiteral("another one")));
    QVERIFY(click("addUserButton"));
    QTRY_VERIFY_WITH_TIMEOUT(!users->error().isEmpty(), 10000);
    qInfo("shown: %s", qPrintable(users->error()));
    QCOMPARE(m_service
                 .get(QStringLiteral("/cam/cam0/index.m3u8"), QStringLiteral("carol"),
                      QStringLiteral("carol's long password"))
                 .status,
             200);
}

void TestDesktop::unbansAnAddress()
{
    // 127.0.0.2 guesses wrong three times (maxretry) and is banned.
    for (int i = 0; i < 3; ++i)
        QCOMPARE(
            m_service
                .getFrom(QStringLiteral("127.0.0.2"), QStringLiteral("/api/v1/status"), kAdmin, QStringLiteral("guess"))
                .status,
            401);
    QCOMPARE(m_service.getFrom(QStringLiteral("127.0.0.2"), QStringLiteral("/api/v1/status"), kAdmin, kPassword).status,
             0);

    QVERIFY(click("bansTab"));
    QVERIFY(click("refreshBansButton"));
    auto *bans = find<ApiModel>("bansModel");
    QTRY_VERIFY_WITH_TIMEOUT(bans->find(QStringLiteral("address"), QStringLiteral("127.0.0.2")) >= 0, 10000);
    shot(QStringLiteral("bans"));
    QTRY_VERIFY_WITH_TIMEOUT(find<QQuickItem>("unban-127.0.0.2") != nullptr, 5000);
    QVERIFY(click("unban-127.0.0.2"));
    QTRY_COMPARE_WITH_TIMEOUT(bans->rowCount(), 0, 10000);
    QVERIFY(bans->message().contains(QLatin1String("Unbanned 127.0.0.2")));
    QCOMPARE(m_service.getFrom(QStringLiteral("127.0.0.2"), QStringLiteral("/api/v1/status"), kAdmin, kPassword).status,
             200);
}

// width = auto and height = auto: one box for both (the config wants them together), the size
// boxes greyed while it is ticked; the service gets 0 x 0 and streams the source's own size (the
// test pattern's default, 640x360). Unticked, the sizes in the boxes again.
void TestDesktop::appliesTheCamerasOwnSize()
{
    QVERIFY(click("cameraTab"));
    QTRY_COMPARE_WITH_TIMEOUT(find("widthField")->property("value").toInt(), 640, 5000);
    QVERIFY2(find("autoSizeField"), "no box for the camera's own size");
    QCOMPARE(find("autoSizeField")->property("checked").toBool(), false);
    QVERIFY(find("widthField")->property("enabled").toBool());
    QVERIFY(click("autoSizeField"));
    QTRY_VERIFY_WITH_TIMEOUT(find("autoSizeField")->property("checked").toBool(), 5000);
    QVERIFY(!find("widthField")->property("enabled").toBool());
    QVERIFY(!find("heightField")->property("enabled").toBool());
    QVERIFY(click("applyButton"));
    const auto camera = [this] {
        return QJsonDocument::fromJson(m_service.get(QStringLiteral("/api/v1/cameras/cam0"), kAdmin, kPassword).body)
            .object();
    };
    QTRY_COMPARE_WITH_TIMEOUT(camera().value(QStringLiteral("width")).toInt(-1), 0, 10000);
    QCOMPARE(camera().value(QStringLiteral("height")).toInt(-1), 0);
    auto *cameras = find<ApiModel>("camerasModel");
    QVERIFY2(cameras->error().isEmpty(), qPrintable(cameras->error()));
    shot(QStringLiteral("camera-auto"));

    QVERIFY(click("previewTab"));
    QCOMPARE(previewAtSize(QSize(640, 360)).size(), QSize(640, 360));

    // Unticked, the numbers in the boxes are sent again.
    QVERIFY(click("cameraTab"));
    QVERIFY(click("autoSizeField"));
    QTRY_VERIFY_WITH_TIMEOUT(find("widthField")->property("enabled").toBool(), 5000);
    QVERIFY(click("applyButton"));
    QTRY_COMPARE_WITH_TIMEOUT(camera().value(QStringLiteral("width")).toInt(-1), 640, 10000);
    QCOMPARE(camera().value(QStringLiteral("height")).toInt(-1), 360);
}

void TestDesktop::appliesCameraSettings()
{
    QVERIFY(click("cameraTab"));
    auto *cameras = find<ApiModel>("camerasModel");
    QTRY_COMPARE_WITH_TIMEOUT(cameras->rowCount(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(find("widthField")->property("value").toInt(), 640, 5000);
    find("widthField")->setProperty("value", 320);
    find("heightField")->setProperty("value", 180);
    QVERIFY(type("deviceField", QStringLiteral("/dev/no-such-camera")));
    QVERIFY(click("applyButton"));
    // The service refuses a device that does not exist: shown, nothing changed.
    QTRY_VERIFY2_WITH_TIMEOUT(cameras->error().contains(QLatin1String("/dev/no-such-camera")),
                              qPrintable(cameras->error() + QLatin1Char('|') + cameras->message()), 10000);
    qInfo("shown: %s", qPrintable(cameras->error()));
    QVERIFY(m_service.get(QStringLiteral("/api/v1/cameras/cam0"), kAdmin, kPassword).body.contains("\"width\":640"));
    shot(QStringLiteral("camera-error"));

    QVERIFY(type("deviceField", QStringLiteral("testpattern")));
    QVERIFY(click("applyButton"));
    QTRY_VERIFY_WITH_TIMEOUT(!cameras->message().isEmpty(), 10000);
    QVERIFY2(cameras->error().isEmpty(), qPrintable(cameras->error()));
    const QJsonObject now =
        QJsonDocument::fromJson(m_service.get(QStringLiteral("/api/v1/cameras/cam0"), kAdmin, kPassword).body).object();
    QCOMPARE(now.value(QStringLiteral("width")).toInt(), 320);
    QCOMPARE(now.value(QStringLiteral("height")).toInt(), 180);
    shot(QStringLiteral("camera"));

    // The preview follows the restarted camera on the same URL.
    QVERIFY(click("previewTab"));
    QCOMPARE(previewAtSize(QSize(320, 180)).size(), QSize(320, 180));
}

// The preview follows the camera to a larger size and back again (restarts one after another).
void TestDesktop::followsTheCameraBack()
{
    for (int round = 0; round < 2; ++round) {
        const bool big = round % 2 == 0;
        QVERIFY(click("cameraTab"));
        find("widthField")->setProperty("value", big ? 640 : 320);
        find("heightField")->setProperty("value", big ? 360 : 180);
        QVERIFY(click("applyButton"));
        QVERIFY(click("previewTab"));
        const QSize want = big ? QSize(640, 360) : QSize(320, 180);
        QCOMPARE(previewAtSize(want).size(), want);
    }
}

// A board that stops answering (stopped here with SIGSTOP, as a board that lost its network
// would be) freezes the preview, not the window: the GUI thread keeps running through the
// player's reopen after 6 s without pictures, and the preview plays again once the board is back.
void TestDesktop::frozenBoardFreezesNothing()
{
    QVERIFY(click("previewTab"));
    QImage last;
    QVERIFY(framesWithin(2000, &last) > 0);
    const qint64 pid = m_service.pid();
    // The board comes back after 16 s, whatever this thread is doing then.
    QProcess resume;
    resume.start(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("sleep 16; kill -CONT %1").arg(pid)});
    QVERIFY(resume.waitForStarted());
    QCOMPARE(::kill(pid_t(pid), SIGSTOP), 0);
    QElapsedTimer clock;
    clock.start();
    qint64 lastTick = 0;
    qint64 worstGap = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, [&] {
        worstGap = qMax(worstGap, clock.elapsed() - lastTick);
        lastTick = clock.elapsed();
    });
    ticker.start(100);
    while (clock.elapsed() < 24000 && (clock.elapsed() < 17000 || framesWithin(500, &last) <= 0))
        QTest::qWait(100);
    ticker.stop();
    QVERIFY(resume.state() == QProcess::NotRunning || resume.waitForFinished(5000));
    qInfo("the board frozen for 16 s: the window's longest pause %lld ms; pictures again %lld ms after the freeze",
          worstGap, clock.elapsed());
    QVERIFY2(worstGap < 2000, qPrintable(QStringLiteral("the window stood still for %1 ms").arg(worstGap)));
    QVERIFY2(clock.elapsed() < 24000, "no picture within 8 s of the board coming back");
}

void TestDesktop::remembersTheBoard()
{
    QVERIFY(click("disconnectButton"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->connected(), 5000);
    QCOMPARE(m_session->recent()->find(QStringLiteral("address"), m_address), 0);
    QCOMPARE(m_session->recent()->get(0).value(QStringLiteral("user")).toString(), kAdmin);
    QTRY_VERIFY_WITH_TIMEOUT(find("recentList")->property("count").toInt() >= 1, 5000);
    QVERIFY(
        !QSettings().value(QStringLiteral("recent")).toByteArray().contains(kPassword.toUtf8()));  // never the password
    shot(QStringLiteral("connect"));
}

// The service announces itself (mDNS/DNS-SD, here on loopback, where it listens); the connect
// page lists it, and a click puts its address in the form.
void TestDesktop::findsTheBoardOnTheLan()
{
    auto *boards = find<hlscam::ui::JsonListModel>("discoveredBoards");
    QVERIFY(boards);
    const QString address = QStringLiteral("127.0.0.1:%1").arg(m_service.port());
    QTRY_VERIFY_WITH_TIMEOUT(boards->find(QStringLiteral("address"), address) >= 0, 10000);
    qInfo("found: %s at %s",
          qPrintable(
              boards->get(boards->find(QStringLiteral("address"), address)).value(QStringLiteral("name")).toString()),
          qPrintable(address));
    QVERIFY(type("addressField", QString()));
    QTRY_VERIFY_WITH_TIMEOUT(find<QQuickItem>(qPrintable(QStringLiteral("found-") + address)) != nullptr, 5000);
    QVERIFY(click(qPrintable(QStringLiteral("found-") + address)));
    QCOMPARE(find("addressField")->property("text").toString(), address);
    shot(QStringLiteral("connect-found"));
}

void TestDesktop::runsALocalServiceThroughTheApi()
{
    QVERIFY(click("localButton"));
    QTRY_VERIFY2_WITH_TIMEOUT(m_session->connected(), qPrintable(errorShown()), 20000);
    QVERIFY(m_session->local());
    QVERIFY(m_session->address().startsWith(QLatin1String("http://127.0.0.1:")));
    QVERIFY(m_session->address() != QStringLiteral("http://") + m_address);
    QVERIFY(click("previewTab"));
    QImage frame;
    QTRY_VERIFY_WITH_TIMEOUT(framesWithin(1000, &frame) > 10, 20000);
    QVERIFY(frameAgeMs(frame).has_value());
    shot(QStringLiteral("local"));
    // Its state lives apart from `hlscam serve`'s, in the desktop's own directory.
    QVERIFY(QFile::exists(Session::localStateDir() + QStringLiteral("/users")));
    QVERIFY(click("disconnectButton"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->connected(), 5000);
}

// `hlscam desktop` hands over to hlscam-desktop beside it (the service binary links no GUI):
// the same process goes on running the app, with its window on this display, until told to stop.
void TestDesktop::hlscamDesktopStartsTheApp()
{
    QProcess app;
    app.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
    app.setProcessEnvironment(env);
    app.start(QStringLiteral(HLSCAM_BINARY), {QStringLiteral("desktop")});
    QVERIFY(app.waitForStarted());
    QTest::qWait(3000);
    const QByteArray output = app.readAll();
    QVERIFY2(app.state() == QProcess::Running, output.constData());
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(app.processId()));
    QVERIFY(cmdline.open(QIODevice::ReadOnly));
    QVERIFY2(cmdline.readAll().startsWith(QFile::encodeName(QFileInfo(QStringLiteral(HLSCAM_BINARY)).absolutePath()) +
                                          "/hlscam-desktop"),
             "hlscam desktop did not become hlscam-desktop");
    QVERIFY2(!output.contains("qrc:/qml/"), output.constData());  // no QML error
    app.terminate();
    QVERIFY(app.waitForFinished(10000));
}

HLSCAM_DESKTOP_TEST_MAIN(TestDesktop)

#include "tst_desktop.moc"
