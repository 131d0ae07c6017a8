// Our fMP4 (CMAF) writer: H.264 bitstream helpers against known bytes (FFmpeg's own avcC for
// the same SPS), boxes parsed back, and a real libx264 stream packaged and read by ffprobe.
#include "capture/TestPatternSource.h"
#include "encode/EncoderChain.h"
#include "hls/CmafWriter.h"
#include "hls/Fmp4Packager.h"
#include "hls/H264Bitstream.h"

#include "FfProbe.h"

#include <QtEndian>
#include <QtTest>

using namespace hlscam;

namespace {

quint32 be32(const QByteArray &b, qsizetype at) { return qFromBigEndian<quint32>(b.constData() + at); }

// Box bodies by path ("moov/trak/tkhd"), the first of each; containers are walked into.
// NOLINTNEXTLINE(misc-no-recursion): boxes nest; each level is inside a smaller range of the data
void parseBoxes(const QByteArray &data, qsizetype from, qsizetype to, const QString &prefix,
                QMap<QString, QByteArray> &out, QStringList &order)
{
    static const QStringList containers = {"moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf"};
    while (from + 8 <= to) {
        const quint32 size = be32(data, from);
        const QString type = QString::fromLatin1(data.mid(from + 4, 4));
        QVERIFY2(size >= 8 && from + size <= to, qPrintable(prefix + type));
        const QString path = prefix + type;
        order << path;
        if (!out.contains(path))
            out.insert(path, data.mid(from + 8, size - 8));
        if (containers.contains(type))
            parseBoxes(data, from + 8, from + size, path + u'/', out, order);
        else if (type == QLatin1String("stsd"))  // full box header, entry count, then entries
            parseBoxes(data, from + 16, from + size, path + u'/', out, order);
        else if (type == QLatin1String("avc1"))  // 78 bytes of visual sample entry, then boxes
            parseBoxes(data, from + 8 + 78, from + size, path + u'/', out, order);
        from += size;
    }
    QCOMPARE(from, to);
}

struct Boxes {
    QMap<QString, QByteArray> body;
    QStringList order;
};

Boxes boxesOf(const QByteArray &data)
{
    Boxes b;
    parseBoxes(data, 0, data.size(), QString(), b.body, b.order);
    return b;
}

// FFmpeg 5.1's mp4 muxer wrote this avcC for a 320x180 High 4:4:4 libx264 stream.
const QByteArray kFfmpegSps = QByteArray::fromHex("67f4000c919681419f8dc044000003000400000300ca3c50aa80");
const QByteArray kFfmpegPps = QByteArray::fromHex("68ce0f1920");
const QByteArray kFfmpegAvcC =
    QByteArray::fromHex("01f4000cffe1001a67f4000c919681419f8dc044000003000400000300ca3c50aa8001000568ce0f1920fff8f800");

}  // namespace

class TestFmp4 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void splitsAnnexB_data();
    void splitsAnnexB();
    void decoderConfigurationMatchesFfmpeg();
    void readsBothExtradataForms();
    void rewritesPacketsWithFourByteLengths();
    void initSegmentParsesBack();
    void fragmentParsesBack();
    void libx264StreamPlaysInFfprobe();
    void stalledSourceStartsAGenerationNotALongSegment();
};

void TestFmp4::splitsAnnexB_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<QByteArray>>("nals");
    QTest::newRow("three-byte start codes")
        << QByteArray::fromHex("00000167aa000001688b")
        << QList<QByteArray>{QByteArray::fromHex("67aa"), QByteArray::fromHex("688b")};
    QTest::newRow("four-byte start codes")
        << QByteArray::fromHex("0000000165aabb0000000106cc")
        << QList<QByteArray>{QByteArray::fromHex("65aabb"), QByteArray::fromHex("06cc")};
    QTest::newRow("trailing zeros dropped")
        << QByteArray::fromHex("0000016501000000000141")
        << QList<QByteArray>{QByteArray::fromHex("6501"), QByteArray::fromHex("41")};
    QTest::newRow("no start code") << QByteArray::fromHex("6501020304") << QList<QByteArray>{};
    QTest::newRow("empty") << QByteArray() << QList<QByteArray>{};
}

void TestFmp4::splitsAnnexB()
{
    QFETCH(QByteArray, input);
    QFETCH(QList<QByteArray>, nals);
    QList<QByteArray> got;
    for (QByteArrayView v : h264::splitAnnexB(input))
        got << v.toByteArray();
    QCOMPARE(got, nals);
}

void TestFmp4::decoderConfigurationMatchesFfmpeg()
{
    h264::ParameterSets sets;
    sets.sps << kFfmpegSps;
    sets.pps << kFfmpegPps;
    QCOMPARE(h264::decoderConfiguration(sets).toHex(), kFfmpegAvcC.toHex());

    // Constrained Baseline (what libx264 ultrafast gives): no format extension.
    h264::ParameterSets baseline;
    baseline.sps << QByteArray::fromHex("6742c01eda02802dd80880000003008000001e478b1750");
    baseline.pps << QByteArray::fromHex("68ce0f2c80");
    const QByteArray avcC = h264::decoderConfiguration(baseline);
    QCOMPARE(avcC.left(6).toHex(), QByteArray("0142c01effe1"));
    QCOMPARE(avcC.size(), 6 + 2 + baseline.sps.first().size() + 1 + 2 + baseline.pps.first().size());

    h264::ParameterSets none;
    QVERIFY(h264::decoderConfiguration(none).isEmpty());
}

void TestFmp4::readsBothExtradataForms()
{
    const h264::ParameterSets fromAvcC = h264::readExtradata(kFfmpegAvcC);
    QCOMPARE(fromAvcC.nalLengthSize, 4);
    QCOMPARE(fromAvcC.sps, QList<QByteArray>{kFfmpegSps});
    QCOMPARE(fromAvcC.pps, QList<QByteArray>{kFfmpegPps});

    const QByteArray startCode = QByteArray::fromHex("00000001");
    const QByteArray annexB = startCode + kFfmpegSps + startCode + kFfmpegPps;
    const h264::ParameterSets fromAnnexB = h264::readExtradata(annexB);
    QCOMPARE(fromAnnexB.nalLengthSize, 0);
    QCOMPARE(fromAnnexB.sps, QList<QByteArray>{kFfmpegSps});
    QCOMPARE(fromAnnexB.pps, QList<QByteArray>{kFfmpegPps});

    QVERIFY(h264::readExtradata(kFfmpegAvcC.left(12)).isEmpty());  // truncated: nothing, no crash
    QVERIFY(h264::readExtradata(QByteArray()).isEmpty());
}

void TestFmp4::rewritesPacketsWithFourByteLengths()
{
    const QByteArray expected = QByteArray::fromHex("0000000265aa0000000141");
    QByteArray out;
    h264::appendLengthPrefixed(out, QByteArray::fromHex("0000000165aa00000141"), 0);
    QCOMPARE(out.toHex(), expected.toHex());
    out.clear();
    h264::appendLengthPrefixed(out, QByteArray::fromHex("000265aa000141"), 2);
    QCOMPARE(out.toHex(), expected.toHex());
    out.clear();
    h264::appendLengthPrefixed(out, expected, 4);
    QCOMPARE(out.toHex(), expected.toHex());
}

void TestFmp4::initSegmentParsesBack()
{
    CmafTrack track;
    track.width = 320;
    track.height = 180;
    track.avcConfiguration = kFfmpegAvcC;
    const QByteArray init = cmafInitSegment(track);
    const Boxes b = boxesOf(init);
    QCOMPARE(b.body["ftyp"].left(4), QByteArray("iso5"));
    for (const char *path :
         {"moov/mvhd", "moov/trak/tkhd", "moov/trak/mdia/mdhd", "moov/trak/mdia/hdlr", "moov/trak/mdia/minf/vmhd",
          "moov/trak/mdia/minf/dinf/dref", "moov/trak/mdia/minf/stbl/stts", "moov/trak/mdia/minf/stbl/stsc",
          "moov/trak/mdia/minf/stbl/stsz", "moov/trak/mdia/minf/stbl/stco", "moov/mvex/trex"})
        QVERIFY2(b.body.contains(QString::fromLatin1(path)), path);
    QVERIFY(!init.contains("mdat"));
    const QByteArray tkhd = b.body["moov/trak/tkhd"];
    QCOMPARE(be32(tkhd, 0) & 0xffffff, 3u);  // enabled, in movie
    QCOMPARE(be32(tkhd, 12), 1u);            // track ID
    QCOMPARE(be32(tkhd, 76), 320u << 16);
    QCOMPARE(be32(tkhd, 80), 180u << 16);
    QCOMPARE(be32(b.body["moov/trak/mdia/mdhd"], 12), 90000u);
    QCOMPARE(b.body["moov/trak/mdia/hdlr"].mid(8, 4), QByteArray("vide"));
    QCOMPARE(b.body["moov/trak/mdia/minf/stbl/stsd/avc1/avcC"], kFfmpegAvcC);
    const QByteArray avc1 = b.body["moov/trak/mdia/minf/stbl/stsd/avc1"];
    QCOMPARE(qFromBigEndian<quint16>(avc1.constData() + 24), quint16(320));
    QCOMPARE(qFromBigEndian<quint16>(avc1.constData() + 26), quint16(180));
    QCOMPARE(be32(b.body["moov/mvex/trex"], 4), 1u);  // trex for track 1
}

void TestFmp4::fragmentParsesBack()
{
    const QByteArray payload = QByteArray(100, 'a') + QByteArray(30, 'b') + QByteArray(7, 'c');
    const std::vector<CmafSample> samples = {{3600, 100, true}, {3600, 30, false}, {3601, 7, false}};
    const QByteArray fragment = cmafFragment(7, 123456789012ull, samples, payload);
    const Boxes b = boxesOf(fragment);
    QCOMPARE(b.order, (QStringList{"moof", "moof/mfhd", "moof/traf", "moof/traf/tfhd", "moof/traf/tfdt",
                                   "moof/traf/trun", "mdat"}));
    QCOMPARE(be32(b.body["moof/mfhd"], 4), 7u);
    const QByteArray tfhd = b.body["moof/traf/tfhd"];
    QCOMPARE(be32(tfhd, 0), 0x020000u);  // default-base-is-moof
    QCOMPARE(be32(tfhd, 4), 1u);
    const QByteArray tfdt = b.body["moof/traf/tfdt"];
    QCOMPARE(quint8(tfdt[0]), quint8(1));  // 64-bit decode time
    QCOMPARE(qFromBigEndian<quint64>(tfdt.constData() + 4), 123456789012ull);
    const QByteArray trun = b.body["moof/traf/trun"];
    QCOMPARE(be32(trun, 4), 3u);
    const quint32 dataOffset = be32(trun, 8);
    QCOMPARE(fragment.mid(dataOffset), payload);  // the offset counts from the moof's first byte
    const quint32 expected[3][3] = {{3600, 100, 0x02000000}, {3600, 30, 0x01010000}, {3601, 7, 0x01010000}};
    for (int i = 0; i < 3; ++i)
        for (int f = 0; f < 3; ++f)
            QCOMPARE(be32(trun, 12 + i * 12 + f * 4), expected[i][f]);
}

void TestFmp4::libx264StreamPlaysInFfprobe()
{
    constexpr int kFrames = 75;  // 3 s at 25 fps: three 1 s segments of 200 ms parts
    EncoderOptions options;
    options.width = 320;
    options.height = 180;
    EncoderChoice choice = openEncoder(QStringLiteral("libx264"), nullptr, options);
    QVERIFY2(choice.encoder, qPrintable(choice.error.message));
    TestPatternSource source(320, 180, 1000);  // 1000 fps: no real-time wait
    QVERIFY(!source.open().failed());

    SegmentStore store(100, 10);
    Fmp4Packager packager(store, {});
    std::vector<EncodedPacket> packets;
    QList<int> sampleSizes;
    for (int i = 0; i < kFrames; ++i) {
        Capture capture;
        QCOMPARE(source.read(capture), ReadStatus::Ok);
        capture.monoUs = 1'000'000 + i * 40'000;  // the media clock, exactly 25 fps
        packets.clear();
        QVERIFY(!choice.encoder->push(capture, i % 25 == 0, packets).failed());
        for (const EncodedPacket &p : packets) {
            QCOMPARE(p.key, i % 25 == 0);
            QVERIFY(!packager.write(p, choice.encoder->parameters()).failed());
            QByteArray sample;
            h264::appendLengthPrefixed(sample, p.data, 0);
            sampleSizes << int(sample.size());
        }
    }
    packager.finish();
    QCOMPARE(sampleSizes.size(), kFrames);

    const StoreSnapshot snapshot = store.snapshot();
    QCOMPARE(snapshot.segments.size(), 3);
    const std::optional<QByteArray> init = store.init(snapshot.segments.first().generation);
    QVERIFY(init);
    QByteArray all = *init;
    for (const Segment &s : snapshot.segments) {
        QVERIFY(s.complete);
        QCOMPARE(s.parts.size(), 5);
        QVERIFY(s.parts.first().independent);
        QByteArray joined;
        for (const Part &p : s.parts) {
            QCOMPARE(p.durationUs, 200000);
            joined += p.data;
        }
        QCOMPARE(joined, s.data);  // parts joined are the segment, byte for byte
        QCOMPARE(s.durationUs, 1000000);
        all += s.data;
    }

    const FfProbe probe =
        ffprobeData(all, QStringLiteral("stream.mp4"),
                    QStringLiteral("stream=codec_name,width,height,nb_read_frames:packet=pts,dts,duration,size,flags"),
                    CountFrames::Yes);
    QVERIFY2(probe.ok(), qPrintable(probe.error));
    const QJsonObject &stream = probe.stream;
    QCOMPARE(codecAndSize(stream), QStringLiteral("h264 320x180"));
    QCOMPARE(stream["nb_read_frames"].toString().toInt(), kFrames);  // every frame decodes
    const QJsonArray &packetsRead = probe.packets;
    QCOMPARE(packetsRead.size(), kFrames);
    for (int i = 0; i < kFrames; ++i) {
        const QJsonObject p = packetsRead[i].toObject();
        QCOMPARE(p["size"].toString().toInt(), sampleSizes[i]);
        QCOMPARE(p["dts"].toInt(), i * 3600);  // 40 ms at 90 kHz: no gap between fragments
        QCOMPARE(p["duration"].toInt(), 3600);
        QCOMPARE(p["flags"].toString().startsWith(u'K'), i % 25 == 0);
    }
}

// A source that stalls for 16 s (a frozen board, a camera that hiccupped): no segment gets
// longer than a segment plus a frame, and the pictures after the stall start a new generation
// behind a discontinuity (the pipeline asks for a key frame there: a segment's time has passed).
void TestFmp4::stalledSourceStartsAGenerationNotALongSegment()
{
    EncoderOptions options;
    options.width = 320;
    options.height = 180;
    EncoderChoice choice = openEncoder(QStringLiteral("libx264"), nullptr, options);
    QVERIFY2(choice.encoder, qPrintable(choice.error.message));
    TestPatternSource source(320, 180, 1000);
    QVERIFY(!source.open().failed());

    SegmentStore store(100, 20);
    Fmp4Packager packager(store, {});
    std::vector<EncodedPacket> packets;
    constexpr qint64 kStallUs = 16'000'000;
    for (int i = 0; i < 60; ++i) {
        Capture capture;
        QCOMPARE(source.read(capture), ReadStatus::Ok);
        const bool afterStall = i >= 30;
        capture.monoUs = 1'000'000 + i * 40'000 + (afterStall ? kStallUs : 0);
        packets.clear();
        // Key frames a second apart on the capture clock, as the pipeline forces them.
        const bool key = afterStall ? (i - 30) % 25 == 0 : i % 25 == 0;
        QVERIFY(!choice.encoder->push(capture, key, packets).failed());
        for (const EncodedPacket &p : packets)
            QVERIFY(!packager.write(p, choice.encoder->parameters()).failed());
    }
    packager.finish();

    const StoreSnapshot snapshot = store.snapshot();
    qint64 totalUs = 0;
    int discontinuities = 0;
    for (const Segment &s : snapshot.segments) {
        QVERIFY2(s.durationUs <= 1'040'000, qPrintable(QStringLiteral("a segment of %1 us").arg(s.durationUs)));
        totalUs += s.durationUs;
        discontinuities += s.discontinuity ? 1 : 0;
    }
    QCOMPARE(totalUs, 60 * 40'000);  // every picture its 40 ms, the stall none
    QCOMPARE(discontinuities, 1);
    QVERIFY(snapshot.segments.first().generation != snapshot.segments.last().generation);
}

QTEST_GUILESS_MAIN(TestFmp4)
#include "tst_fmp4.moc"
