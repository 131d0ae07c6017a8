// STUN for ICE-lite: RFC 5769's test vectors parse and verify, our requests and responses read
// back the same, and malformed messages are refused with a reason (never read past their end).
#include "webrtc/Stun.h"

#include <QtTest>

using namespace hlscam;

namespace {
// RFC 5769 2.1: a binding request with USERNAME "evtj:h6vY" and password VOkJxbRl1RmTxUk/WvJxBt.
const QByteArray kRfcRequest = QByteArray::fromHex(
    "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74002400046e0001ff80290008"
    "932ff9b151263b36000600096576746a3a68367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004"
    "e57a3bcf");
// RFC 5769 2.2: the IPv4 response, mapped address 192.0.2.1 port 32853.
const QByteArray kRfcResponse = QByteArray::fromHex(
    "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220002000080001a147e112a643000800142b91"
    "f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96");
const QByteArray kPassword = "VOkJxbRl1RmTxUk/WvJxBt";
}  // namespace

class TestStun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rfc5769Request();
    void rfc5769Response();
    void responseReadsBack_data();
    void responseReadsBack();
    void malformed_data();
    void malformed();
};

void TestStun::rfc5769Request()
{
    QVERIFY(stun::looksLikeStun(kRfcRequest));
    const Result<stun::Message> m = stun::parse(kRfcRequest);
    QVERIFY2(m.ok(), qPrintable(m.error().message));
    QCOMPARE(m.value().type, stun::kBindingRequest);
    QCOMPARE(m.value().username, QByteArray("evtj:h6vY"));
    QCOMPARE(m.value().priority, 0x6e0001ffu);
    QVERIFY(!m.value().controlling);  // ICE-CONTROLLED
    QVERIFY(stun::integrityMatches(kRfcRequest, m.value(), kPassword));
    QVERIFY(!stun::integrityMatches(kRfcRequest, m.value(), "VOkJxbRl1RmTxUk/WvJxBT"));
}

void TestStun::rfc5769Response()
{
    const Result<stun::Message> m = stun::parse(kRfcResponse);
    QVERIFY2(m.ok(), qPrintable(m.error().message));
    QCOMPARE(m.value().type, stun::kBindingSuccess);
    QCOMPARE(m.value().mappedAddress, QHostAddress("192.0.2.1"));
    QCOMPARE(m.value().mappedPort, quint16(32853));
    QVERIFY(stun::integrityMatches(kRfcResponse, m.value(), kPassword));
}

void TestStun::responseReadsBack_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("port");
    QTest::newRow("ipv4") << "127.0.0.1" << 50000;
    QTest::newRow("ipv6") << "2001:db8::1234:5678" << 1;
    QTest::newRow("ipv4 high port") << "203.0.113.9" << 65535;
}

void TestStun::responseReadsBack()
{
    QFETCH(QString, address);
    QFETCH(int, port);
    const QByteArray txid = "0123456789ab";
    const QByteArray request = stun::bindingRequest(txid, "ours:theirs", "server-password-0123456", true);
    const Result<stun::Message> req = stun::parse(request);
    QVERIFY2(req.ok(), qPrintable(req.error().message));
    QCOMPARE(req.value().username, QByteArray("ours:theirs"));
    QVERIFY(req.value().useCandidate && req.value().controlling);
    QVERIFY(stun::integrityMatches(request, req.value(), "server-password-0123456"));

    const QByteArray response = stun::bindingSuccess(req.value(), QHostAddress(address), quint16(port), "pw-of-ours");
    const Result<stun::Message> res = stun::parse(response);
    QVERIFY2(res.ok(), qPrintable(res.error().message));
    QCOMPARE(res.value().type, stun::kBindingSuccess);
    QCOMPARE(res.value().transactionId, txid);
    QCOMPARE(res.value().mappedAddress, QHostAddress(address));
    QCOMPARE(res.value().mappedPort, quint16(port));
    QVERIFY(res.value().fingerprintOffset > res.value().integrityOffset);
    QVERIFY(stun::integrityMatches(response, res.value(), "pw-of-ours"));
    QVERIFY(!stun::integrityMatches(response, res.value(), "pw-of-ourS"));
}

void TestStun::malformed_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QString>("reason");
    const QByteArray ok = kRfcRequest;
    QByteArray wrongLength = ok;
    wrongLength[3] = char(0x5c);
    QByteArray flipped = ok;
    flipped[30] = char(flipped[30] ^ 1);  // inside SOFTWARE: the FINGERPRINT no longer matches
    QByteArray pastEnd = ok.left(20) + QByteArray::fromHex("00060040") + QByteArray(8, 'a');
    pastEnd[3] = char(pastEnd.size() - 20);
    QByteArray afterFingerprint = ok + QByteArray::fromHex("0025 0000");
    afterFingerprint[3] = char(afterFingerprint.size() - 20);
    QByteArray integrityShort = ok.left(20) + QByteArray::fromHex("00080010") + QByteArray(16, 'x');
    integrityShort[3] = char(integrityShort.size() - 20);
    QByteArray emptyUser = ok.left(20) + QByteArray::fromHex("00060000");
    emptyUser[3] = char(emptyUser.size() - 20);
    QByteArray tooMany = ok.left(20);
    for (int i = 0; i < 40; ++i)
        tooMany += QByteArray::fromHex("00250000");
    tooMany[2] = char((tooMany.size() - 20) >> 8);
    tooMany[3] = char(tooMany.size() - 20);
    QByteArray huge = ok.left(20) + QByteArray::fromHex("80220500") + QByteArray(0x500, 's');
    huge[2] = char((huge.size() - 20) >> 8);
    huge[3] = char(huge.size() - 20);

    QTest::newRow("empty") << QByteArray() << "no STUN header";
    QTest::newRow("header only, cut") << ok.left(19) << "no STUN header";
    QTest::newRow("no cookie") << QByteArray(20, '\0') << "no STUN header";
    QTest::newRow("RTP") << QByteArray::fromHex("80600001000000000000000000") << "no STUN header";
    QTest::newRow("length mismatch") << wrongLength << "length does not match";
    QTest::newRow("truncated datagram") << ok.left(ok.size() - 4) << "length does not match";
    QTest::newRow("fingerprint mismatch") << flipped << "FINGERPRINT does not match";
    QTest::newRow("attribute past end") << pastEnd << "past the end";
    QTest::newRow("attribute after fingerprint") << afterFingerprint << "after FINGERPRINT";
    QTest::newRow("integrity of 16 bytes") << integrityShort << "not 20 bytes";
    QTest::newRow("empty username") << emptyUser << "USERNAME of 0 bytes";
    QTest::newRow("40 attributes") << tooMany << "too many attributes";
    QTest::newRow("1300 bytes") << huge << "longer than";
}

void TestStun::malformed()
{
    QFETCH(QByteArray, message);
    QFETCH(QString, reason);
    const Result<stun::Message> m = stun::parse(message);
    QVERIFY(!m.ok());
    QVERIFY2(m.error().message.contains(reason), qPrintable(m.error().message));
}

QTEST_GUILESS_MAIN(TestStun)
#include "tst_stun.moc"
