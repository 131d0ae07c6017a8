// RTP for H.264 (RFC 6184) and the RTCP around it: access units become packets a depacketizer
// puts back together exactly (single NAL, STAP-A with SPS and PPS before an IDR, FU-A under the
// payload budget, the marker on the last packet, sequence numbers without a gap); the sender
// report's layout; NACK, PLI and FIR read from a viewer's feedback; malformed RTCP refused.
#include "webrtc/Rtcp.h"
#include "webrtc/RtpH264.h"

#include <QtTest>

using namespace hlscam;

namespace {

QByteArray nal(int type, int size)
{
    QByteArray n(size, '\0');
    n[0] = char(0x60 | type);
    for (int i = 1; i < size; ++i)
        n[i] = char(i * 7 + type);
    return n;
}

// A minimal depacketizer: the NAL units the packets carry, in order.
QList<QByteArray> depacketize(const std::vector<QByteArray> &packets)
{
    QList<QByteArray> nals;
    QByteArray fragment;
    for (const QByteArray &p : packets) {
        const QByteArray payload = p.mid(rtp::kHeaderSize);
        const int type = quint8(payload[0]) & 0x1f;
        if (type == 24) {
            for (int pos = 1; pos + 2 <= payload.size();) {
                const int size = quint8(payload[pos]) << 8 | quint8(payload[pos + 1]);
                nals.append(payload.mid(pos + 2, size));
                pos += 2 + size;
            }
        } else if (type == 28) {
            if (quint8(payload[1]) & 0x80)
                fragment = QByteArray(1, char((quint8(payload[0]) & 0xe0) | (quint8(payload[1]) & 0x1f)));
            fragment += payload.mid(2);
            if (quint8(payload[1]) & 0x40)
                nals.append(fragment);
        } else {
            nals.append(payload);
        }
    }
    return nals;
}

}  // namespace

class TestRtp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void packetizes_data();
    void packetizes();
    void parameterSetsOnlyBeforeIdr();
    void senderReport();
    void feedback_data();
    void feedback();
    void malformedFeedback_data();
    void malformedFeedback();
};

void TestRtp::packetizes_data()
{
    QTest::addColumn<QList<int>>("types");
    QTest::addColumn<QList<int>>("sizes");
    QTest::addColumn<int>("packets");
    QTest::newRow("small P slice") << QList<int>{1} << QList<int>{500} << 1;
    QTest::newRow("exactly the budget") << QList<int>{1} << QList<int>{1200} << 1;
    QTest::newRow("one byte over: two FU-A") << QList<int>{1} << QList<int>{1201} << 2;
    QTest::newRow("IDR with AUD: STAP-A + 9 FU-A") << QList<int>{9, 5} << QList<int>{2, 10000} << 10;
    QTest::newRow("two slices") << QList<int>{1, 1} << QList<int>{3000, 100} << 4;
    QTest::newRow("in-band SPS/PPS and SEI") << QList<int>{7, 8, 6, 5} << QList<int>{20, 5, 700, 1500} << 4;
}

void TestRtp::packetizes()
{
    QFETCH(QList<int>, types);
    QFETCH(QList<int>, sizes);
    QFETCH(int, packets);
    QList<QByteArray> au;
    for (int i = 0; i < types.size(); ++i)
        au.append(nal(types[i], sizes[i]));
    QList<QByteArrayView> views(au.begin(), au.end());
    const QByteArray sps = nal(7, 12), pps = nal(8, 4);
    rtp::H264Packetizer packetizer(106, 0xdeadbeef, 65534);
    std::vector<QByteArray> out;
    packetizer.packetize(views, sps, pps, 123456, out);
    QCOMPARE(int(out.size()), packets);

    quint16 expected = 65534;
    for (size_t i = 0; i < out.size(); ++i) {
        rtp::Header h;
        QVERIFY(rtp::readHeader(out[i], h));
        QCOMPARE(h.sequence, expected++);  // wraps past 65535 without a gap
        QCOMPARE(h.timestamp, 123456u);
        QCOMPARE(h.ssrc, 0xdeadbeefu);
        QCOMPARE(h.payloadType, quint8(106));
        QCOMPARE(h.marker, i + 1 == out.size());
        QVERIFY(out[i].size() <= rtp::kHeaderSize + rtp::kDefaultMaxPayload);
    }
    QCOMPARE(packetizer.nextSequence(), expected);

    // What the viewer's depacketizer gets: the parameter sets first when an IDR comes (the
    // unit's own ones, else the given ones), AUD dropped, everything else byte for byte.
    QList<QByteArray> want;
    const bool idr = types.contains(5);
    if (idr) {
        want << (types.contains(7) ? au[types.indexOf(7)] : sps) << (types.contains(8) ? au[types.indexOf(8)] : pps);
    }
    for (int i = 0; i < types.size(); ++i)
        if (types[i] != 9 && types[i] != 7 && types[i] != 8)
            want << au[i];
    QCOMPARE(depacketize(out), want);
}

void TestRtp::parameterSetsOnlyBeforeIdr()
{
    rtp::H264Packetizer packetizer(96, 1, 0);
    std::vector<QByteArray> out;
    const QByteArray sps = nal(7, 10), pps = nal(8, 4), slice = nal(1, 50);
    packetizer.packetize({slice}, sps, pps, 0, out);
    QCOMPARE(int(out.size()), 1);
    QCOMPARE(out[0].mid(rtp::kHeaderSize), slice);
    out.clear();
    packetizer.packetize({sps, pps}, {}, {}, 0, out);  // parameter sets alone: nothing to send
    QVERIFY(out.empty());
}

void TestRtp::senderReport()
{
    rtcp::SenderInfo info{0x01020304, rtcp::ntpTime(1'700'000'000'500'000), 90000, 10, 12000};
    const QByteArray sr = rtcp::senderReport(info, "hlscam");
    QVERIFY(rtcp::looksLikeRtcp(sr));
    QCOMPARE(sr.left(8), QByteArray::fromHex("80c8000601020304"));
    QCOMPARE(sr.mid(8, 4), QByteArray::fromHex("e8fe6f80"));   // 1700000000 + 2208988800 seconds
    QCOMPARE(sr.mid(12, 4), QByteArray::fromHex("80000000"));  // half a second
    QCOMPARE(sr.mid(16, 12), QByteArray::fromHex("00015f900000000a00002ee0"));
    QCOMPARE(sr.mid(28), QByteArray::fromHex("81ca0004010203040106") + "hlscam" + QByteArray(4, '\0'));
    // A sender report is no feedback, and reads as none.
    const Result<rtcp::Feedback> fb = rtcp::parseFeedback(sr, 0x01020304);
    QVERIFY(fb.ok() && fb.value().nacked.isEmpty() && !fb.value().pictureLoss);
}

void TestRtp::feedback_data()
{
    QTest::addColumn<QByteArray>("compound");
    QTest::addColumn<QList<quint16>>("nacked");
    QTest::addColumn<bool>("pictureLoss");
    const quint32 us = 0xabcdef01, them = 7;
    const QByteArray rr = QByteArray::fromHex("81c90007") + QByteArray::fromHex("00000007") + QByteArray(24, '\0');
    QTest::newRow("one lost") << rr + rtcp::nack(them, us, {100}) << QList<quint16>{100} << false;
    QTest::newRow("a run and a wrap") << rtcp::nack(them, us, {65535, 0, 3, 200}) << QList<quint16>{65535, 0, 3, 200}
                                      << false;
    QTest::newRow("nack for another stream") << rtcp::nack(them, 99, {5}) << QList<quint16>{} << false;
    QTest::newRow("pli") << rr + rtcp::pli(them, us) << QList<quint16>{} << true;
    QTest::newRow("pli for another stream") << rtcp::pli(them, 99) << QList<quint16>{} << false;
    const QByteArray fir = QByteArray::fromHex("84ce0004") + QByteArray::fromHex("0000000700000000abcdef0101000000");
    QTest::newRow("fir") << fir << QList<quint16>{} << true;
    QTest::newRow("nack and pli") << rtcp::nack(them, us, {9, 10}) + rtcp::pli(them, us) << QList<quint16>{9, 10}
                                  << true;
}

void TestRtp::feedback()
{
    QFETCH(QByteArray, compound);
    QFETCH(QList<quint16>, nacked);
    QFETCH(bool, pictureLoss);
    const Result<rtcp::Feedback> fb = rtcp::parseFeedback(compound, 0xabcdef01);
    QVERIFY2(fb.ok(), qPrintable(fb.error().message));
    QCOMPARE(fb.value().nacked, nacked);
    QCOMPARE(fb.value().pictureLoss, pictureLoss);
}

void TestRtp::malformedFeedback_data()
{
    QTest::addColumn<QByteArray>("compound");
    QTest::addColumn<QString>("reason");
    QByteArray manyNacks = QByteArray::fromHex("81cd0042") + QByteArray::fromHex("00000007abcdef01");
    for (int i = 0; i < 64; ++i)
        manyNacks += QByteArray::fromHex("0001ffff");  // 17 each: 1088 in all
    QTest::newRow("cut header") << QByteArray::fromHex("81cd00") << "truncated";
    QTest::newRow("version 1") << QByteArray::fromHex("41cd0000") << "version";
    QTest::newRow("length past end") << QByteArray::fromHex("81cd0009abcdef01") << "past the end";
    QTest::newRow("feedback without SSRCs") << QByteArray::fromHex("81cd000100000007") << "without its SSRCs";
    QTest::newRow("too many nacks") << manyNacks << "more than 512";
    QTest::newRow("too long") << QByteArray(1600, '\x80') << "longer than";
}

void TestRtp::malformedFeedback()
{
    QFETCH(QByteArray, compound);
    QFETCH(QString, reason);
    const Result<rtcp::Feedback> fb = rtcp::parseFeedback(compound, 0xabcdef01);
    QVERIFY(!fb.ok());
    QVERIFY2(fb.error().message.contains(reason), qPrintable(fb.error().message));
}

QTEST_GUILESS_MAIN(TestRtp)
#include "tst_rtp.moc"
