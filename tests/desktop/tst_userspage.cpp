// The users page's cameras in a real window (under Xvfb), against the real binary with three
// cameras: a viewer added with "garden" sees only garden; the row shows it, and changing the
// field and clicking "Set cameras" narrows, widens (empty: every camera) and refuses a camera the
// service does not have. Screenshots go to $HLSCAM_TEST_OUTPUT.
#include "../integration/ServiceProcess.h"
#include "ApiModel.h"
#include "DesktopApp.h"
#include "Session.h"
#include "WindowDriver.h"

#include <QGuiApplication>
#include <QQuickItem>
#include <QtTest>

using hlscam::ui::ApiModel;

namespace {
const QString kAdmin = QStringLiteral("boss");
const QString kPassword = QStringLiteral("pw-users-page");
const QString kDora = QStringLiteral("dora");
const QString kDoraPassword = QStringLiteral("dora's password");
}  // namespace

class TestUsersPage : public QObject, private WindowDriver {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void addsAViewerLimitedToACamera();
    void changesAndClearsTheCameras();

private:
    int playlistStatus(const QString &camera)
    {
        return m_service.get(QStringLiteral("/cam/%1/index.m3u8").arg(camera), kDora, kDoraPassword).status;
    }

    ServiceProcess m_service;
    QTemporaryDir m_home;
    ApiModel *m_users = nullptr;
};

void TestUsersPage::initTestCase()
{
    isolateState(m_home);
    QVERIFY(m_service.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    const QByteArray camera = "device = testpattern\nwidth = 320\nheight = 180\n";
    QVERIFY(m_service.start(
        m_service.configArgs("[camera.cam0]\n" + camera + "[camera.garden]\n" + camera + "[camera.porch]\n" + camera)));
    if (!openMainWindow())
        return;
    QVERIFY(type("addressField", QStringLiteral("127.0.0.1:%1").arg(m_service.port())) && type("userField", kAdmin) &&
            type("passwordField", kPassword) && click("connectButton"));
    QTRY_VERIFY_WITH_TIMEOUT(m_session->connected(), 20000);
    // (The app opens the preview once connected: the users tab is chosen after that.)
    QTRY_VERIFY_WITH_TIMEOUT((click("usersTab"), (m_users = find<ApiModel>("usersModel")) != nullptr), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_users->find(QStringLiteral("name"), kAdmin) >= 0, 10000);
}

void TestUsersPage::cleanupTestCase()
{
    m_engine.reset();
    m_service.stop();
}

void TestUsersPage::addsAViewerLimitedToACamera()
{
    QVERIFY(type("newUserName", kDora));
    QVERIFY(type("newUserPassword", kDoraPassword));
    QVERIFY(type("newUserCameras", QStringLiteral("garden")));
    QVERIFY(click("addUserButton"));
    QTRY_VERIFY_WITH_TIMEOUT(m_users->find(QStringLiteral("name"), kDora) >= 0, 10000);
    QVERIFY2(m_users->error().isEmpty(), qPrintable(m_users->error()));
    QCOMPARE(playlistStatus(QStringLiteral("garden")), 200);
    QCOMPARE(playlistStatus(QStringLiteral("cam0")), 403);
    // The row says what she sees; the admin's says every camera.
    QTRY_VERIFY_WITH_TIMEOUT(shown("camerasOf-dora"), 5000);
    QCOMPARE(find("camerasOf-dora")->property("text").toString(), QStringLiteral("garden"));
    QCOMPARE(find("camerasOf-boss")->property("text").toString(), QStringLiteral("every camera (admin)"));
    shot(QStringLiteral("users-cameras"));
}

void TestUsersPage::changesAndClearsTheCameras()
{
    QVERIFY(type("camerasField-dora", QStringLiteral("cam0,porch")));
    QVERIFY(click("setCameras-dora"));
    QTRY_COMPARE_WITH_TIMEOUT(playlistStatus(QStringLiteral("cam0")), 200, 10000);
    QCOMPARE(playlistStatus(QStringLiteral("garden")), 403);
    QTRY_COMPARE_WITH_TIMEOUT(find("camerasOf-dora")->property("text").toString(), QStringLiteral("cam0,porch"), 10000);

    // A camera the service does not have is refused and shown; nothing changes.
    QVERIFY(type("camerasField-dora", QStringLiteral("shed")));
    QVERIFY(click("setCameras-dora"));
    QTRY_VERIFY_WITH_TIMEOUT(m_users->error().contains(QLatin1String("shed")), 10000);
    qInfo("shown: %s", qPrintable(m_users->error()));
    shot(QStringLiteral("users-cameras-refused"));
    QCOMPARE(playlistStatus(QStringLiteral("cam0")), 200);

    // Empty: every camera.
    QVERIFY(type("camerasField-dora", QString()));
    QVERIFY(click("setCameras-dora"));
    QTRY_COMPARE_WITH_TIMEOUT(playlistStatus(QStringLiteral("garden")), 200, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(find("camerasOf-dora")->property("text").toString(), QStringLiteral("every camera"),
                              10000);
}

HLSCAM_DESKTOP_TEST_MAIN(TestUsersPage)

#include "tst_userspage.moc"
