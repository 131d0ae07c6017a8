// The WHEP offer and answer: a browser's offer yields the H.264 format our SPS can be sent as,
// its ICE credentials and fingerprint; unusable offers are refused with a reason; the answer
// holds everything a browser needs to connect to an ICE-lite, DTLS-passive sender.
#include "webrtc/Sdp.h"

#include <QtTest>

using namespace hlscam;

namespace {

// The shape of Chromium's offer for a receive-only video transceiver (formats trimmed).
QByteArray chromeOffer(const QByteArray &extra = {}, const QByteArray &setup = "actpass")
{
    QByteArray o =
        "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
        "a=extmap-allow-mixed\r\na=msid-semantic: WMS\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109 127 125\r\n"
        "c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:Gx7W\r\na=ice-pwd:1q2w3e4r5t6y7u8i9o0pAbCd\r\n"
        "a=ice-options:trickle\r\n"
        "a=fingerprint:sha-256 "
        "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9\r\n"
        "a=setup:" +
        setup +
        "\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\na=rtcp-rsize\r\n"
        "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
        "a=rtpmap:102 H264/90000\r\na=rtcp-fb:102 nack pli\r\n"
        "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
        "a=rtpmap:103 rtx/90000\r\na=fmtp:103 apt=102\r\n"
        "a=rtpmap:104 H264/90000\r\na=fmtp:104 "
        "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f\r\n"
        "a=rtpmap:105 rtx/90000\r\na=fmtp:105 apt=104\r\n"
        "a=rtpmap:106 H264/90000\r\na=fmtp:106 "
        "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
        "a=rtpmap:107 rtx/90000\r\na=fmtp:107 apt=106\r\n"
        "a=rtpmap:108 H264/90000\r\na=fmtp:108 "
        "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f\r\n"
        "a=rtpmap:109 rtx/90000\r\na=fmtp:109 apt=108\r\n"
        "a=rtpmap:127 H264/90000\r\na=fmtp:127 "
        "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f\r\n"
        "a=rtpmap:125 rtx/90000\r\na=fmtp:125 apt=127\r\n";
    return o + extra;
}

const sdp::H264Profile kConstrainedBaseline{0x42, 0xc0, 0x1e};

}  // namespace

class TestSdp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void choosesTheFormat_data();
    void choosesTheFormat();
    void readsCredentials();
    void refuses_data();
    void refuses();
    void answer();
    void answerRejectsOtherSections();
    void fingerprintText();
};

void TestSdp::choosesTheFormat_data()
{
    QTest::addColumn<QByteArray>("profile");
    QTest::addColumn<int>("payloadType");
    QTest::newRow("constrained baseline: 42e01f") << QByteArray("42c01e") << 106;
    QTest::newRow("baseline: 42001f") << QByteArray("42001e") << 102;
    QTest::newRow("main: 4d001f") << QByteArray("4d0028") << 108;
    QTest::newRow("high: 64001f") << QByteArray("640028") << 127;
}

void TestSdp::choosesTheFormat()
{
    QFETCH(QByteArray, profile);
    QFETCH(int, payloadType);
    const uint v = profile.toUInt(nullptr, 16);
    const Result<sdp::Offer> offer = sdp::parseOffer(chromeOffer(), {quint8(v >> 16), quint8(v >> 8), quint8(v)});
    QVERIFY2(offer.ok(), qPrintable(offer.error().message));
    QCOMPARE(offer.value().payloadType, payloadType);
    QCOMPARE(offer.value().video, 0);
}

void TestSdp::readsCredentials()
{
    const Result<sdp::Offer> offer = sdp::parseOffer(chromeOffer(), kConstrainedBaseline);
    QVERIFY2(offer.ok(), qPrintable(offer.error().message));
    QCOMPARE(offer.value().iceUfrag, QByteArray("Gx7W"));
    QCOMPARE(offer.value().icePwd, QByteArray("1q2w3e4r5t6y7u8i9o0pAbCd"));
    QCOMPARE(offer.value().setup, QByteArray("actpass"));
    QCOMPARE(offer.value().media.first().mid, QByteArray("0"));
    QCOMPARE(offer.value().fingerprint.toHex(),
             QByteArray("0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"));
}

void TestSdp::refuses_data()
{
    QTest::addColumn<QByteArray>("offer");
    QTest::addColumn<QString>("reason");
    QByteArray noH264 = chromeOffer();
    noH264.replace("H264/90000", "H265/90000");
    QByteArray noMux = chromeOffer();
    noMux.replace("a=rtcp-mux\r\n", "");
    QByteArray noUfrag = chromeOffer();
    noUfrag.replace("a=ice-ufrag:Gx7W\r\n", "");
    QByteArray shortPwd = chromeOffer();
    shortPwd.replace("1q2w3e4r5t6y7u8i9o0pAbCd", "short");
    QByteArray crlfUfrag = chromeOffer();
    crlfUfrag.replace("a=ice-ufrag:Gx7W", "a=ice-ufrag:Gx7W stray");
    QByteArray badFingerprint = chromeOffer();
    badFingerprint.replace("0A:1B", "0A-1B");
    QByteArray sha1 = chromeOffer();
    sha1.replace("sha-256", "sha-1");
    QByteArray badMid = chromeOffer();
    badMid.replace("a=mid:0", "a=mid:0 1");
    QByteArray manyLines = chromeOffer();
    for (int i = 0; i < 500; ++i)
        manyLines += "a=x\r\n";
    QByteArray longLine = chromeOffer("a=" + QByteArray(1100, 'x') + "\r\n");

    QTest::newRow("no H.264") << noH264 << "no video section offers H.264";
    QTest::newRow("no rtcp-mux") << noMux << "rtcp-mux";
    QTest::newRow("no ufrag") << noUfrag << "ice-ufrag";
    QTest::newRow("short pwd") << shortPwd << "ice-pwd";
    QTest::newRow("ufrag with a space") << crlfUfrag << "ice-ufrag";
    QTest::newRow("setup passive") << chromeOffer({}, "passive") << "a=setup";
    QTest::newRow("malformed fingerprint") << badFingerprint << "fingerprint";
    QTest::newRow("sha-1 fingerprint") << sha1 << "sha-256";
    QTest::newRow("mid not a token") << badMid << "mid";
    QTest::newRow("too many lines") << manyLines << "lines";
    QTest::newRow("line too long") << longLine << "longer than 1024";
    QTest::newRow("too big") << QByteArray(20000, 'a') << "longer than 12288";
    QTest::newRow("not SDP") << QByteArray("hello\r\n") << "<type>=<value>";
    QTest::newRow("m= without formats") << QByteArray("v=0\r\nm=video 9\r\n") << "without a format";
    // Found by fuzz_sdp: a rejected section's m= line is echoed in the answer, so a CR inside it
    // would have split a line there.
    QTest::newRow("CR inside an m= line")
        << chromeOffer(QByteArray("m=audio 9 UDP/TLS/RTP/SAVPF\r 111\r\n")) << "not printable ASCII";
    QTest::newRow("rtpmap without type") << chromeOffer("a=rtpmap:abc H264/90000\r\n") << "payload type";
    QTest::newRow("nine sections") << chromeOffer(QByteArray("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n").repeated(8))
                                   << "media sections";
}

void TestSdp::refuses()
{
    QFETCH(QByteArray, offer);
    QFETCH(QString, reason);
    const Result<sdp::Offer> parsed = sdp::parseOffer(offer, kConstrainedBaseline);
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error().message.contains(reason), qPrintable(parsed.error().message));
}

void TestSdp::answer()
{
    const Result<sdp::Offer> offer = sdp::parseOffer(chromeOffer(), kConstrainedBaseline);
    QVERIFY(offer.ok());
    sdp::AnswerParameters ours;
    ours.iceUfrag = "ufrg";
    ours.icePwd = "passwordpasswordpassword";
    ours.fingerprint = QByteArray(32, '\xab');
    ours.candidates = {{QHostAddress("127.0.0.1"), 8189}, {QHostAddress("::1"), 8189}};
    ours.ssrc = 12345;
    ours.profile = kConstrainedBaseline;
    ours.streamId = "cam0";
    const QByteArray a = sdp::buildAnswer(offer.value(), ours);
    for (const char *line :
         {"a=ice-lite", "a=group:BUNDLE 0", "m=video 8189 UDP/TLS/RTP/SAVPF 106", "c=IN IP4 127.0.0.1", "a=mid:0",
          "a=ice-ufrag:ufrg", "a=ice-pwd:passwordpasswordpassword", "a=setup:passive", "a=sendonly", "a=rtcp-mux",
          "a=rtpmap:106 H264/90000", "a=rtcp-fb:106 nack", "a=rtcp-fb:106 nack pli", "a=rtcp-fb:106 ccm fir",
          "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42c01e",
          "a=ssrc:12345 cname:hlscam", "a=candidate:1 1 udp 2130706175 127.0.0.1 8189 typ host",
          "a=candidate:2 1 udp 2130705919 ::1 8189 typ host", "a=end-of-candidates"})
        QVERIFY2(a.contains(QByteArray(line) + "\r\n"), line);
    QVERIFY(a.contains("a=fingerprint:sha-256 AB:AB:AB:"));
    QVERIFY(a.startsWith("v=0\r\n"));
}

void TestSdp::answerRejectsOtherSections()
{
    const QByteArray audioFirst = chromeOffer();
    QByteArray offerText = audioFirst;
    offerText.replace("a=group:BUNDLE 0", "a=group:BUNDLE a 0");
    offerText.replace("m=video", "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\na=rtpmap:111 opus/48000/2\r\nm=video");
    const Result<sdp::Offer> offer = sdp::parseOffer(offerText, kConstrainedBaseline);
    QVERIFY2(offer.ok(), qPrintable(offer.error().message));
    QCOMPARE(offer.value().video, 1);
    sdp::AnswerParameters ours;
    ours.candidates = {{QHostAddress("127.0.0.1"), 9000}};
    const QByteArray a = sdp::buildAnswer(offer.value(), ours);
    QVERIFY(a.contains("m=audio 0 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:a\r\na=inactive\r\n"));
    QVERIFY(a.contains("a=group:BUNDLE 0\r\n"));
    QVERIFY(a.indexOf("m=audio") < a.indexOf("m=video"));  // sections in the offer's order
}

void TestSdp::fingerprintText()
{
    const QByteArray digest = QByteArray::fromHex("00ff10").leftJustified(32, '\x01');
    const QByteArray text = sdp::fingerprintText(digest);
    QVERIFY(text.startsWith("00:FF:10:01"));
    QCOMPARE(sdp::parseFingerprint(text), digest);
    QVERIFY(sdp::parseFingerprint(text.left(text.size() - 3)).isEmpty());
    QVERIFY(sdp::parseFingerprint(QByteArray(text).replace(':', ';')).isEmpty());
}

QTEST_GUILESS_MAIN(TestSdp)
#include "tst_sdp.moc"
