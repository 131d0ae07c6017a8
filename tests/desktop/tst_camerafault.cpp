// The desktop app, in a real window (under Xvfb) against the real hlscam binary whose camera is
// a device that does not exist: the camera's page shows the fault's kind (no-device, as
// /api/v1/status names it) beside the sentence that explains it. Screenshot in
// $HLSCAM_TEST_OUTPUT.
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QtTest>

#include "../integration/ServiceProcess.h"
#include "DesktopApp.h"
#include "Session.h"
#include "WindowDriver.h"

namespace {
const QString kAdmin = QStringLiteral("boss");
const QString kPassword = QStringLiteral("correct horse 42");
}  // namespace

class TestCameraFault : public QObject, private WindowDriver {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void faultKindShownBesideTheSentence();

private:
    ServiceProcess m_service;
    QTemporaryDir m_home;
};

void TestCameraFault::initTestCase()
{
    QVERIFY(m_home.isValid());
    isolateState(m_home);
    QVERIFY(!QFile::exists(QStringLiteral("/dev/video97")));
    QVERIFY(m_service.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    QVERIFY(m_service.start({QStringLiteral("--source"), QStringLiteral("/dev/video97")}));

    if (!openMainWindow())
        return;
}

void TestCameraFault::cleanupTestCase()
{
    m_engine.reset();
    m_service.stop();
}

void TestCameraFault::faultKindShownBesideTheSentence()
{
    QVERIFY(type("addressField", QStringLiteral("127.0.0.1:%1").arg(m_service.port())) && type("userField", kAdmin) &&
            type("passwordField", kPassword) && click("connectButton"));
    QTRY_VERIFY_WITH_TIMEOUT(m_session->connected(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(textOf("cameraFault"), QStringLiteral("no-device"), 10000);
    QVERIFY(shown("cameraFault"));
    QVERIFY(shown("cameraError"));
    QVERIFY2(textOf("cameraError").contains(QLatin1String("/dev/video97")), qPrintable(textOf("cameraError")));
    QVERIFY(textOf("cameraState") != QLatin1String("streaming"));
    // Beside it: on the same line, to its right.
    auto *kind = find<QQuickItem>("cameraFault");
    auto *sentence = find<QQuickItem>("cameraError");
    const QRectF kindArea = kind->mapRectToScene(QRectF(0, 0, kind->width(), kind->height()));
    const QRectF sentenceArea = sentence->mapRectToScene(QRectF(0, 0, sentence->width(), sentence->height()));
    QVERIFY(sentenceArea.left() >= kindArea.right());
    QCOMPARE(sentenceArea.top(), kindArea.top());
    qInfo("shown: [%s] %s", qPrintable(textOf("cameraFault")), qPrintable(textOf("cameraError")));
    shot(QStringLiteral("camera-fault"));
}

HLSCAM_DESKTOP_TEST_MAIN(TestCameraFault)

#include "tst_camerafault.moc"
