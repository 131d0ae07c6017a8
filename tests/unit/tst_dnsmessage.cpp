// The DNS wire format of multicast DNS (net/DnsMessage) and the responder's answer rules
// (net/DnsSdRecords): round trips, compressed names, hostile packets refused, and which records
// answer which query.
#include "mdns/DnsMessage.h"
#include "mdns/DnsSdRecords.h"
#include "mdns/LinkInterfaces.h"

#include <QtTest>

using namespace hlscam;

namespace {

QByteArray header(quint16 qd, quint16 an = 0, quint16 ns = 0, quint16 ar = 0, quint16 flags = 0)
{
    QByteArray h;
    for (const quint16 v : {quint16(0x1234), flags, qd, an, ns, ar})
        h += char(v >> 8), h += char(v & 0xFF);
    return h;
}

QByteArray u16(quint16 v) { return QByteArray(1, char(v >> 8)) + char(v & 0xFF); }

const QByteArray kTypeName = QByteArray("\x07_hlscam\x04_tcp\x05local\x00", 20);

dnssd::Service service()
{
    return {"hlscam on pi", "pi", 8080, false, {"txtvers=1", "path=/", "api=/api/v1", "tls=0"}};
}

dns::Message query(const dns::Name &name, quint16 type)
{
    dns::Message m;
    m.id = 77;
    m.questions.append({name, type, dns::kClassIn, false});
    return m;
}

bool has(const QList<dns::Record> &list, quint16 type, const dns::Name &name)
{
    return std::any_of(list.begin(), list.end(),
                       [&](const dns::Record &r) { return r.type == type && dns::sameName(r.name, name); });
}

}  // namespace

class TestDnsMessage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        const QList<dns::Record> records = dnssd::records(
            service(), {QHostAddress(QStringLiteral("192.168.1.20")), QHostAddress(QStringLiteral("fe80::1"))});
        dns::Message m;
        m.id = 9;
        m.flags = dns::kFlagResponse | dns::kFlagAuthoritative;
        m.questions.append({dnssd::hlscamType(), dns::PTR, dns::kClassIn, true});
        m.answers = records;
        dns::Record other;
        other.name = dnssd::hostName("pi");
        other.type = 47;  // NSEC: kept as bytes
        other.rdata = QByteArray("\x00\x01\x02", 3);
        m.additionals.append(other);
        const QByteArray wire = dns::encode(m);
        QVERIFY(!wire.isEmpty());
        const std::optional<dns::Message> back = dns::parse(wire);
        QVERIFY(back);
        QCOMPARE(back->id, m.id);
        QCOMPARE(back->flags, m.flags);
        QCOMPARE(back->questions.size(), 1);
        QVERIFY(back->questions[0].unicastResponse);
        QVERIFY(dns::sameName(back->questions[0].name, dnssd::hlscamType()));
        QCOMPARE(back->answers.size(), records.size());
        for (qsizetype i = 0; i < records.size(); ++i) {
            QVERIFY2(back->answers[i].sameRecord(records[i]), qPrintable(dns::toString(records[i].name)));
            QCOMPARE(back->answers[i].ttl, records[i].ttl);
            QCOMPARE(back->answers[i].cacheFlush, records[i].cacheFlush);
        }
        QCOMPARE(back->additionals.value(0).rdata, other.rdata);
        // Compressed: "_tcp.local" and the instance names are written once each.
        int uncompressed = 12;
        for (const dns::Record &r : records)
            uncompressed += int(dns::toString(r.name).size() + dns::toString(r.target).size()) + 20;
        QVERIFY2(wire.size() < uncompressed * 2 / 3, qPrintable(QString::number(wire.size())));
        QCOMPARE(dns::encode(*back), wire);  // and stable
    }

    void namesCompare()
    {
        QVERIFY(dns::sameName({"_HLSCAM", "_tcp", "LOCAL"}, dnssd::hlscamType()));
        QVERIFY(!dns::sameName({"_hlscam", "_udp", "local"}, dnssd::hlscamType()));
        // Dots and spaces inside a label are part of it, not separators.
        const dns::Name dotted{"cam.front door", "_hlscam", "_tcp", "local"};
        const std::optional<dns::Message> back = dns::parse(dns::encode(query(dotted, dns::SRV)));
        QVERIFY(back);
        QCOMPARE(back->questions[0].name.size(), 4);
        QCOMPARE(back->questions[0].name[0], QByteArray("cam.front door"));
    }

    // A pointer written by another implementation: the second question points into the first.
    void readsPointers()
    {
        const QByteArray packet = header(2) + kTypeName + u16(dns::PTR) + u16(1) + QByteArray("\x04pi-2") +
                                  QByteArray("\xC0\x14", 2) + u16(dns::A) + u16(1);
        const std::optional<dns::Message> m = dns::parse(packet);
        QVERIFY(m);
        QCOMPARE(dns::toString(m->questions[1].name), QStringLiteral("pi-2._tcp.local"));
    }

    void encodeRefusesBadNames()
    {
        QVERIFY(dns::encode(query({QByteArray(64, 'a'), "local"}, dns::A)).isEmpty());
        QVERIFY(dns::encode(query({QByteArray(), "local"}, dns::A)).isEmpty());
        dns::Name longName;
        for (int i = 0; i < 5; ++i)
            longName.append(QByteArray(60, 'x'));
        QVERIFY(dns::encode(query(longName, dns::A)).isEmpty());
        QVERIFY(!dns::encode(query({QByteArray(63, 'a'), "local"}, dns::A)).isEmpty());
    }

    void refusesMalformed_data()
    {
        QTest::addColumn<QByteArray>("packet");
        const QByteArray question = kTypeName + u16(dns::PTR) + u16(1);
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("short header") << header(0).left(11);
        QTest::newRow("more questions than there are") << header(2) + question;
        QTest::newRow("truncated name") << header(1) + kTypeName.left(10);
        QTest::newRow("truncated type") << header(1) + kTypeName + QByteArray(1, 0);
        QTest::newRow("trailing bytes") << header(1) + question + "x";
        QTest::newRow("pointer to itself") << header(1) + QByteArray("\xC0\x0C", 2) + u16(1) + u16(1);
        QTest::newRow("pointer forward") << header(1) + QByteArray("\xC0\x20", 2) + u16(1) + u16(1) + QByteArray(20, 0);
        // A label, then a pointer back to that label: a loop.
        QTest::newRow("pointer loop") << header(1) +
                                             QByteArray(
                                                 "\x01"
                                                 "a"
                                                 "\xC0\x0C",
                                                 4) +
                                             u16(1) + u16(1);
        QTest::newRow("pointer past the end") << header(1) + QByteArray("\xC0", 1);
        QTest::newRow("label type 0x40") << header(1) +
                                                QByteArray(
                                                    "\x41"
                                                    "a",
                                                    2) +
                                                QByteArray(1, 0) + u16(1) + u16(1);
        QTest::newRow("label type 0x80") << header(1) +
                                                QByteArray(
                                                    "\x81"
                                                    "a",
                                                    2) +
                                                QByteArray(1, 0) + u16(1) + u16(1);
        QByteArray longName;
        for (int i = 0; i < 5; ++i)
            longName += char(60) + QByteArray(60, 'x');
        QTest::newRow("name over 255 bytes") << header(1) + longName + QByteArray(1, 0) + u16(1) + u16(1);
        const QByteArray rr = kTypeName + u16(dns::A) + u16(1) + QByteArray("\x00\x00\x00\x78", 4);
        QTest::newRow("A of 5 bytes") << header(0, 1) + rr + u16(5) + QByteArray(5, 1);
        QTest::newRow("rdlength past the end") << header(0, 1) + rr + u16(4) + QByteArray(3, 1);
        const QByteArray txt = kTypeName + u16(dns::TXT) + u16(1) + QByteArray("\x00\x00\x00\x78", 4);
        QTest::newRow("TXT string past its record") << header(0, 1) + txt + u16(3) +
                                                           QByteArray(
                                                               "\x05"
                                                               "ab",
                                                               3);
        const QByteArray srv = kTypeName + u16(dns::SRV) + u16(1) + QByteArray("\x00\x00\x00\x78", 4);
        QTest::newRow("SRV shorter than its fields") << header(0, 1) + srv + u16(4) + QByteArray(4, 0);
        QTest::newRow("PTR name longer than rdlength") << header(0, 1) + kTypeName + u16(dns::PTR) + u16(1) +
                                                              QByteArray("\x00\x00\x00\x78", 4) + u16(2) +
                                                              QByteArray("\x02pi\x00", 4);
        QTest::newRow("over 9000 bytes") << header(0) + QByteArray(9000, 0);
    }

    void refusesMalformed()
    {
        QFETCH(QByteArray, packet);
        QVERIFY(!dns::parse(packet));
    }

    // Names that each add a label to the one before by a pointer: legal, but the work a name may
    // cost is bounded, so a chain of more than 64 pointers is refused.
    void boundsPointerChains_data()
    {
        QTest::addColumn<int>("questions");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("40 deep") << 40 << true;
        QTest::newRow("70 deep") << 70 << false;
    }

    void boundsPointerChains()
    {
        QFETCH(int, questions);
        QFETCH(bool, accepted);
        QByteArray packet = header(quint16(questions));
        int previous = int(packet.size());
        packet += QByteArray("\x05local\x00", 7) + u16(dns::A) + u16(1);
        for (int i = 1; i < questions; ++i) {
            const int here = int(packet.size());
            packet += QByteArray(
                          "\x01"
                          "b",
                          2) +
                      char(0xC0 | (previous >> 8)) + char(previous & 0xFF);
            packet += u16(dns::A) + u16(1);
            previous = here;
        }
        const std::optional<dns::Message> m = dns::parse(packet);
        QCOMPARE(bool(m), accepted);
        if (m)
            QCOMPARE(m->questions.last().name.size(), questions);
    }

    void txtValues()
    {
        const QList<QByteArray> txt{"path=/", "TLS=1", "flag", "empty="};
        QCOMPARE(dns::txtValue(txt, "tls").value_or("?"), QByteArray("1"));
        QCOMPARE(dns::txtValue(txt, "flag").value_or("?"), QByteArray());
        QCOMPARE(dns::txtValue(txt, "empty").value_or("?"), QByteArray());
        QVERIFY(!dns::txtValue(txt, "api"));
    }

    void answersPtrWithAdditionals()
    {
        const QList<dns::Record> ours = dnssd::records(service(), {QHostAddress(QStringLiteral("10.0.0.5"))});
        const dnssd::Reply reply = dnssd::answer(ours, query(dnssd::hlscamType(), dns::PTR));
        QCOMPARE(reply.answers.size(), 1);
        QCOMPARE(reply.answers[0].type, quint16(dns::PTR));
        QVERIFY(!reply.uniqueOnly());  // shared: answered after a random delay
        const dns::Name instance = dnssd::instanceName("hlscam on pi", dnssd::hlscamType());
        QVERIFY(has(reply.additionals, dns::SRV, instance));
        QVERIFY(has(reply.additionals, dns::TXT, instance));
        QVERIFY(has(reply.additionals, dns::A, dnssd::hostName("pi")));
        QVERIFY(!has(reply.additionals, dns::PTR, dnssd::webType(false)));
    }

    void answersOnlyItsNames_data()
    {
        QTest::addColumn<QStringList>("name");
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("answers");
        QTest::newRow("PTR") << QStringList{"_hlscam", "_tcp", "local"} << int(dns::PTR) << 1;
        QTest::newRow("PTR, other case") << QStringList{"_HLScam", "_TCP", "Local"} << int(dns::PTR) << 1;
        QTest::newRow("web type") << QStringList{"_http", "_tcp", "local"} << int(dns::PTR) << 1;
        QTest::newRow("https type not served") << QStringList{"_https", "_tcp", "local"} << int(dns::PTR) << 0;
        QTest::newRow("meta query") << QStringList{"_services", "_dns-sd", "_udp", "local"} << int(dns::PTR) << 2;
        QTest::newRow("SRV") << QStringList{"hlscam on pi", "_hlscam", "_tcp", "local"} << int(dns::SRV) << 1;
        QTest::newRow("ANY of the instance")
            << QStringList{"hlscam on pi", "_hlscam", "_tcp", "local"} << int(dns::ANY) << 2;
        QTest::newRow("A") << QStringList{"pi", "local"} << int(dns::A) << 1;
        QTest::newRow("AAAA, none") << QStringList{"pi", "local"} << int(dns::AAAA) << 0;
        QTest::newRow("another host") << QStringList{"nas", "local"} << int(dns::A) << 0;
        QTest::newRow("another service") << QStringList{"_ipp", "_tcp", "local"} << int(dns::PTR) << 0;
    }

    void answersOnlyItsNames()
    {
        QFETCH(QStringList, name);
        QFETCH(int, type);
        QFETCH(int, answers);
        dns::Name n;
        for (const QString &label : std::as_const(name))
            n.append(label.toUtf8());
        const QList<dns::Record> ours = dnssd::records(service(), {QHostAddress(QStringLiteral("10.0.0.5"))});
        QCOMPARE(dnssd::answer(ours, query(n, quint16(type))).answers.size(), answers);
    }

    void knownAnswerSuppression()
    {
        const QList<dns::Record> ours = dnssd::records(service(), {});
        dns::Message q = query(dnssd::hlscamType(), dns::PTR);
        dns::Record known = ours[1];
        QCOMPARE(known.type, quint16(dns::PTR));
        QVERIFY(dns::sameName(known.name, dnssd::hlscamType()));
        known.ttl = dnssd::kServiceTtl / 2 + 1;  // more than half left: suppressed
        q.answers = {known};
        QVERIFY(dnssd::answer(ours, q).isEmpty());
        q.answers[0].ttl = dnssd::kServiceTtl / 4;  // about to expire: answered
        QCOMPARE(dnssd::answer(ours, q).answers.size(), 1);
    }

    void legacyUnicastForm()
    {
        const QList<dns::Record> ours = dnssd::records(service(), {QHostAddress(QStringLiteral("10.0.0.5"))});
        const dns::Name instance = dnssd::instanceName("hlscam on pi", dnssd::hlscamType());
        const dns::Message q = query(instance, dns::SRV);
        const dns::Message legacy = dnssd::response(dnssd::answer(ours, q), &q);
        QCOMPARE(legacy.id, quint16(77));
        QCOMPARE(legacy.questions.size(), 1);
        QVERIFY(dns::sameName(legacy.questions[0].name, instance));
        QVERIFY(legacy.flags & dns::kFlagResponse);
        QCOMPARE(legacy.answers.size(), 1);
        QCOMPARE(legacy.answers[0].port, quint16(8080));
        for (const dns::Record &r : legacy.answers + legacy.additionals) {
            QVERIFY(r.ttl <= dnssd::kLegacyMaxTtl);
            QVERIFY(!r.cacheFlush);
        }
        const dns::Message multicast = dnssd::response(dnssd::answer(ours, q));
        QCOMPARE(multicast.id, quint16(0));
        QVERIFY(multicast.questions.isEmpty());
        QVERIFY(multicast.answers[0].cacheFlush);
        QCOMPARE(multicast.answers[0].ttl, dnssd::kHostTtl);
    }

    // RFC 6762 §11: only sources on one of the interfaces' subnets are answered.
    void onLinkSources_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<bool>("onLink");
        QTest::newRow("same /24") << "192.168.1.77" << true;
        QTest::newRow("the interface itself") << "192.168.1.10" << true;
        QTest::newRow("next /24") << "192.168.2.77" << false;
        QTest::newRow("far away") << "203.0.113.9" << false;
        QTest::newRow("IPv6 link-local") << "fe80::1234" << true;
        QTest::newRow("IPv6 in the /64") << "2001:db8:1:2::99" << true;
        QTest::newRow("IPv6 elsewhere") << "2001:db8:9::1" << false;
    }

    void onLinkSources()
    {
        QFETCH(QString, source);
        QFETCH(bool, onLink);
        QNetworkAddressEntry v4;
        v4.setIp(QHostAddress(QStringLiteral("192.168.1.10")));
        v4.setPrefixLength(24);
        QNetworkAddressEntry v6;
        v6.setIp(QHostAddress(QStringLiteral("2001:db8:1:2::10")));
        v6.setPrefixLength(64);
        const QList<LinkInterface> links{{QNetworkInterface(), {v4, v6}}};
        QCOMPARE(isOnLink(links, QHostAddress(source), 0), onLink);
        // Arrived on another interface: that interface's subnets count, not this one's.
        QVERIFY(!isOnLink(links, QHostAddress(QStringLiteral("192.168.1.77")), 99));
    }
};

QTEST_APPLESS_MAIN(TestDnsMessage)
#include "tst_dnsmessage.moc"
