// A camera that fails says what kind of failure it is, beside the sentence: in the status API
// and in the metrics (a named fault a program can act on: no-device, unsupported-format, ...),
// and the service keeps running and retrying.
#include "ServiceProcess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

namespace {
const QString kAdmin = QStringLiteral("admin");
const QString kPassword = QStringLiteral("admin-pw");

QJsonObject firstCamera(ServiceProcess &service)
{
    const HttpReply r = service.get(QStringLiteral("/api/v1/status"), kAdmin, kPassword);
    return QJsonDocument::fromJson(r.body).object()[QStringLiteral("cameras")].toArray().first().toObject();
}
}  // namespace

class TestCameraFaults : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void faultsAreNamed_data();
    void faultsAreNamed();
};

void TestCameraFaults::faultsAreNamed_data()
{
    QTest::addColumn<QString>("device");  // FILE: a file made by the test with this content
    QTest::addColumn<QString>("fault");
    QTest::newRow("unplugged camera") << QStringLiteral("/dev/video97") << QStringLiteral("no-device");
    QTest::newRow("a text file") << QStringLiteral("FILE:the wifi password is hunter2\n")
                                 << QStringLiteral("unsupported-format");
}

void TestCameraFaults::faultsAreNamed()
{
    QFETCH(QString, device);
    QFETCH(QString, fault);
    ServiceProcess service;
    QVERIFY(service.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    if (device.startsWith(QLatin1String("FILE:"))) {
        QFile file(service.stateDir() + QStringLiteral("/notes.txt"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(device.mid(5).toUtf8());
        device = file.fileName();
    }
    QVERIFY2(service.start({QStringLiteral("--source"), device}), service.log().constData());
    QTRY_VERIFY_WITH_TIMEOUT(firstCamera(service)[QStringLiteral("fault")].toString() == fault, 15000);
    const QJsonObject camera = firstCamera(service);
    QCOMPARE(camera[QStringLiteral("state")].toString(), QStringLiteral("retrying"));
    QVERIFY(!camera[QStringLiteral("last_error")].toString().isEmpty());
    const QByteArray metrics = service.get(QStringLiteral("/metrics"), kAdmin, kPassword).body;
    const QByteArray line = "hlscam_camera_fault{camera=\"cam0\",fault=\"" + fault.toUtf8() + "\"} 1";
    QVERIFY2(metrics.contains(line), metrics.constData());
    QCOMPARE(service.get(QStringLiteral("/healthz")).status, 200);  // still serving
}

QTEST_GUILESS_MAIN(TestCameraFaults)
#include "tst_camerafaults.moc"
