// GET/PUT /api/v1/cameras/NAME/controls against the real binary on this machine, which has no
// camera: the test pattern has no controls (an empty list), a camera named by a stable name that
// is not plugged in answers 503 and is waited for, and every bad request is refused with what is
// wrong (unknown camera 404, unknown control / bad body 400, a viewer 403) and changes nothing.
// The controls of a real driver are tested in the VM (tests/vm/).
#include "ServiceProcess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

namespace {
const QString kAdmin = QStringLiteral("boss");
const QString kAdminPassword = QStringLiteral("pw-controls-admin");
const QString kViewer = QStringLiteral("watcher");
const QString kViewerPassword = QStringLiteral("pw-controls-viewer");
const QString kUnplugged = QStringLiteral("/dev/v4l/by-id/usb-Example_Cam_0001-video-index0");

QJsonDocument json(const HttpReply &r) { return QJsonDocument::fromJson(r.body); }
QString errorOf(const HttpReply &r) { return json(r)[QStringLiteral("error")].toString(); }
}  // namespace

class TestControls : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void theTestPatternHasNone();
    void anUnknownCameraIs404();
    void badRequestsAre400_data();
    void badRequestsAre400();
    void viewersMayNeitherReadNorChange_data();
    void viewersMayNeitherReadNorChange();
    void otherMethodsAre405();
    void anUnpluggedCameraIsWaitedFor();
    void aStableNameMayBeChosenWhileUnplugged();

private:
    HttpReply admin(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        return m_service.get(path, kAdmin, kAdminPassword, method, body);
    }
    ServiceProcess m_service;
};

void TestControls::initTestCase()
{
    QVERIFY(m_service.addUser(kAdmin, kAdminPassword, QStringLiteral("admin")));
    QVERIFY(m_service.addUser(kViewer, kViewerPassword));
    const QStringList config = m_service.configArgs(QStringLiteral("[camera.cam0]\ndevice = testpattern\n"
                                                                   "width = 320\nheight = 180\n"
                                                                   "controls = brightness=140\n\n"
                                                                   "[camera.usb]\ndevice = %1\n")
                                                        .arg(kUnplugged)
                                                        .toUtf8());
    QVERIFY(!config.isEmpty());
    QVERIFY2(m_service.start(config), m_service.log().constData());
}

void TestControls::cleanupTestCase() { QCOMPARE(m_service.stop(), 0); }

void TestControls::theTestPatternHasNone()
{
    const HttpReply r = admin("GET", QStringLiteral("/api/v1/cameras/cam0/controls"));
    QCOMPARE(r.status, 200);
    QVERIFY2(json(r).isArray(), r.body.constData());
    QCOMPARE(json(r).array().size(), 0);
    QCOMPARE(r.header("content-type"), QByteArray("application/json"));
    // A HEAD is answered like the GET, without the body.
    const HttpReply head = admin("HEAD", QStringLiteral("/api/v1/cameras/cam0/controls"));
    QCOMPARE(head.status, 200);
    QVERIFY(head.body.isEmpty());
    // The kept value the pattern cannot take did not stop it.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_service.get(QStringLiteral("/cam/cam0/index.m3u8"), kViewer, kViewerPassword).body.contains("#EXTINF:"),
        20000);
}

void TestControls::anUnknownCameraIs404()
{
    for (const QByteArray &method : {QByteArray("GET"), QByteArray("PUT")}) {
        const HttpReply r = admin(method, QStringLiteral("/api/v1/cameras/nope/controls"),
                                  method == "PUT" ? QByteArray(R"({"brightness":1})") : QByteArray());
        QCOMPARE(r.status, 404);
        QCOMPARE(errorOf(r), QStringLiteral("no camera 'nope'"));
    }
    QCOMPARE(admin("GET", QStringLiteral("/api/v1/cameras//controls")).status, 404);
    QCOMPARE(admin("GET", QStringLiteral("/api/v1/cameras/cam0/controls/brightness")).status, 404);
}

void TestControls::badRequestsAre400_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");
    QTest::newRow("unknown control") << QByteArray(R"({"brightness": 140})")
                                     << "unknown control 'brightness' (this camera has: none)";
    QTest::newRow("nothing") << QByteArray("{}") << "nothing to change";
    QTest::newRow("an array") << QByteArray("[1]") << "the body is a JSON object of control keys and values";
    QTest::newRow("not JSON") << QByteArray("brightness=1") << "the body is a JSON object";
}

void TestControls::badRequestsAre400()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    const HttpReply r = admin("PUT", QStringLiteral("/api/v1/cameras/cam0/controls"), body);
    QCOMPARE(r.status, 400);
    QVERIFY2(errorOf(r).contains(error), r.body.constData());
    // Nothing was kept: the overrides file was not even written.
    QVERIFY(!QFile::exists(m_service.stateDir() + QStringLiteral("/cameras.conf")));
}

void TestControls::viewersMayNeitherReadNorChange_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::newRow("read") << QByteArray("GET");
    QTest::newRow("change") << QByteArray("PUT");
}

void TestControls::viewersMayNeitherReadNorChange()
{
    QFETCH(QByteArray, method);
    const QByteArray body = method == "PUT" ? R"({"brightness": 1})" : "";
    const HttpReply r =
        m_service.get(QStringLiteral("/api/v1/cameras/cam0/controls"), kViewer, kViewerPassword, method, body);
    QCOMPARE(r.status, 403);
    QVERIFY2(errorOf(r).contains(QLatin1String("admin")), r.body.constData());
    // Also for a camera that does not exist: no oracle of the camera names.
    QCOMPARE(
        m_service.get(QStringLiteral("/api/v1/cameras/nope/controls"), kViewer, kViewerPassword, method, body).status,
        403);
    QCOMPARE(m_service.get(QStringLiteral("/api/v1/cameras/cam0/controls"), {}, {}, method, body).status, 401);
}

void TestControls::otherMethodsAre405()
{
    const HttpReply r = admin("DELETE", QStringLiteral("/api/v1/cameras/cam0/controls"));
    QCOMPARE(r.status, 405);
    QCOMPARE(r.header("allow"), QByteArray("GET, HEAD, PUT"));
}

void TestControls::anUnpluggedCameraIsWaitedFor()
{
    // Named by a stable name that is not there: retried (no-device), the service runs on.
    QTRY_COMPARE_WITH_TIMEOUT(
        json(admin("GET", QStringLiteral("/api/v1/status")))[QStringLiteral("cameras")][1][QStringLiteral("fault")]
            .toString(),
        QStringLiteral("no-device"), 20000);
    const HttpReply r = admin("GET", QStringLiteral("/api/v1/cameras/usb/controls"));
    QCOMPARE(r.status, 503);
    QVERIFY2(errorOf(r).contains(kUnplugged), r.body.constData());
    const HttpReply put = admin("PUT", QStringLiteral("/api/v1/cameras/usb/controls"), R"({"brightness": 1})");
    QCOMPARE(put.status, 503);
}

void TestControls::aStableNameMayBeChosenWhileUnplugged()
{
    const QString other = QStringLiteral("/dev/v4l/by-path/pci-0000:00:14.0-usb-0:2:1.0-video-index0");
    HttpReply r =
        admin("PUT", QStringLiteral("/api/v1/cameras/usb"), QStringLiteral(R"({"device": "%1"})").arg(other).toUtf8());
    QCOMPARE(r.status, 200);
    QCOMPARE(json(r)[QStringLiteral("device")].toString(), other);
    // A name that climbs out of /dev/v4l is no stable name.
    r = admin("PUT", QStringLiteral("/api/v1/cameras/usb"), R"({"device": "/dev/v4l/by-id/../../null"})");
    QCOMPARE(r.status, 400);
    QCOMPARE(json(admin("GET", QStringLiteral("/api/v1/cameras/usb")))[QStringLiteral("device")].toString(), other);
}

QTEST_GUILESS_MAIN(TestControls)
#include "tst_controls.moc"
