// Camera controls without a device: the keys made from drivers' names, the checks a value
// passes before it is written, a PUT body's JSON turned into values, the config key that keeps
// them, the API's rules for stable device names, and the DeviceWatcher on a directory of its own.
#include "api/ControlsJson.h"
#include "camera/CameraControl.h"
#include "capture/DeviceWatcher.h"
#include "config/CameraOverrides.h"
#include "config/ConfigLoader.h"
#include "config/DevicePolicy.h"

#include <QJsonDocument>
#include <QtTest>
#include <atomic>
#include <thread>

using namespace hlscam;

namespace {

// Controls like vivid's and a webcam's.
QList<CameraControl> sampleControls()
{
    CameraControl brightness;
    brightness.key = QStringLiteral("brightness");
    brightness.maximum = 255;
    brightness.defaultValue = 128;
    brightness.value = 128;
    CameraControl gain = brightness;
    gain.key = QStringLiteral("gain");
    gain.minimum = 0;
    gain.maximum = 100;
    gain.step = 10;
    CameraControl autoWb;
    autoWb.key = QStringLiteral("white_balance_automatic");
    autoWb.type = ControlType::Boolean;
    autoWb.maximum = 1;
    CameraControl powerLine;
    powerLine.key = QStringLiteral("power_line_frequency");
    powerLine.type = ControlType::Menu;
    powerLine.maximum = 3;
    powerLine.menu = {{0, QStringLiteral("Disabled")}, {1, QStringLiteral("50 Hz")}, {3, QStringLiteral("Auto")}};
    CameraControl bitrates;
    bitrates.key = QStringLiteral("integer_menu");
    bitrates.type = ControlType::IntegerMenu;
    bitrates.maximum = 1;
    bitrates.menu = {{0, QStringLiteral("1000000")}, {1, QStringLiteral("2000000")}};
    CameraControl button;
    button.key = QStringLiteral("button");
    button.type = ControlType::Button;
    CameraControl gainAuto;
    gainAuto.key = QStringLiteral("gain_automatic_status");
    gainAuto.readOnly = true;
    gainAuto.maximum = 10;
    CameraControl big;
    big.key = QStringLiteral("integer_64_bits");
    big.type = ControlType::Integer64;
    big.minimum = std::numeric_limits<qint64>::min();
    big.maximum = std::numeric_limits<qint64>::max();
    CameraControl mask;
    mask.key = QStringLiteral("bitmask");
    mask.type = ControlType::Bitmask;
    mask.maximum = 0x8000250f;
    return {brightness, gain, autoWb, powerLine, bitrates, button, gainAuto, big, mask};
}

}  // namespace

class TestCameraControls : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keysComeFromDriverNames_data();
    void keysComeFromDriverNames();
    void valuesAreChecked_data();
    void valuesAreChecked();
    void requestBodiesBecomeValues_data();
    void requestBodiesBecomeValues();
    void listedAsJson();
    void configKeyKeepsControls_data();
    void configKeyKeepsControls();
    void overrideSectionKeepsControls();
    void anOlderOverrideFileKeepsTheConfigsControls_data();
    void anOlderOverrideFileKeepsTheConfigsControls();
    void stableNamesThroughTheApi_data();
    void stableNamesThroughTheApi();
    void watcherWakesOnVideoNodes();
    void watcherFollowsStableNameDirectories();
    void watcherWaitsForInterrupt();
    void watcherWakesForTheCamerasOwnName();
};

void TestCameraControls::keysComeFromDriverNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("key");
    QTest::newRow("one word") << "Brightness"
                              << "brightness";
    QTest::newRow("comma") << "White Balance, Automatic"
                           << "white_balance_automatic";
    QTest::newRow("uvc exposure") << "Exposure Time, Absolute"
                                  << "exposure_time_absolute";
    QTest::newRow("brackets and spaces") << "  Gain (dB) "
                                         << "gain_db";
    QTest::newRow("digits") << "Integer 64 Bits"
                            << "integer_64_bits";
    QTest::newRow("hyphen") << "H264 I-Frame Period"
                            << "h264_i_frame_period";
    QTest::newRow("upper case run") << "HFLIP"
                                    << "hflip";
    QTest::newRow("non-ASCII is a gap") << "Zoom\u00e9Level"
                                        << "zoom_level";
    QTest::newRow("no letters") << "***"
                                << "";
    QTest::newRow("long names are cut") << QString(80, u'a') << QString(64, u'a');
}

void TestCameraControls::keysComeFromDriverNames()
{
    QFETCH(QString, name);
    QFETCH(QString, key);
    QCOMPARE(controlKey(name), key);
    QCOMPARE(isControlKey(controlKey(name)), !key.isEmpty());
}

void TestCameraControls::valuesAreChecked_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<qint64>("value");
    QTest::addColumn<QString>("refusal");  // a part of the sentence; empty: taken
    QTest::newRow("int in range") << "brightness" << qint64(200) << "";
    QTest::newRow("int at max") << "brightness" << qint64(255) << "";
    QTest::newRow("int over max") << "brightness" << qint64(256)
                                  << "brightness: 256 is out of range (allowed: 0 to 255)";
    QTest::newRow("int under min") << "brightness" << qint64(-1) << "out of range";
    QTest::newRow("off step") << "gain" << qint64(15) << "in steps of 10";
    QTest::newRow("on step") << "gain" << qint64(30) << "";
    QTest::newRow("bool on") << "white_balance_automatic" << qint64(1) << "";
    QTest::newRow("bool 2") << "white_balance_automatic" << qint64(2) << "true or false";
    QTest::newRow("menu entry") << "power_line_frequency" << qint64(3) << "";
    QTest::newRow("menu hole") << "power_line_frequency" << qint64(2) << "0 (Disabled), 1 (50 Hz), 3 (Auto)";
    QTest::newRow("int menu") << "integer_menu" << qint64(1) << "";
    QTest::newRow("button") << "button" << qint64(1) << "";
    QTest::newRow("read-only") << "gain_automatic_status" << qint64(1) << "gain_automatic_status: read-only";
    QTest::newRow("int64 lowest") << "integer_64_bits" << std::numeric_limits<qint64>::min() << "";
    QTest::newRow("int64 highest") << "integer_64_bits" << std::numeric_limits<qint64>::max() << "";
    QTest::newRow("bitmask in mask") << "bitmask" << qint64(0x80000001) << "";
    QTest::newRow("bitmask outside") << "bitmask" << qint64(0x10) << "outside the mask";
}

void TestCameraControls::valuesAreChecked()
{
    QFETCH(QString, key);
    QFETCH(qint64, value);
    QFETCH(QString, refusal);
    const QList<CameraControl> controls = sampleControls();
    const CameraControl *c = findControl(controls, key);
    QVERIFY(c);
    const Error e = checkControlValue(*c, value);
    if (refusal.isEmpty()) {
        QVERIFY2(!e, qPrintable(e.message));
    } else {
        QCOMPARE(e.fault, Fault::InvalidValue);
        QVERIFY2(e.message.contains(refusal), qPrintable(e.message));
    }
}

void TestCameraControls::requestBodiesBecomeValues_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("values");   // "key=value ..." when taken
    QTest::addColumn<QString>("refusal");  // else a part of the 400's sentence
    QTest::newRow("two ints") << QByteArray(R"({"brightness": 10, "gain": 20})") << "brightness=10 gain=20"
                              << "";
    QTest::newRow("unknown key") << QByteArray(R"({"brightnes": 10})") << ""
                                 << "unknown control 'brightnes' (this camera has: brightness, gain,";
    QTest::newRow("out of range") << QByteArray(R"({"brightness": 300})") << ""
                                  << "300 is out of range";
    QTest::newRow("fraction") << QByteArray(R"({"brightness": 1.5})") << ""
                              << "brightness takes a whole number";
    QTest::newRow("string for int") << QByteArray(R"({"brightness": "10"})") << ""
                                    << "a whole number";
    QTest::newRow("null") << QByteArray(R"({"brightness": null})") << ""
                          << "a whole number";
    QTest::newRow("bool true") << QByteArray(R"({"white_balance_automatic": true})") << "white_balance_automatic=1"
                               << "";
    QTest::newRow("bool as 0") << QByteArray(R"({"white_balance_automatic": 0})") << "white_balance_automatic=0"
                               << "";
    QTest::newRow("bool as text") << QByteArray(R"({"white_balance_automatic": "on"})") << ""
                                  << "true or false";
    QTest::newRow("menu by name") << QByteArray(R"({"power_line_frequency": "50 hz"})") << "power_line_frequency=1"
                                  << "";
    QTest::newRow("menu by index") << QByteArray(R"({"power_line_frequency": 3})") << "power_line_frequency=3"
                                   << "";
    QTest::newRow("menu unknown name") << QByteArray(R"({"power_line_frequency": "60 Hz"})") << ""
                                       << "'60 Hz' is not one of its entries (allowed: Disabled, 50 Hz, Auto";
    QTest::newRow("menu hole") << QByteArray(R"({"power_line_frequency": 2})") << ""
                               << "not one of its entries";
    QTest::newRow("button pressed") << QByteArray(R"({"button": true})") << "button=1"
                                    << "";
    QTest::newRow("button false") << QByteArray(R"({"button": false})") << ""
                                  << "setting it presses it";
    QTest::newRow("read-only") << QByteArray(R"({"gain_automatic_status": 1})") << ""
                               << "read-only";
    QTest::newRow("one bad spoils all") << QByteArray(R"({"brightness": 10, "gain": 15})") << ""
                                        << "steps of 10";
}

void TestCameraControls::requestBodiesBecomeValues()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, values);
    QFETCH(QString, refusal);
    const Result<ControlValues> got = controlValuesFromJson(sampleControls(), QJsonDocument::fromJson(body).object());
    if (!refusal.isEmpty()) {
        QVERIFY(!got.ok());
        QCOMPARE(got.error().fault, Fault::InvalidValue);
        QVERIFY2(got.error().message.contains(refusal), qPrintable(got.error().message));
        return;
    }
    QVERIFY2(got.ok(), qPrintable(got.error().message));
    QStringList pairs;
    for (auto it = got.value().cbegin(); it != got.value().cend(); ++it)
        pairs << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
    QCOMPARE(pairs.join(u' '), values);
}

void TestCameraControls::listedAsJson()
{
    const QJsonArray list = controlsJson(sampleControls());
    QCOMPARE(list.size(), sampleControls().size());
    const QJsonObject brightness = list.at(0).toObject();
    QCOMPARE(brightness.value("key").toString(), QStringLiteral("brightness"));
    QCOMPARE(brightness.value("type").toString(), QStringLiteral("int"));
    QCOMPARE(brightness.value("max").toInteger(), 255);
    QCOMPARE(brightness.value("value").toInteger(), 128);
    QCOMPARE(brightness.value("read_only").toBool(), false);
    const QJsonObject autoWb = list.at(2).toObject();
    QCOMPARE(autoWb.value("type").toString(), QStringLiteral("bool"));
    QVERIFY(autoWb.value("value").isNull());  // never read: no value, not a made-up one
    const QJsonObject menu = list.at(3).toObject();
    QCOMPARE(menu.value("menu").toArray().size(), 3);
    QCOMPARE(menu.value("menu").toArray().at(2).toObject().value("index").toInteger(), 3);
    QCOMPARE(menu.value("menu").toArray().at(2).toObject().value("name").toString(), QStringLiteral("Auto"));
    QCOMPARE(list.at(6).toObject().value("read_only").toBool(), true);
}

void TestCameraControls::configKeyKeepsControls_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");  // "key=value ..." or, for an error, a part of it
    QTest::addColumn<bool>("ok");
    QTest::newRow("empty") << ""
                           << "" << true;
    QTest::newRow("spaces") << "brightness=140 contrast=-3"
                            << "brightness=140 contrast=-3" << true;
    QTest::newRow("commas") << "gain=1,  hflip=0"
                            << "gain=1 hflip=0" << true;
    QTest::newRow("upper case key") << "Brightness=1"
                                    << "'Brightness=1' is not a control setting" << false;
    QTest::newRow("no value") << "brightness"
                              << "is not a control setting" << false;
    QTest::newRow("not a number") << "brightness=high"
                                  << "is not a control setting" << false;
    QTest::newRow("past 64 bits") << "brightness=99999999999999999999"
                                  << "is not a control setting" << false;
    QTest::newRow("twice") << "gain=1 gain=2"
                           << "'gain' is set twice" << false;
}

void TestCameraControls::configKeyKeepsControls()
{
    QFETCH(QString, value);
    QFETCH(QString, expected);
    QFETCH(bool, ok);
    const ConfigResult r =
        parseConfig(("[camera.cam0]\ncontrols = " + value + "\n").toUtf8(), QStringLiteral("t.conf"));
    QCOMPARE(r.ok(), ok);
    if (!ok) {
        QVERIFY2(r.error->toString().contains(expected), qPrintable(r.error->toString()));
        QVERIFY2(r.error->toString().contains(QLatin1String("t.conf:2: [camera.cam0] controls")),
                 qPrintable(r.error->toString()));
        return;
    }
    QStringList pairs;
    const QMap<QString, qint64> &got = r.settings.cameras.first().controls;
    for (auto it = got.cbegin(); it != got.cend(); ++it)
        pairs << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
    QCOMPARE(pairs.join(u' '), expected);
}

void TestCameraControls::overrideSectionKeepsControls()
{
    CameraSettings camera;
    camera.name = QStringLiteral("garden");
    camera.device = QStringLiteral("/dev/v4l/by-id/usb-Cam-video-index0");
    camera.controls = {{QStringLiteral("brightness"), 140}, {QStringLiteral("power_line_frequency"), 1}};
    const ConfigResult r = parseConfig(cameraSection(camera), QStringLiteral("cameras.conf"));
    QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error->toString()));
    QCOMPARE(r.settings.cameras.first(), camera);
}

void TestCameraControls::anOlderOverrideFileKeepsTheConfigsControls_data()
{
    QTest::addColumn<QByteArray>("overrides");
    QTest::addColumn<QString>("brightness");  // what the camera ends with; empty: none
    QTest::newRow("older file: no controls line") << QByteArray("[camera.cam0]\nwidth = 320\n") << "140";
    QTest::newRow("controls set") << QByteArray("[camera.cam0]\nwidth = 320\ncontrols = brightness=90\n") << "90";
    QTest::newRow("controls emptied") << QByteArray("[camera.cam0]\ncontrols =\nwidth = 320\n") << "";
    QTest::newRow("another camera's line")
        << QByteArray("[camera.cam0]\nwidth = 320\n\n[camera.other]\ncontrols =\n") << "140";
}

void TestCameraControls::anOlderOverrideFileKeepsTheConfigsControls()
{
    QFETCH(QByteArray, overrides);
    QFETCH(QString, brightness);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("cameras.conf"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(overrides);
    file.close();
    const ConfigResult config =
        parseConfig("[camera.cam0]\ndevice = testpattern\ncontrols = brightness=140\n", QStringLiteral("hlscam.conf"));
    QVERIFY(config.ok());
    Settings settings = config.settings;
    QStringList notes;
    QCOMPARE(applyCameraOverrides(path, settings, &notes).message, QString());
    const CameraSettings &camera = settings.cameras.first();
    QCOMPARE(camera.width, 320);
    QCOMPARE(camera.controls.contains(QStringLiteral("brightness"))
                 ? QString::number(camera.controls.value("brightness"))
                 : QString(),
             brightness);
}

void TestCameraControls::stableNamesThroughTheApi_data()
{
    QTest::addColumn<QString>("device");
    QTest::addColumn<bool>("allowed");
    // This machine has no camera: a stable name that is not there is an unplugged camera.
    QTest::newRow("by-id, unplugged") << "/dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920_1234-video-index0" << true;
    QTest::newRow("by-path, unplugged") << "/dev/v4l/by-path/platform-xhci-hcd.0-usb-0:1:1.0-video-index0" << true;
    QTest::newRow("climbs out") << "/dev/v4l/by-id/../../../etc/passwd" << false;
    QTest::newRow("dots in a name") << "/dev/v4l/by-id/a..b" << false;
    QTest::newRow("deeper") << "/dev/v4l/by-id/a/b" << false;
    QTest::newRow("another directory") << "/dev/v4l/by-uuid/x" << false;
    QTest::newRow("missing node") << "/dev/video99" << false;
    QTest::newRow("not a camera") << "/dev/null" << false;
}

void TestCameraControls::stableNamesThroughTheApi()
{
    QFETCH(QString, device);
    QFETCH(bool, allowed);
    QCOMPARE(!refuseApiDevice(device, {}), allowed);
}

void TestCameraControls::watcherWakesOnVideoNodes()
{
    QTemporaryDir dev;
    DeviceWatcher watcher(dev.path());
    QVERIFY(watcher.watching());
    std::atomic_bool interrupt{false};
    QVERIFY(!watcher.wait(100, interrupt));  // nothing happened: it waits its time out

    // Other nodes of /dev come and go all the time: they do not wake it.
    QFile(dev.filePath("tty9")).open(QIODevice::WriteOnly);
    QVERIFY(!watcher.wait(100, interrupt));

    // A camera comes back: the wait ends at once, long before its time out.
    QElapsedTimer clock;
    clock.start();
    std::thread plug([&] {
        QThread::msleep(100);
        QFile(dev.filePath("video3")).open(QIODevice::WriteOnly);
    });
    const bool woke = watcher.wait(5000, interrupt);
    plug.join();
    QVERIFY(woke);
    QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));

    // Seen changes are forgotten by drain(); unplugging is one too.
    watcher.drain();
    QVERIFY(!watcher.wait(50, interrupt));
    QVERIFY(QFile::remove(dev.filePath("video3")));
    QVERIFY(watcher.wait(1000, interrupt));
}

void TestCameraControls::watcherFollowsStableNameDirectories()
{
    QTemporaryDir dev;
    DeviceWatcher watcher(dev.path());
    std::atomic_bool interrupt{false};
    // udev makes /dev/v4l and its by-id directory with the first camera: watched from then on.
    QVERIFY(QDir(dev.path()).mkdir("v4l"));
    QVERIFY(watcher.wait(1000, interrupt));
    QVERIFY(QDir(dev.path()).mkpath("v4l/by-id"));
    QVERIFY(watcher.wait(1000, interrupt));
    watcher.drain();
    QVERIFY(!watcher.wait(50, interrupt));
    QVERIFY(QFile::link(dev.filePath("video1"), dev.filePath("v4l/by-id/usb-Cam-video-index0")));
    QVERIFY(watcher.wait(1000, interrupt));
}

void TestCameraControls::watcherWaitsForInterrupt()
{
    QTemporaryDir dev;
    DeviceWatcher watcher(dev.path());
    std::atomic_bool interrupt{false};
    QElapsedTimer clock;
    clock.start();
    std::thread stop([&] {
        QThread::msleep(100);
        interrupt = true;
    });
    QVERIFY(!watcher.wait(10000, interrupt));
    stop.join();
    QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
}

void TestCameraControls::watcherWakesForTheCamerasOwnName()
{
    // A udev rule's own name for the camera (/dev/webcam) matters; another name does not.
    QTemporaryDir dev;
    DeviceWatcher watcher(dev.path(), dev.filePath(QStringLiteral("webcam")));
    std::atomic_bool interrupt{false};
    QVERIFY(QFile::link(dev.filePath("video1"), dev.filePath("printer")));
    QVERIFY(!watcher.wait(100, interrupt));
    QVERIFY(QFile::link(dev.filePath("video1"), dev.filePath("webcam")));
    QVERIFY(watcher.wait(1000, interrupt));
}

QTEST_GUILESS_MAIN(TestCameraControls)
#include "tst_cameracontrols.moc"
