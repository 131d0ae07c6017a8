// Both discovery backends for real, on a link of the test's own: a network namespace holding a
// real avahi-daemon (with a system D-Bus daemon of the test's own, reached through
// DBUS_SYSTEM_BUS_ADDRESS) at one end of a veth pair, and this test process at the other end.
//
// - hlscam announcing through Avahi is listed by `avahi-browse -rpt` (both types, the TXT
//   strings) and found by the built-in querier across the veth, which also hears its goodbye;
// - hlscam browsing through Avahi finds a service `avahi-publish` publishes, and sees it leave;
// - a name another program holds through the same Avahi gives Avahi's alternative name;
// - when avahi-daemon restarts, hlscam announces again;
// - with no avahi-daemon on the bus, hlscam takes the built-in responder, whose announcement
//   Avahi sees from across the veth, and the desktop's browser takes the built-in querier.
//
// Needs root (namespaces, veth, mounts): skipped otherwise, as when avahi-daemon, dbus-daemon or
// avahi-utils are not installed. Every process it starts is stopped by its PID at the end.
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cctype>
#include <csignal>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "LanBrowser.h"

using namespace hlscam;

namespace {

const QString kAvahiAddress = QStringLiteral("10.77.0.1");  // the Avahi end of the veth
const QString kTestAddress = QStringLiteral("10.77.0.2");   // this process's end
const QString kAvahiHost = QStringLiteral("hlscam-avahi-test");

// How avahi-browse -p writes a name (avahi_escape_label): dots and backslashes after a
// backslash, letters, digits, '-' and '_' as they are, any other byte as \DDD.
QString browseEscaped(const QString &name)
{
    QString out;
    for (const char c : name.toUtf8()) {
        const auto byte = quint8(c);
        if (c == '.' || c == '\\')
            out += u'\\' + QChar::fromLatin1(c);
        else if (std::isalnum(byte) || c == '-' || c == '_')
            out += QChar::fromLatin1(c);
        else
            out += QStringLiteral("\\%1").arg(byte, 3, 10, QChar(u'0'));
    }
    return out;
}

// A child that dies with this process, even when the test is killed or aborts: no daemon of the
// test outlives it.
void dieWithParent(QProcess &process)
{
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

// A process of the test's: stopped (SIGTERM, then SIGKILL) by its PID when it goes.
class Child {
public:
    Child()
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        dieWithParent(m_process);
    }
    ~Child() { stop(); }
    Child(const Child &) = delete;
    Child &operator=(const Child &) = delete;

    bool start(const QString &program, const QStringList &args, const QProcessEnvironment &env)
    {
        m_log.clear();
        m_process.setProcessEnvironment(env);
        m_process.start(program, args);
        return m_process.waitForStarted(10000);
    }
    // Waits until the output matches `pattern`; its first capture (or the whole match).
    std::optional<QString> waitFor(const QString &pattern, int timeoutMs)
    {
        const QRegularExpression re(pattern);
        const QDeadlineTimer deadline(timeoutMs);
        do {
            const QRegularExpressionMatch m = re.match(QString::fromUtf8(log()));
            if (m.hasMatch())
                return m.captured(m.lastCapturedIndex() >= 1 ? 1 : 0);
            if (m_process.state() == QProcess::NotRunning)
                return std::nullopt;
            QTest::qWait(100);
        } while (!deadline.hasExpired());
        return std::nullopt;
    }
    int stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
        m_process.terminate();
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
        m_log += m_process.readAll();
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }
    QByteArray log()
    {
        m_log += m_process.readAll();
        return m_log;
    }
    bool running() const { return m_process.state() == QProcess::Running; }

private:
    QProcess m_process;
    QByteArray m_log;
};

// What `browser` found under `name` (a default DnsSdService, port 0, when nothing).
DnsSdService serviceNamed(const LanBrowser &browser, const QString &name)
{
    const QList<DnsSdService> all = browser.services();
    for (const DnsSdService &s : all)
        if (s.instanceName == name)
            return s;
    return {};
}

int run(const QString &program, const QStringList &args, QByteArray *output = nullptr,
        const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(), int timeoutMs = 20000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setProcessEnvironment(env);
    dieWithParent(p);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        return -1;
    }
    if (output)
        *output = p.readAll();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

}  // namespace

class TestAvahi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void publishesThroughAvahi();
    void browsesThroughAvahi();
    void takesAvahisNameOnCollision();
    void announcesAgainWhenAvahiRestarts();
    void builtinWhereNoAvahiRuns();

private:
    // `ip netns exec NS` and the environment that reaches our bus: how a program runs on the
    // Avahi end.
    QStringList inAvahiNamespace(const QStringList &command) const;
    bool startAvahi();
    void stopAvahi();
    // `avahi-browse -rpt TYPE` on the Avahi end: its resolved lines ("=;...").
    QStringList avahiBrowse(const QString &type);
    // The resolved line avahi-browse gives for `name`, empty when none.
    QString resolvedLine(const QString &type, const QString &name);
    // The same, asked until one comes or `timeoutMs` passes. (Not QTRY_*: it counts its steps
    // and not the time, and each avahi-browse takes a second.)
    QString waitResolved(const QString &type, const QString &name, int timeoutMs = 15000);
    // hlscam serve on the Avahi end (or this end), listening on every address; its port.
    std::optional<quint16> startService(Child &service, QTemporaryDir &state, const QString &name, bool avahiEnd);

    QTemporaryDir m_dir;
    QString m_namespace;
    QString m_busAddress;
    QProcessEnvironment m_env;
    bool m_netnsMade = false;
    std::unique_ptr<Child> m_dbus;
    std::unique_ptr<Child> m_avahi;
};

QStringList TestAvahi::inAvahiNamespace(const QStringList &command) const
{
    return QStringList{QStringLiteral("netns"), QStringLiteral("exec"), m_namespace} + command;
}

void TestAvahi::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP(
            "needs root: a network namespace with a veth pair, and a mount namespace for avahi-daemon's "
            "run directory");
    for (const char *tool : {"avahi-daemon", "avahi-browse", "avahi-publish", "dbus-daemon", "ip"})
        if (QStandardPaths::findExecutable(QLatin1String(tool)).isEmpty() &&
            QStandardPaths::findExecutable(QLatin1String(tool), {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")})
                .isEmpty())
            QSKIP(qPrintable(QStringLiteral("%1 is not installed (Debian packages avahi-daemon, avahi-utils, dbus, "
                                            "iproute2; scripts/setup installs them)")
                                 .arg(QLatin1String(tool))));
    QVERIFY(m_dir.isValid());
    // This process: a network namespace of its own, the test's end of the link.
    if (::unshare(CLONE_NEWNET) != 0)
        QSKIP(qPrintable(QStringLiteral("unshare(CLONE_NEWNET) refused: %1").arg(qt_error_string(errno))));
    const QString ip = QStringLiteral("ip");
    // Namespaces an earlier run left behind when it was killed (its PID is in the name, and gone).
    for (const QString &old : QDir(QStringLiteral("/run/netns")).entryList({QStringLiteral("hlscam-avahi-*")}))
        if (::kill(old.section(u'-', -1).toInt(), 0) != 0 && errno == ESRCH)
            run(ip, {"netns", "del", old});
    QCOMPARE(run(ip, {"link", "set", "lo", "up"}), 0);
    m_namespace = QStringLiteral("hlscam-avahi-%1").arg(::getpid());
    QCOMPARE(run(ip, {"netns", "add", m_namespace}), 0);
    m_netnsMade = true;
    QCOMPARE(run(ip, {"link", "add", "hlsb0", "type", "veth", "peer", "name", "hlsa0", "netns", m_namespace}), 0);
    QCOMPARE(run(ip, {"addr", "add", kTestAddress + QStringLiteral("/24"), "dev", "hlsb0"}), 0);
    QCOMPARE(run(ip, {"link", "set", "hlsb0", "up"}), 0);
    QCOMPARE(run(ip, {"-n", m_namespace, "addr", "add", kAvahiAddress + QStringLiteral("/24"), "dev", "hlsa0"}), 0);
    QCOMPARE(run(ip, {"-n", m_namespace, "link", "set", "hlsa0", "up"}), 0);
    QCOMPARE(run(ip, {"-n", m_namespace, "link", "set", "lo", "up"}), 0);

    // A system bus of the test's own: a socket file, so both namespaces reach it.
    const QString socket = m_dir.filePath(QStringLiteral("system_bus_socket"));
    QFile busConfig(m_dir.filePath(QStringLiteral("bus.conf")));
    QVERIFY(busConfig.open(QIODevice::WriteOnly));
    busConfig.write(
        "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
        " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
        "<busconfig><type>system</type><listen>unix:path=" +
        socket.toUtf8() +
        "</listen><auth>EXTERNAL</auth>\n"
        "<policy context=\"default\"><allow user=\"*\"/><allow own=\"*\"/>"
        "<allow send_type=\"method_call\"/><allow send_type=\"signal\"/>"
        "<allow send_type=\"method_return\"/><allow send_type=\"error\"/>"
        "<allow receive_type=\"method_call\"/><allow receive_type=\"signal\"/>"
        "<allow receive_type=\"method_return\"/><allow receive_type=\"error\"/></policy>\n"
        "</busconfig>\n");
    busConfig.close();
    m_dbus = std::make_unique<Child>();
    QVERIFY(m_dbus->start(QStringLiteral("dbus-daemon"), {"--config-file=" + busConfig.fileName(), "--nofork"},
                          QProcessEnvironment::systemEnvironment()));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(socket), 10000);
    m_busAddress = QStringLiteral("unix:path=") + socket;
    // This process's own D-Bus connections (the browser's) go there too.
    qputenv("DBUS_SYSTEM_BUS_ADDRESS", m_busAddress.toUtf8());
    m_env = QProcessEnvironment::systemEnvironment();
    m_env.insert(QStringLiteral("DBUS_SYSTEM_BUS_ADDRESS"), m_busAddress);

    QFile avahiConfig(m_dir.filePath(QStringLiteral("avahi-daemon.conf")));
    QVERIFY(avahiConfig.open(QIODevice::WriteOnly));
    avahiConfig.write("[server]\nhost-name=" + kAvahiHost.toUtf8() +
                      "\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=hlsa0\nenable-dbus=yes\n"
                      "ratelimit-interval-usec=1000000\nratelimit-burst=1000\n"
                      "[wide-area]\nenable-wide-area=no\n"
                      "[publish]\npublish-hinfo=no\npublish-workstation=no\n");
    avahiConfig.close();
    QVERIFY(startAvahi());
}

bool TestAvahi::startAvahi()
{
    // In a mount namespace of its own (ip netns exec makes one) with a fresh /run: its PID file
    // and socket never meet those of an avahi-daemon of the machine.
    m_avahi = std::make_unique<Child>();
    const QString script = QStringLiteral(
                               "mount -t tmpfs hlscam-test /run && exec avahi-daemon -f '%1' "
                               "--no-drop-root --no-chroot --no-rlimits")
                               .arg(m_dir.filePath(QStringLiteral("avahi-daemon.conf")));
    if (!m_avahi->start(QStringLiteral("ip"), inAvahiNamespace({QStringLiteral("sh"), QStringLiteral("-c"), script}),
                        m_env))
        return false;
    const bool up = m_avahi->waitFor(QStringLiteral("Server startup complete"), 20000).has_value();
    if (!up)
        qWarning("avahi-daemon: %s", m_avahi->log().constData());
    return up;
}

void TestAvahi::stopAvahi()
{
    if (m_avahi)
        m_avahi->stop();
    m_avahi.reset();
}

void TestAvahi::cleanupTestCase()
{
    stopAvahi();
    if (m_dbus)
        m_dbus->stop();
    if (m_netnsMade)
        run(QStringLiteral("ip"), {"netns", "del", m_namespace});  // the veth pair goes with it
}

QStringList TestAvahi::avahiBrowse(const QString &type)
{
    QByteArray out;
    // -t: what Avahi knows now, once resolved (bounded all the same); -k: types as they are, not
    // "Web Site".
    run(QStringLiteral("ip"), inAvahiNamespace({"avahi-browse", "-rpkt", type}), &out, m_env, 8000);
    QStringList lines;
    for (const QByteArray &line : out.split('\n'))
        if (line.startsWith("="))
            lines.append(QString::fromUtf8(line));
    return lines;
}

QString TestAvahi::resolvedLine(const QString &type, const QString &name)
{
    const QString field = u';' + browseEscaped(name) + u';' + type + u';';
    const QStringList lines = avahiBrowse(type);
    for (const QString &line : lines)
        if (line.contains(field))
            return line;
    return {};
}

QString TestAvahi::waitResolved(const QString &type, const QString &name, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    do {
        QString line = resolvedLine(type, name);
        if (!line.isEmpty())
            return line;
        QTest::qWait(200);
    } while (!deadline.hasExpired());
    return {};
}

std::optional<quint16> TestAvahi::startService(Child &service, QTemporaryDir &state, const QString &name, bool avahiEnd)
{
    QFile config(state.filePath(QStringLiteral("hlscam.conf")));
    if (!config.open(QIODevice::WriteOnly))
        return std::nullopt;
    config.write("[server]\nannounce = true\nannounce_name = " + name.toUtf8() + "\n");
    config.close();
    // HLSCAM_TEST_BINARY: another build (e.g. one without Avahi support, to see these fail).
    const QStringList command{qEnvironmentVariable("HLSCAM_TEST_BINARY", QStringLiteral(HLSCAM_BINARY)),
                              "serve",
                              "--config",
                              config.fileName(),
                              "--state-dir",
                              state.path(),
                              "--listen",
                              "0.0.0.0:0",
                              "--source",
                              "testpattern"};
    const bool started = avahiEnd ? service.start(QStringLiteral("ip"), inAvahiNamespace(command), m_env)
                                  : service.start(command.first(), command.mid(1), m_env);
    if (!started)
        return std::nullopt;
    const std::optional<QString> port = service.waitFor(QStringLiteral("listening on http://[^ ]+:(\\d+)/"), 20000);
    if (!port)
        return std::nullopt;
    return quint16(port->toUInt());
}

void TestAvahi::publishesThroughAvahi()
{
    LanBrowser builtin(DiscoveryBackend::Builtin);  // this end: our own querier, across the veth
    QSignalSpy removed(&builtin, &LanBrowser::serviceRemoved);
    QVERIFY2(!builtin.start(), "the built-in browser could not start");

    const QString name = QStringLiteral("hlscam avahi publish");
    QTemporaryDir state;
    Child service;
    const std::optional<quint16> port = startService(service, state, name, true);
    QVERIFY2(port, service.log().constData());
    QVERIFY2(service.log().contains("announcing through avahi-daemon (D-Bus): avahi-daemon runs on this host"),
             service.log().constData());
    QVERIFY2(service.waitFor(QStringLiteral("announcing \"%1\" on port %2 .* through avahi-daemon")
                                 .arg(QRegularExpression::escape(name))
                                 .arg(*port),
                             15000),
             service.log().constData());

    // Avahi's own client lists both types, with Avahi's host name and address, and our TXT.
    const QString line = waitResolved(QStringLiteral("_hlscam._tcp"), name);
    QVERIFY2(!line.isEmpty(), "avahi-browse does not list it");
    const QStringList f = line.split(u';');
    QCOMPARE(f.size(), 10);
    QCOMPARE(f.at(2), QStringLiteral("IPv4"));
    QCOMPARE(f.at(6), kAvahiHost + QStringLiteral(".local"));
    QCOMPARE(f.at(7), kAvahiAddress);
    QCOMPARE(f.at(8).toUInt(), uint(*port));
    for (const char *txt : {"\"txtvers=1\"", "\"path=/\"", "\"api=/api/v1\"", "\"tls=0\""})
        QVERIFY2(f.at(9).contains(QLatin1String(txt)), qPrintable(line));
    QVERIFY2(f.at(9).contains(QStringLiteral("\"version=%1\"").arg(QLatin1String(HLSCAM_VERSION))), qPrintable(line));
    QCOMPARE(waitResolved(QStringLiteral("_http._tcp"), name).split(u';').value(8).toUInt(), uint(*port));

    // The built-in querier at the other end of the link finds it too, and hears it leave.
    const auto found = [&] {
        return serviceNamed(builtin, name);
    };
    QTRY_COMPARE_WITH_TIMEOUT(found().port, *port, 15000);
    QCOMPARE(found().addresses.value(0), QHostAddress(kAvahiAddress));
    QCOMPARE(found().hostName, kAvahiHost + QStringLiteral(".local"));
    QCOMPARE(found().apiPath, QStringLiteral("/api/v1"));
    QCOMPARE(service.stop(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(removed.begin(), removed.end(),
                                         [&](const QList<QVariant> &a) { return a.at(0).toString() == name; }),
                             5000);
    // Avahi too (a goodbye's records live one more second in its cache, RFC 6762 §10.1).
    const QDeadlineTimer deadline(10000);
    while (!resolvedLine(QStringLiteral("_hlscam._tcp"), name).isEmpty() && !deadline.hasExpired())
        QTest::qWait(200);
    QCOMPARE(resolvedLine(QStringLiteral("_hlscam._tcp"), name), QString());
}

void TestAvahi::browsesThroughAvahi()
{
    LanBrowser browser;  // auto: Avahi is on the bus
    QSignalSpy removed(&browser, &LanBrowser::serviceRemoved);
    QVERIFY(!browser.start());
    QCOMPARE(browser.backend(), DiscoveryBackend::Avahi);

    const QString name = QStringLiteral("published by avahi-publish");
    Child publisher;
    QVERIFY(publisher.start(QStringLiteral("ip"),
                            inAvahiNamespace({"avahi-publish", "-s", name, "_hlscam._tcp", "8123", "path=/live",
                                              "api=/api/v1", "version=9.9", "tls=1"}),
                            m_env));
    const auto found = [&] {
        return serviceNamed(browser, name);
    };
    QTRY_COMPARE_WITH_TIMEOUT(found().port, quint16(8123), 15000);
    const DnsSdService s = found();
    QCOMPARE(s.hostName, kAvahiHost + QStringLiteral(".local"));
    QCOMPARE(s.addresses, QList<QHostAddress>{QHostAddress(kAvahiAddress)});
    QVERIFY(s.tls);
    QCOMPARE(s.path, QStringLiteral("/live"));
    QCOMPARE(s.apiPath, QStringLiteral("/api/v1"));
    QCOMPARE(s.version, QStringLiteral("9.9"));
    QCOMPARE(s.url(), QUrl(QStringLiteral("https://10.77.0.1:8123/live")));

    publisher.stop();
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(removed.begin(), removed.end(),
                                         [&](const QList<QVariant> &a) { return a.at(0).toString() == name; }),
                             10000);
    QCOMPARE(found().port, quint16(0));
}

void TestAvahi::takesAvahisNameOnCollision()
{
    const QString name = QStringLiteral("hlscam avahi twin");
    Child publisher;
    QVERIFY(publisher.start(QStringLiteral("ip"), inAvahiNamespace({"avahi-publish", "-s", name, "_hlscam._tcp", "9"}),
                            m_env));
    QVERIFY2(publisher.waitFor(QStringLiteral("Established under name"), 15000), publisher.log().constData());

    QTemporaryDir state;
    Child service;
    const std::optional<quint16> port = startService(service, state, name, true);
    QVERIFY2(port, service.log().constData());
    const QString renamed = name + QStringLiteral(" #2");
    QVERIFY2(
        service.waitFor(QStringLiteral("announcing \"%1\" on port").arg(QRegularExpression::escape(renamed)), 15000),
        service.log().constData());
    QVERIFY2(service.log().contains("the name \"" + name.toUtf8() + "\" is taken on the network; now \"" +
                                    renamed.toUtf8() + '"'),
             service.log().constData());
    const QString line = waitResolved(QStringLiteral("_hlscam._tcp"), renamed);
    QVERIFY2(!line.isEmpty(), "avahi-browse does not list it");
    QCOMPARE(line.split(u';').value(8).toUInt(), uint(*port));
    QCOMPARE(resolvedLine(QStringLiteral("_hlscam._tcp"), name).split(u';').value(8), QStringLiteral("9"));
    QCOMPARE(service.stop(), 0);
}

void TestAvahi::announcesAgainWhenAvahiRestarts()
{
    const QString name = QStringLiteral("hlscam avahi restart");
    QTemporaryDir state;
    Child service;
    const std::optional<quint16> port = startService(service, state, name, true);
    QVERIFY2(port, service.log().constData());
    const QString announced = QStringLiteral("announcing \"%1\" on port %2 .* through avahi-daemon")
                                  .arg(QRegularExpression::escape(name))
                                  .arg(*port);
    QVERIFY2(service.waitFor(announced, 15000), service.log().constData());

    stopAvahi();
    QVERIFY2(service.waitFor(QStringLiteral("avahi-daemon left the system bus"), 10000), service.log().constData());
    QVERIFY(startAvahi());
    // A second "announcing" line: the group was made again in the new daemon.
    QVERIFY2(service.waitFor(QStringLiteral("(%1(.|\\n)*){2}").arg(announced), 15000), service.log().constData());
    const QString line = waitResolved(QStringLiteral("_hlscam._tcp"), name);
    QVERIFY2(!line.isEmpty(), "avahi-browse does not list it");
    QCOMPARE(line.split(u';').value(8).toUInt(), uint(*port));
    QVERIFY(service.running());
    QCOMPARE(service.stop(), 0);
}

void TestAvahi::builtinWhereNoAvahiRuns()
{
    stopAvahi();  // the bus stays; nobody owns org.freedesktop.Avahi on it
    LanBrowser browser;
    QVERIFY(!browser.start());
    QCOMPARE(browser.backend(), DiscoveryBackend::Builtin);

    const QString name = QStringLiteral("hlscam builtin here");
    QTemporaryDir state;
    Child service;
    const std::optional<quint16> port = startService(service, state, name, false);  // this end
    QVERIFY2(port, service.log().constData());
    QVERIFY2(
        service.log().contains("announcing with the built-in responder on UDP 5353: no avahi-daemon on the system bus"),
        service.log().constData());
    QVERIFY2(
        service.waitFor(
            QStringLiteral("announcing \"%1\" on port %2 as").arg(QRegularExpression::escape(name)).arg(*port), 15000),
        service.log().constData());
    QTRY_COMPARE_WITH_TIMEOUT(serviceNamed(browser, name).port, *port, 15000);

    // Avahi, once back at the other end of the link, hears our responder.
    QVERIFY(startAvahi());
    const QString line = waitResolved(QStringLiteral("_hlscam._tcp"), name);
    QVERIFY2(!line.isEmpty(), "avahi-browse does not list it");
    const QStringList f = line.split(u';');
    QCOMPARE(f.value(7), kTestAddress);
    QCOMPARE(f.value(8).toUInt(), uint(*port));
    QVERIFY2(f.value(9).contains(QLatin1String("\"api=/api/v1\"")), qPrintable(line));
    QCOMPARE(service.stop(), 0);
}

QTEST_GUILESS_MAIN(TestAvahi)
#include "tst_avahi.moc"
