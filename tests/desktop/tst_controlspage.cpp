// The camera page's controls in a real window (under Xvfb), driven as a person would. On this
// machine's test pattern (no camera) it says there are none. Pointed at a board with a camera
// (HLSCAM_TEST_BOARD=host:port, with HLSCAM_TEST_BOARD_USER and _PASSWORD: tests/vm/
// test_controlspage.sh runs it against vivid in the VM), it lists the driver's controls, and a
// switch flipped and a slider moved in the window reach the device (read back through the API).
// Screenshots go to $HLSCAM_TEST_OUTPUT.
#include "../integration/ServiceProcess.h"
#include "ApiModel.h"
#include "DesktopApp.h"
#include "Session.h"
#include "WindowDriver.h"

#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QtTest>

using hlscam::ui::ApiModel;

class TestControlsPage : public QObject, private WindowDriver {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void showsTheControls();
    void aSwitchAndASliderReachTheDevice();

private:
    // A control's value as the board reads it from the device now.
    QJsonValue deviceValue(const QString &key);

    ServiceProcess m_service;
    QTemporaryDir m_home;
    QString m_address = qEnvironmentVariable("HLSCAM_TEST_BOARD");
    QString m_user = qEnvironmentVariable("HLSCAM_TEST_BOARD_USER", QStringLiteral("boss"));
    QString m_password = qEnvironmentVariable("HLSCAM_TEST_BOARD_PASSWORD", QStringLiteral("pw-controls-page"));
};

void TestControlsPage::initTestCase()
{
    isolateState(m_home);
    if (m_address.isEmpty()) {
        QVERIFY(m_service.addUser(m_user, m_password, QStringLiteral("admin")));
        QVERIFY(m_service.start({QStringLiteral("--source"), QStringLiteral("testpattern")}));
        m_address = QStringLiteral("127.0.0.1:%1").arg(m_service.port());
    }
    if (!openMainWindow())
        return;
    QVERIFY(type("addressField", m_address) && type("userField", m_user) && type("passwordField", m_password) &&
            click("connectButton"));
    QTRY_VERIFY_WITH_TIMEOUT(m_session->connected(), 20000);
}

void TestControlsPage::cleanupTestCase()
{
    m_engine.reset();
    m_service.stop();
}

QJsonValue TestControlsPage::deviceValue(const QString &key)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(QUrl(QStringLiteral("http://%1/api/v1/cameras/cam0/controls").arg(m_address)));
    request.setRawHeader("Authorization", "Basic " + (m_user + u':' + m_password).toUtf8().toBase64());
    QNetworkReply *reply = nam.get(request);
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(10000);
    const QJsonArray controls = QJsonDocument::fromJson(reply->readAll()).array();
    delete reply;
    for (const QJsonValue c : controls)
        if (c[QStringLiteral("key")] == key)
            return c[QStringLiteral("value")];
    return QJsonValue::Undefined;
}

void TestControlsPage::showsTheControls()
{
    // (The app opens the preview once connected: the camera tab is chosen after that.)
    QTRY_VERIFY_WITH_TIMEOUT(find("tabs")->property("currentIndex").toInt() == 3 || (click("cameraTab"), false), 10000);
    auto *controls = find<ApiModel>("controlsModel");
    QVERIFY(controls);
    if (!m_service.pid()) {
        QTRY_VERIFY_WITH_TIMEOUT(controls->rowCount() > 10, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(shown("control_brightness") && shown("control_horizontal_flip"), 10000);
        shot(QStringLiteral("controls"));
        return;
    }
    // The test pattern: none, and the page says why.
    QTRY_VERIFY_WITH_TIMEOUT(shown("noControls"), 10000);
    QCOMPARE(controls->rowCount(), 0);
    QVERIFY(controls->error().isEmpty());
    shot(QStringLiteral("controls-none"));
}

void TestControlsPage::aSwitchAndASliderReachTheDevice()
{
    if (m_service.pid())
        QSKIP("the test pattern has no controls (run tests/vm/test_controlspage.sh for a camera's)");
    auto *controls = find<ApiModel>("controlsModel");
    QCOMPARE(deviceValue(QStringLiteral("horizontal_flip")), QJsonValue(false));
    QVERIFY(click("control_horizontal_flip"));
    QTRY_COMPARE_WITH_TIMEOUT(deviceValue(QStringLiteral("horizontal_flip")), QJsonValue(true), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(find<QQuickItem>("control_horizontal_flip")->property("checked").toBool(), 10000);

    // A click at four fifths of the contrast slider (0 to 255) sets about 204.
    QTRY_VERIFY_WITH_TIMEOUT(!controls->busy(), 10000);
    auto *slider = find<QQuickItem>("control_contrast");
    QVERIFY(slider && slider->isVisible());
    const QPointF at = slider->mapToScene(QPointF(slider->width() * 0.8, slider->height() / 2));
    QTest::mouseClick(m_window, Qt::LeftButton, Qt::NoModifier, at.toPoint());
    QTRY_VERIFY_WITH_TIMEOUT(qAbs(deviceValue(QStringLiteral("contrast")).toInt() - 204) <= 12, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(find("controlsMessage")->property("text").toString().contains(QLatin1String("Contrast")),
                             10000);
    qInfo("contrast now %d", deviceValue(QStringLiteral("contrast")).toInt());
    shot(QStringLiteral("controls-changed"));
}

HLSCAM_DESKTOP_TEST_MAIN(TestControlsPage)

#include "tst_controlspage.moc"
