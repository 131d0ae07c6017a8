// The real hlscam binary announcing itself with multicast DNS: a legacy unicast query (from an
// ephemeral port, as `dig` or a small resolver asks) to the mDNS group on the loopback gets the
// service's SRV port and TXT back; DnsSdBrowser finds the service and sees its goodbye; two
// services of the same name end with two names; and, when the test may make a network namespace
// of its own (root), dig from bind9-dnsutils asks the service directly on 127.0.0.1:5353 there.
#include "ServiceProcess.h"

#include "mdns/DnsMessage.h"
#include "mdns/DnsSdBrowser.h"
#include "mdns/DnsSdRecords.h"
#include "mdns/MdnsSocket.h"

#include <QNetworkDatagram>
#include <QNetworkInterface>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QUdpSocket>
#include <QtTest>

#include <sched.h>
#include <unistd.h>

using namespace hlscam;

namespace {

QString uniqueName(const char *what)
{
    return QStringLiteral("hlscam test %1 %2")
        .arg(QLatin1String(what))
        .arg(QRandomGenerator::global()->bounded(1000000));
}

QByteArray configFor(const QString &name)
{
    return "[server]\nannounce = true\nannounce_name = " + name.toUtf8() + "\n";
}

// Waits until the service's log says it announces under `name` (probing is over).
bool waitAnnounced(ServiceProcess &service, const QString &name, int timeoutMs = 10000)
{
    const QByteArray line = "announcing \"" + name.toUtf8() + "\"";
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (service.log().contains(line))
            return true;
        QTest::qWait(100);
    }
    return false;
}

QNetworkInterface loopback()
{
    for (const QNetworkInterface &i : QNetworkInterface::allInterfaces())
        if (i.flags() & QNetworkInterface::IsLoopBack)
            return i;
    return {};
}

// A legacy unicast query for `questions` sent to 224.0.0.251:5353 out of the loopback, from an
// ephemeral port; the responses that arrive within `waitMs`.
QList<dns::Message> legacyQuery(const dns::Message &query, int waitMs, QString *error)
{
    QUdpSocket socket;
    if (!socket.bind(QHostAddress::LocalHost, 0)) {
        *error = socket.errorString();
        return {};
    }
    socket.setMulticastInterface(loopback());
    if (socket.writeDatagram(dns::encode(query), MdnsSocket::group(QAbstractSocket::IPv4Protocol), kMdnsPort) < 0) {
        *error = socket.errorString();
        return {};
    }
    QList<dns::Message> replies;
    QDeadlineTimer deadline(waitMs);
    while (!deadline.hasExpired()) {
        socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
        while (socket.hasPendingDatagrams()) {
            const QNetworkDatagram d = socket.receiveDatagram();
            if (d.senderPort() != kMdnsPort)
                continue;
            if (const std::optional<dns::Message> m = dns::parse(d.data()))
                replies.append(*m);
        }
    }
    return replies;
}

const dns::Record *findRecord(const dns::Message &m, quint16 type, const dns::Name &name)
{
    for (const QList<dns::Record> *section : {&m.answers, &m.additionals})
        for (const dns::Record &r : *section)
            if (r.type == type && dns::sameName(r.name, name))
                return &r;
    return nullptr;
}

}  // namespace

class TestDnsSd : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void legacyUnicastQuery()
    {
        ServiceProcess service;
        const QString name = uniqueName("legacy");
        QVERIFY(service.start(service.configArgs(configFor(name))));
        QVERIFY2(waitAnnounced(service, name), service.log().constData());

        const dns::Name instance = dnssd::instanceName(name.toUtf8(), dnssd::hlscamType());
        dns::Message query;
        query.id = quint16(QRandomGenerator::global()->bounded(1, 65535));
        query.questions.append({dnssd::hlscamType(), dns::PTR, dns::kClassIn, false});
        query.questions.append({instance, dns::SRV, dns::kClassIn, false});
        QString error;
        const QList<dns::Message> replies = legacyQuery(query, 1500, &error);
        if (!error.isEmpty())
            QSKIP(qPrintable("cannot send multicast out of the loopback here: " + error));
        // Other responders on this machine (Avahi, another hlscam) may answer too: ours names `name`.
        const dns::Message *ours = nullptr;
        for (const dns::Message &m : replies)
            if (findRecord(m, dns::SRV, instance))
                ours = &m;
        if (!ours)  // QFAIL, not QVERIFY2: the analyzer then knows `ours` is set below
            QFAIL(qPrintable(QStringLiteral("%1 replies, none about %2").arg(replies.size()).arg(name)));
        QCOMPARE(ours->id, query.id);  // RFC 6762 §6.7: the ID and the question come back
        QCOMPARE(ours->questions.size(), 2);
        QVERIFY(dns::sameName(ours->questions[1].name, instance));
        QVERIFY(ours->flags & dns::kFlagResponse);

        const dns::Record *srv = findRecord(*ours, dns::SRV, instance);
        QCOMPARE(srv->port, service.port());
        QCOMPARE(srv->target.size(), 2);
        QCOMPARE(srv->target.last(), QByteArray("local"));
        const dns::Record *txt = findRecord(*ours, dns::TXT, instance);
        QVERIFY(txt);
        QCOMPARE(dns::txtValue(txt->txt, "path").value_or("?"), QByteArray("/"));
        QCOMPARE(dns::txtValue(txt->txt, "api").value_or("?"), QByteArray("/api/v1"));
        QCOMPARE(dns::txtValue(txt->txt, "tls").value_or("?"), QByteArray("0"));
        QCOMPARE(dns::txtValue(txt->txt, "version").value_or("?"), QByteArray(HLSCAM_VERSION));
        // Listening on 127.0.0.1 only: that is the one address announced.
        const dns::Record *a = findRecord(*ours, dns::A, srv->target);
        QVERIFY(a);
        QCOMPARE(a->address, QHostAddress(QHostAddress::LocalHost));
        for (const dns::Record &r : ours->answers + ours->additionals) {
            QVERIFY2(r.ttl <= 10, qPrintable(dns::toString(r.name)));  // legacy: short TTLs
            QVERIFY(!r.cacheFlush);
            QVERIFY(r.type != dns::AAAA);  // not listening on IPv6
        }
        QCOMPARE(service.stop(), 0);
    }

    // Garbage first: the responder drops it without a word and still answers afterwards.
    void survivesMalformedPackets()
    {
        ServiceProcess service;
        const QString name = uniqueName("garbage");
        QVERIFY(service.start(service.configArgs(configFor(name))));
        QVERIFY2(waitAnnounced(service, name), service.log().constData());
        QUdpSocket socket;
        QVERIFY(socket.bind(QHostAddress::LocalHost, 0));
        socket.setMulticastInterface(loopback());
        const QByteArray pointerLoop =
            QByteArray("\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\xC0\x0C\x00\x0C\x00\x01", 18);
        for (const QByteArray &junk : {QByteArray(), QByteArray(3, 'x'), pointerLoop, QByteArray(8000, '\xC0')})
            socket.writeDatagram(junk, MdnsSocket::group(QAbstractSocket::IPv4Protocol), kMdnsPort);
        dns::Message query;
        query.id = 4242;
        const dns::Name instance = dnssd::instanceName(name.toUtf8(), dnssd::hlscamType());
        query.questions.append({instance, dns::SRV, dns::kClassIn, false});
        QString error;
        const QList<dns::Message> replies = legacyQuery(query, 1500, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(std::any_of(replies.begin(), replies.end(),
                            [&](const dns::Message &m) { return findRecord(m, dns::SRV, instance); }));
        QCOMPARE(service.stop(), 0);
    }

    void browserFindsServiceAndGoodbye()
    {
        DnsSdBrowser browser;
        QSignalSpy found(&browser, &DnsSdBrowser::serviceFound);
        QSignalSpy removed(&browser, &DnsSdBrowser::serviceRemoved);
        const Error started = browser.start();
        QVERIFY2(!started, qPrintable(started.message));

        ServiceProcess service;
        const QString name = uniqueName("browse");
        QVERIFY(service.start(service.configArgs(configFor(name))));
        const auto ours = [&]() -> std::optional<DnsSdService> {
            for (const QList<QVariant> &args : std::as_const(found))
                if (args.at(0).value<DnsSdService>().instanceName == name)
                    return args.at(0).value<DnsSdService>();
            return std::nullopt;
        };
        // Its announcements, or the browser's queries (after 1, 2, 4 s), bring it in.
        QTRY_VERIFY_WITH_TIMEOUT(ours().has_value(), 10000);
        const DnsSdService s = *ours();
        QCOMPARE(s.port, service.port());
        QVERIFY(!s.tls);
        QCOMPARE(s.path, QStringLiteral("/"));
        QCOMPARE(s.apiPath, QStringLiteral("/api/v1"));
        QCOMPARE(s.version, QStringLiteral(HLSCAM_VERSION));
        QVERIFY(s.hostName.endsWith(QStringLiteral(".local")));
        QCOMPARE(s.addresses, QList<QHostAddress>{QHostAddress(QHostAddress::LocalHost)});
        QCOMPARE(s.url(), QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(service.port())));
        // The page really is there.
        QCOMPARE(service.get(s.url().path()).status, 401);

        if (!browser.hearsGoodbyes())
            QSKIP(
                "UDP port 5353 could not be shared here, so the browser queries from an ephemeral port "
                "and cannot hear goodbye packets");
        QCOMPARE(service.stop(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(removed.begin(), removed.end(),
                                             [&](const QList<QVariant> &a) { return a.at(0).toString() == name; }),
                                 3000);
        const QList<DnsSdService> left = browser.services();  // one list: begin and end of two copies never meet
        QVERIFY(std::none_of(left.begin(), left.end(), [&](const DnsSdService &x) { return x.instanceName == name; }));
    }

    // Two services with one name on one link: the second hears the first answer its probe and
    // takes "NAME (2)"; a browser lists both, each with its own port.
    void nameConflictRenames()
    {
        const QString name = uniqueName("twin");
        ServiceProcess first;
        QVERIFY(first.start(first.configArgs(configFor(name))));
        QVERIFY2(waitAnnounced(first, name), first.log().constData());
        ServiceProcess second;
        QVERIFY(second.start(second.configArgs(configFor(name))));
        const QString renamed = name + QStringLiteral(" (2)");
        QVERIFY2(waitAnnounced(second, renamed), second.log().constData());

        DnsSdBrowser browser;
        QVERIFY(!browser.start());
        const auto portOf = [&](const QString &instance) {
            const QList<DnsSdService> all = browser.services();
            for (const DnsSdService &s : all)
                if (s.instanceName == instance)
                    return s.port;
            return quint16(0);
        };
        QTRY_COMPARE_WITH_TIMEOUT(portOf(name), first.port(), 8000);
        QTRY_COMPARE_WITH_TIMEOUT(portOf(renamed), second.port(), 8000);
        QCOMPARE(second.stop(), 0);
        QCOMPARE(first.stop(), 0);
    }

    // Last: it moves this process into a network namespace of its own. There, nothing else holds
    // port 5353, so a plain unicast query to 127.0.0.1:5353 (what `dig -p 5353 @127.0.0.1` sends)
    // can only reach the service under test.
    void digInOwnNamespace()
    {
        const QString dig = QStandardPaths::findExecutable(QStringLiteral("dig"));
        if (dig.isEmpty())
            QSKIP("dig is not installed (Debian package bind9-dnsutils; scripts/setup installs it)");
        if (::geteuid() != 0)
            QSKIP(
                "a network namespace of its own needs root (CAP_SYS_ADMIN); without one a unicast "
                "query to 127.0.0.1:5353 may reach another responder sharing the port");
        if (::unshare(CLONE_NEWNET) != 0)
            QSKIP(qPrintable(QStringLiteral("unshare(CLONE_NEWNET) refused: %1").arg(qt_error_string(errno))));
        QCOMPARE(QProcess::execute(QStringLiteral("ip"), {"link", "set", "lo", "up"}), 0);

        ServiceProcess service;
        const QString name = uniqueName("dig");
        QVERIFY(service.start(service.configArgs(configFor(name))));
        QVERIFY2(waitAnnounced(service, name), service.log().constData());
        QProcess p;
        p.start(dig, {"+time=3", "+tries=2", "+norecurse", "-p", "5353", "@127.0.0.1", "_hlscam._tcp.local", "PTR"});
        QVERIFY(p.waitForFinished(15000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(out.contains(QStringLiteral("status: NOERROR")), qPrintable(out));
        // dig writes the spaces of the instance name as \032.
        const QString label = QString(name).replace(u' ', QStringLiteral("\\032"));
        QVERIFY2(out.contains(QStringLiteral("PTR\t%1._hlscam._tcp.local.").arg(label)), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("IN SRV 0 0 %1 ").arg(service.port())), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("\"path=/\" \"api=/api/v1\"")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("IN\tA\t127.0.0.1")), qPrintable(out));
        QCOMPARE(service.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TestDnsSd)
#include "tst_dnssd.moc"
