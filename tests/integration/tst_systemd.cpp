// The service's side of systemd's Type=notify, against a notification socket of our own (as
// systemd would create): READY=1 once the camera streams, STATUS with its state and encoder,
// watchdog pings at half WATCHDOG_USEC from the event loop, STOPPING=1 on SIGTERM.
#include "ServiceProcess.h"

#include <QElapsedTimer>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <csignal>
#include <cstring>

namespace {

// A bound unix datagram socket: what systemd listens on for a Type=notify service.
class NotifySocket {
public:
    explicit NotifySocket(const QString &path)
        : m_path(path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const QByteArray p = path.toUtf8();
        std::memcpy(address.sun_path, p.constData(), size_t(qMin<qsizetype>(p.size(), sizeof address.sun_path - 1)));
        m_bound = ::bind(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0;
    }
    ~NotifySocket() { ::close(m_fd); }
    bool bound() const { return m_bound; }
    // Every message received so far.
    QList<QByteArray> messages()
    {
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (n <= 0)
                break;
            m_messages << QByteArray(buffer, int(n));
        }
        return m_messages;
    }
    bool received(const QByteArray &part)
    {
        for (const QByteArray &m : messages())
            if (m.contains(part))
                return true;
        return false;
    }

private:
    QString m_path;
    int m_fd = -1;
    bool m_bound = false;
    QList<QByteArray> m_messages;
};

}  // namespace

class TestSystemd : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void notifiesReadyStatusWatchdogAndStopping();
    void journalLinesCarryTheirPriority();
    void withoutNotifySocketNothingIsSent();
    void reloadAppliesCameraSettingsLive();
};

void TestSystemd::notifiesReadyStatusWatchdogAndStopping()
{
    QTemporaryDir dir;
    NotifySocket socket(dir.filePath(QStringLiteral("notify")));
    QVERIFY(socket.bound());
    ServiceProcess service;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NOTIFY_SOCKET"), dir.filePath(QStringLiteral("notify")));
    env.insert(QStringLiteral("WATCHDOG_USEC"), QStringLiteral("400000"));
    service.setEnvironment(env);
    QVERIFY(service.start());

    QTRY_VERIFY_WITH_TIMEOUT(socket.received("READY=1"), 15000);
    // READY comes with the camera's state: streaming, with the encoder it chose.
    QVERIFY2(socket.received("STATUS=cam0 streaming (libx264), 0 viewers"), socket.messages().join(" | ").constData());
    const int pingsBefore = int(socket.messages().count("WATCHDOG=1"));
    QTest::qWait(1000);
    QVERIFY2(socket.messages().count("WATCHDOG=1") >= pingsBefore + 3,
             "a 400 ms watchdog wants a ping at least every 200 ms");
    // systemctl reload: SIGHUP re-reads users and bans; the service keeps running and serving.
    QVERIFY(service.addUser(QStringLiteral("late"), QStringLiteral("late-pw")));
    ::kill(pid_t(service.pid()), SIGHUP);
    QTRY_VERIFY_WITH_TIMEOUT(service.log().contains("reloaded users and bans (SIGHUP)"), 5000);
    QVERIFY(socket.received("RELOADING=1"));
    QCOMPARE(
        service.get(QStringLiteral("/cam/cam0/index.m3u8"), QStringLiteral("late"), QStringLiteral("late-pw")).status,
        200);
    // That request made one viewer; the status line says so at its next check.
    QTRY_VERIFY2_WITH_TIMEOUT(socket.received("STATUS=cam0 streaming (libx264), 1 viewer"),
                              socket.messages().join(" | ").constData(), 5000);
    QCOMPARE(service.stop(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(socket.received("STOPPING=1"), 2000);
}

void TestSystemd::journalLinesCarryTheirPriority()
{
    // With stderr going to the journal, each log line starts with its syslog priority.
    ServiceProcess service;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("JOURNAL_STREAM"), QStringLiteral("8:12345"));
    service.setEnvironment(env);
    QVERIFY(service.start());
    QCOMPARE(service.get(QStringLiteral("/cam/cam0/index.m3u8"), QStringLiteral("nobody"), QStringLiteral("x")).status,
             401);
    QTRY_VERIFY_WITH_TIMEOUT(service.log().contains("\n<6>hlscam.pipeline: cam0 streaming"), 10000);
    QVERIFY2(service.log().contains("\n<4>hlscam.auth: authentication failure from 127.0.0.1: unknown-user"),
             service.log().constData());
    QCOMPARE(service.stop(), 0);
}

void TestSystemd::withoutNotifySocketNothingIsSent()
{
    // Started by hand (no NOTIFY_SOCKET), the service runs as usual.
    ServiceProcess service;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("NOTIFY_SOCKET"));
    env.insert(QStringLiteral("WATCHDOG_USEC"), QStringLiteral("400000"));
    service.setEnvironment(env);
    QVERIFY(service.start());
    QCOMPARE(service.get(QStringLiteral("/healthz")).status, 200);
    QCOMPARE(service.stop(), 0);
}

// `systemctl reload` after editing the camera's size: the same process restarts that camera's
// pipeline, players get a discontinuity and the new picture on the same playlist URL; what
// cannot change live is named in the log; a config with a mistake changes nothing.
void TestSystemd::reloadAppliesCameraSettingsLive()
{
    ServiceProcess service;
    const QByteArray before = "[camera.cam0]\ndevice = testpattern\nwidth = 640\nheight = 360\n";
    const QStringList config = service.configArgs(before);
    QVERIFY(!config.isEmpty());
    QVERIFY(service.addUser(QStringLiteral("owner"), QStringLiteral("owner-pw")));
    QVERIFY(service.start(config));
    const QString playlist = QStringLiteral("/cam/cam0/index.m3u8");
    const QString user = QStringLiteral("owner"), password = QStringLiteral("owner-pw");
    auto probedWidth = [&] {
        QString error;
        return service.probeVideo(playlist, user, password, &error).value(QStringLiteral("width")).toInt();
    };
    QTRY_COMPARE_WITH_TIMEOUT(probedWidth(), 640, 20000);
    const qint64 pid = service.pid();

    service.configArgs("[camera.cam0]\ndevice = testpattern\nwidth = 320\nheight = 240\n[hls]\nwindow = 8\n");
    ::kill(pid_t(pid), SIGHUP);
    QTRY_VERIFY_WITH_TIMEOUT(service.log().contains("reload: cam0: new settings, restarting its pipeline"), 5000);
    QVERIFY2(service.log().contains("reload: changes to [hls] take effect at the next restart"),
             service.log().constData());
    QTRY_VERIFY_WITH_TIMEOUT(service.get(playlist, user, password).body.contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP"),
                             10000);
    QTRY_COMPARE_WITH_TIMEOUT(probedWidth(), 320, 20000);
    QCOMPARE(service.pid(), pid);

    // A typo: the error names the file, line and key; the service carries on as it was.
    service.configArgs("[camera.cam0]\ndevice = testpattern\nwidht = 800\n");
    ::kill(pid_t(pid), SIGHUP);
    QTRY_VERIFY_WITH_TIMEOUT(service.log().contains("still running on the previous one"), 5000);
    QVERIFY2(service.log().contains("test.conf:3") && service.log().contains("widht"), service.log().constData());
    QCOMPARE(service.get(playlist, user, password).status, 200);
    QCOMPARE(probedWidth(), 320);
    QCOMPARE(service.stop(), 0);
}

QTEST_GUILESS_MAIN(TestSystemd)
#include "tst_systemd.moc"
