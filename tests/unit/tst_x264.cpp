// libx264 called directly: SPS/PPS out of band, one packet per picture, IDR frames exactly where
// asked, capture clocks carried through, the bitrate kept, and a stream ffprobe decodes.
#include "capture/TestPatternSource.h"
#include "encode/X264Encoder.h"
#include "hls/H264Bitstream.h"

#include "FfProbe.h"

#include <QtTest>

using namespace hlscam;

class TestX264 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void parameterSetsInInitAndKeyFrames();
    void keyFramesExactlyWhereAsked();
    void keepsTheBitrate();
    void refusesWhatItCannotEncode();
    void ffprobeDecodesTheStream();

private:
    // Encodes `frames` pattern pictures at 25 fps, forcing IDR frames at `keys`.
    std::vector<EncodedPacket> encode(X264Encoder &encoder, int frames, const QList<int> &keys);

    EncoderOptions m_options;
    std::unique_ptr<TestPatternSource> m_source;
};

void TestX264::initTestCase()
{
    m_options.width = 320;
    m_options.height = 180;
    m_options.bitrateKbps = 400;
    m_source = std::make_unique<TestPatternSource>(320, 180, 1000);  // 1000 fps: no waiting
    QVERIFY(!m_source->open().failed());
}

std::vector<EncodedPacket> TestX264::encode(X264Encoder &encoder, int frames, const QList<int> &keys)
{
    std::vector<EncodedPacket> out;
    for (int i = 0; i < frames; ++i) {
        Capture capture;
        if (m_source->read(capture) != ReadStatus::Ok)
            return {};
        capture.monoUs = 5'000'000 + i * 40'000;
        capture.wallUs = 1'700'000'000'000'000 + qint64(i) * 40'000 + 7;
        const size_t before = out.size();
        if (encoder.push(capture, keys.contains(i), out).failed() || out.size() != before + 1)
            return {};  // zerolatency: exactly one packet per picture, at once
    }
    return out;
}

void TestX264::parameterSetsInInitAndKeyFrames()
{
    Result<std::unique_ptr<X264Encoder>> opened = X264Encoder::open(m_options);
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    X264Encoder *encoder = opened.value().get();
    QCOMPARE(encoder->name(), QStringLiteral("libx264"));
    const H264Parameters &p = encoder->parameters();
    QCOMPARE(p.width, 320);
    QCOMPARE(p.height, 180);
    const h264::ParameterSets sets = h264::readExtradata(p.extradata);
    QCOMPARE(sets.sps.size(), 1);
    QCOMPARE(sets.pps.size(), 1);
    QCOMPARE(sets.nalLengthSize, 0);  // Annex B
    QVERIFY(!h264::decoderConfiguration(sets).isEmpty());
    // ...and the same sets again in each key frame (players built on FFmpeg follow a restarted
    // camera only through them), none in the other frames.
    const std::vector<EncodedPacket> packets = encode(*encoder, 2, {0});
    QCOMPARE(packets.size(), size_t(2));
    const h264::ParameterSets inBand = h264::parameterSetsInBand(packets[0].data);
    QCOMPARE(inBand.sps, sets.sps);
    QCOMPARE(inBand.pps, sets.pps);
    QVERIFY(h264::parameterSetsInBand(packets[1].data).isEmpty());
}

void TestX264::keyFramesExactlyWhereAsked()
{
    EncoderOptions options = m_options;
    options.gopFrames = 25;
    Result<std::unique_ptr<X264Encoder>> opened = X264Encoder::open(options);
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    X264Encoder *encoder = opened.value().get();
    const std::vector<EncodedPacket> packets = encode(*encoder, 40, {0, 10, 35});
    QCOMPARE(packets.size(), size_t(40));
    QList<int> keys;
    for (int i = 0; i < 40; ++i) {
        QCOMPARE(packets[size_t(i)].monoUs, 5'000'000 + i * 40'000);
        QCOMPARE(packets[size_t(i)].wallUs, 1'700'000'000'000'000 + qint64(i) * 40'000 + 7);
        if (packets[size_t(i)].key) {
            keys << i;
            bool idr = false;
            for (QByteArrayView nal : h264::splitAnnexB(packets[size_t(i)].data))
                idr = idr || h264::nalType(nal) == h264::kNalIdr;
            QVERIFY2(idr, qPrintable(QString::number(i)));
        }
    }
    QCOMPARE(keys, (QList<int>{0, 10, 35}));  // no scene cut, no early GOP end
}

void TestX264::keepsTheBitrate()
{
    Result<std::unique_ptr<X264Encoder>> opened = X264Encoder::open(m_options);
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    X264Encoder *encoder = opened.value().get();
    const std::vector<EncodedPacket> packets = encode(*encoder, 100, {0, 25, 50, 75});
    QCOMPARE(packets.size(), size_t(100));
    qint64 bytes = 0;
    for (const EncodedPacket &p : packets)
        bytes += p.data.size();
    const double kbps = double(bytes) * 8.0 / 4.0 / 1000.0;  // 4 s
    qInfo("400 kb/s asked, %.0f kb/s given", kbps);
    QVERIFY2(kbps > 100 && kbps < 600, qPrintable(QString::number(kbps)));
}

void TestX264::refusesWhatItCannotEncode()
{
    Result<std::unique_ptr<X264Encoder>> opened = X264Encoder::open(m_options);
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    X264Encoder *encoder = opened.value().get();
    std::vector<EncodedPacket> out;
    Capture wrongSize;
    wrongSize.picture = Picture::allocate(640, 360);
    const Error wrong = encoder->push(wrongSize, false, out);
    QCOMPARE(wrong.fault, Fault::Encoder);
    QVERIFY(wrong.message.contains(QLatin1String("640x360, not 320x180")));
    Capture h264;
    h264.h264 = QByteArray::fromHex("0000000165");
    QVERIFY(encoder->push(h264, false, out).message.contains(QLatin1String("not a picture")));
    QVERIFY(out.empty());

    EncoderOptions odd = m_options;
    odd.width = 0;
    const Result<std::unique_ptr<X264Encoder>> refused = X264Encoder::open(odd);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().fault, Fault::Encoder);
    QVERIFY2(refused.error().message.contains(QLatin1String("cannot encode")), qPrintable(refused.error().message));
}

void TestX264::ffprobeDecodesTheStream()
{
    Result<std::unique_ptr<X264Encoder>> opened = X264Encoder::open(m_options);
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    X264Encoder *encoder = opened.value().get();
    const std::vector<EncodedPacket> packets = encode(*encoder, 50, {0, 25});
    QCOMPARE(packets.size(), size_t(50));
    QByteArray stream = encoder->parameters().extradata;
    for (const EncodedPacket &p : packets)
        stream += p.data;
    const FfProbe probe =
        ffprobeData(stream, QStringLiteral("stream.h264"),
                    QStringLiteral("stream=codec_name,width,height,pix_fmt,nb_read_frames"), CountFrames::Yes);
    QVERIFY2(probe.ok(), qPrintable(probe.error));
    const QJsonObject &s = probe.stream;
    QCOMPARE(codecAndSize(s), QStringLiteral("h264 320x180"));
    QCOMPARE(s["pix_fmt"].toString(), QStringLiteral("yuv420p"));
    QCOMPARE(s["nb_read_frames"].toString().toInt(), 50);
}

QTEST_GUILESS_MAIN(TestX264)
#include "tst_x264.moc"
