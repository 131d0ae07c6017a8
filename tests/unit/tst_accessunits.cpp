// The Annex B access-unit splitter a camera's command (rpicam, exec:) is read through: hand-made
// NAL sequences cut by the standard's rules, fed whole and in pieces of every size; streams that
// are not H.264 fail with a clear error and bounded memory; and real libx264 streams (several
// slices per picture, interlaced, 4:4:4) cut the way FFmpeg's own parser cuts them, with the
// picture size read from their SPS.
#include "capture/AccessUnitSplitter.h"
#include "hls/H264Bitstream.h"

#include "FfProbe.h"

#include <QProcess>
#include <QtTest>

using namespace hlscam;

namespace {

// Exp-Golomb codes written MSB first: the start of a slice header.
class BitWriter {
public:
    void bit(bool b)
    {
        m_acc = quint8(m_acc << 1 | (b ? 1 : 0));
        if (++m_bits == 8)
            flushByte();
    }
    void ue(quint32 v)
    {
        const quint32 x = v + 1;
        int len = 0;
        while ((x >> len) > 1)
            ++len;
        for (int i = 0; i < len; ++i)
            bit(false);
        for (int i = len; i >= 0; --i)
            bit((x >> i) & 1);
    }
    QByteArray finish()
    {
        bit(true);  // rbsp_stop_one_bit
        while (m_bits != 0)
            bit(false);
        return m_out;
    }

private:
    void flushByte()
    {
        m_out.append(char(m_acc));
        m_acc = 0;
        m_bits = 0;
    }
    QByteArray m_out;
    quint8 m_acc = 0;
    int m_bits = 0;
};

QByteArray slice(quint8 header, quint32 firstMb, quint32 sliceType)
{
    BitWriter w;
    w.ue(firstMb);
    w.ue(sliceType);
    w.ue(0);  // pic_parameter_set_id
    return char(header) + w.finish() + QByteArray("\x88\x84", 2);
}

// "sps", "idr0" (IDR slice, first_mb_in_slice 0), "p1" (P slice starting at macroblock 1), ...
QByteArray nal(const QString &token)
{
    static const QHash<QString, QByteArray> fixed = {{"aud", QByteArray("\x09\xf0", 2)},
                                                     {"sps", QByteArray("\x67\x42\xc0\x1e\xda", 5)},
                                                     {"pps", QByteArray("\x68\xce\x3c\x80", 4)},
                                                     {"sei", QByteArray("\x06\x05\x01\x42\x80", 5)},
                                                     {"eos", QByteArray("\x0b", 1)}};
    if (fixed.contains(token))
        return fixed.value(token);
    const quint32 firstMb = token.back().digitValue();
    if (token.startsWith(QLatin1String("idr")))
        return slice(0x65, firstMb, 7);  // I, all slices of the picture alike
    if (token.startsWith(u'p'))
        return slice(0x41, firstMb, 5);
    if (token.startsWith(u'b'))
        return slice(0x01, firstMb, 6);
    qFatal("unknown token %s", qPrintable(token));
}

QByteArray stream(const QString &spec, int startCodeBytes, int trailingZeros)
{
    QByteArray out;
    for (const QString &token : spec.split(u' ', Qt::SkipEmptyParts)) {
        out += QByteArray(startCodeBytes - 1, '\0') + '\x01' + nal(token);
        out += QByteArray(trailingZeros, '\0');
    }
    return out;
}

// "K:sps pps idr0" -> the access unit the splitter should give (key, B-frame flags, bytes).
AnnexBAccessUnit expectedUnit(QString spec)
{
    AnnexBAccessUnit unit;
    while (spec.size() > 1 && spec[1] == u':') {
        unit.key = unit.key || spec[0] == u'K';
        unit.bidirectional = unit.bidirectional || spec[0] == u'B';
        spec = spec.mid(2);
    }
    unit.data = stream(spec, 4, 0);
    return unit;
}

QString show(const AnnexBAccessUnit &u)
{
    return QStringLiteral("%1%2%3").arg(u.key ? "K:" : "", u.bidirectional ? "B:" : "", u.data.toHex(' '));
}

QByteArray x264Stream(const QString &size, const QStringList &extra, int frames)
{
    QProcess ffmpeg;
    QStringList args{"-hide_banner",
                     "-loglevel",
                     "error",
                     "-f",
                     "lavfi",
                     "-i",
                     "testsrc=size=" + size + ":rate=25",
                     "-frames:v",
                     QString::number(frames),
                     "-c:v",
                     "libx264",
                     "-preset",
                     "ultrafast"};
    args += extra;
    if (!extra.contains(QStringLiteral("-pix_fmt")))
        args += {"-pix_fmt", "yuv420p"};  // testsrc is RGB: x264 would pick 4:4:4
    args += {"-f", "h264", "-"};
    ffmpeg.start(QStringLiteral("ffmpeg"), args);
    if (!ffmpeg.waitForFinished(60000) || ffmpeg.exitCode() != 0) {
        qWarning("ffmpeg failed: %s", ffmpeg.readAllStandardError().constData());
        return {};
    }
    return ffmpeg.readAllStandardOutput();
}

}  // namespace

class TestAccessUnits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void splits_data();
    void splits();
    void failsOnWhatIsNotH264_data();
    void failsOnWhatIsNotH264();
    void realStreams_data();
    void realStreams();
};

void TestAccessUnits::splits_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("startCodeBytes");
    QTest::addColumn<int>("trailingZeros");
    QTest::addColumn<QStringList>("units");  // the last one comes out only at finish()

    QTest::newRow("delimited (AUD)") << "aud sps pps sei idr0 aud p0 aud p0" << 4 << 0
                                     << QStringList{"K:aud sps pps sei idr0", "aud p0", "aud p0"};
    QTest::newRow("no AUD: a slice at macroblock 0 starts a picture")
        << "sps pps idr0 idr1 idr2 p0 p1 p0" << 4 << 0 << QStringList{"K:sps pps idr0 idr1 idr2", "p0 p1", "p0"};
    QTest::newRow("SEI after slices starts the next one")
        << "sps pps idr0 sei p0 sei p0" << 4 << 0 << QStringList{"K:sps pps idr0", "sei p0", "sei p0"};
    QTest::newRow("SPS/PPS before a new key frame")
        << "sps pps idr0 p0 sps pps idr0" << 4 << 0 << QStringList{"K:sps pps idr0", "p0", "K:sps pps idr0"};
    QTest::newRow("PPS alone between pictures")
        << "sps pps idr0 pps p0" << 4 << 0 << QStringList{"K:sps pps idr0", "pps p0"};
    QTest::newRow("end of sequence stays with its picture")
        << "sps pps idr0 eos sps pps idr0" << 4 << 0 << QStringList{"K:sps pps idr0 eos", "K:sps pps idr0"};
    QTest::newRow("B slices are flagged")
        << "sps pps idr0 p0 b0 b0 p0" << 4 << 0 << QStringList{"K:sps pps idr0", "p0", "B:b0", "B:b0", "p0"};
    QTest::newRow("three-byte start codes")
        << "sps pps idr0 idr1 p0" << 3 << 0 << QStringList{"K:sps pps idr0 idr1", "p0"};
    QTest::newRow("trailing zero bytes") << "aud sps pps idr0 aud p0" << 4 << 3
                                         << QStringList{"K:aud sps pps idr0", "aud p0"};
}

void TestAccessUnits::splits()
{
    QFETCH(QString, input);
    QFETCH(int, startCodeBytes);
    QFETCH(int, trailingZeros);
    QFETCH(QStringList, units);
    // Junk before the first start code (a program's banner) is skipped.
    const QByteArray bytes = QByteArray("junk") + stream(input, startCodeBytes, trailingZeros);
    for (const qsizetype chunk :
         {qsizetype(1), qsizetype(2), qsizetype(3), qsizetype(5), qsizetype(64), bytes.size()}) {
        AccessUnitSplitter splitter(1 << 20);
        QStringList got;
        for (qsizetype at = 0; at < bytes.size(); at += chunk) {
            const Error e = splitter.append(QByteArrayView(bytes).sliced(at, qMin(chunk, bytes.size() - at)));
            QVERIFY2(!e, qPrintable(e.message));
            while (const std::optional<AnnexBAccessUnit> u = splitter.next())
                got << show(*u);
        }
        // A picture is known complete only when a NAL unit of the next one is (when the start
        // code after it has come): the last one, or two, wait for finish().
        QVERIFY2(got.size() >= units.size() - 2 && got.size() < units.size(), qPrintable(got.join(u'\n')));
        while (const std::optional<AnnexBAccessUnit> u = splitter.finish())
            got << show(*u);
        QStringList expected;
        for (const QString &u : units)
            expected << show(expectedUnit(u));
        QVERIFY2(
            got == expected,
            qPrintable(
                QStringLiteral("chunk %1:\n got %2\nwant %3").arg(chunk).arg(got.join(u'\n'), expected.join(u'\n'))));
    }
}

void TestAccessUnits::failsOnWhatIsNotH264_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");
    QByteArray noStartCode(5000, '\x5a');
    QTest::newRow("no start code") << noStartCode << "no H.264 start code in the first";
    QTest::newRow("forbidden bit") << QByteArray("\x00\x00\x01\xe5\x88\x84\x00\x00\x01\x41\x88", 11)
                                   << "forbidden bit set";
    QTest::newRow("slice header cut short")
        << QByteArray("\x00\x00\x01\x65\x00\x00\x01\x41\x88", 9) << "slice header that cannot be read";
    QTest::newRow("picture over the limit")
        << QByteArray("\x00\x00\x01\x65\x88", 5) + QByteArray(5000, '\x77') << "a picture larger than";
    QTest::newRow("NAL units over the limit together")
        << stream("sps pps idr0", 4, 0) +
               (QByteArray("\x00\x00\x01", 3) + slice(0x65, 1, 7) + QByteArray(600, '\x77')).repeated(2)
        << "a picture larger than";
}

void TestAccessUnits::failsOnWhatIsNotH264()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    AccessUnitSplitter splitter(1024);
    Error failed;
    for (qsizetype at = 0; at < bytes.size() && !failed; at += 100)
        failed = splitter.append(QByteArrayView(bytes).sliced(at, qMin<qsizetype>(100, bytes.size() - at)));
    QVERIFY2(failed.message.contains(error), qPrintable(failed.message));
    QCOMPARE(failed.fault, Fault::UnsupportedFormat);
    // It stays failed: nothing more is taken.
    QVERIFY(splitter.append(stream("sps pps idr0 p0", 4, 0)));
}

void TestAccessUnits::realStreams_data()
{
    QTest::addColumn<QString>("size");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::newRow("640x360 baseline (cropped from 368)")
        << "640x360" << QStringList{"-profile:v", "baseline", "-g", "10"} << 640 << 360;
    QTest::newRow("1280x720 high, 4 slices a picture")
        << "1280x720" << QStringList{"-profile:v", "high", "-x264-params", "slices=4", "-g", "10"} << 1280 << 720;
    QTest::newRow("1920x1080 main") << "1920x1080" << QStringList{"-profile:v", "main", "-g", "10"} << 1920 << 1080;
    QTest::newRow("176x144 with AUDs") << "176x144" << QStringList{"-x264-params", "aud=1", "-g", "5"} << 176 << 144;
    QTest::newRow("720x576 interlaced") << "720x576" << QStringList{"-flags",       "+ilme+ildct", "-x264-params",
                                                                    "interlaced=1", "-g",          "10"}
                                        << 720 << 576;
    QTest::newRow("322x242 4:4:4 (high 4:4:4, luma crop)")
        << "322x242" << QStringList{"-pix_fmt", "yuv444p", "-g", "10"} << 322 << 242;
    QTest::newRow("odd cropping 4:2:0 326x186") << "326x186" << QStringList{"-g", "10"} << 326 << 186;
}

void TestAccessUnits::realStreams()
{
    QFETCH(QString, size);
    QFETCH(QStringList, options);
    QFETCH(int, width);
    QFETCH(int, height);
    const QByteArray h264 = x264Stream(size, options, 23);
    QVERIFY(!h264.isEmpty());

    AccessUnitSplitter splitter(4 << 20);
    QList<AnnexBAccessUnit> units;
    for (qsizetype at = 0; at < h264.size(); at += 4096) {
        QVERIFY(!splitter.append(QByteArrayView(h264).sliced(at, qMin<qsizetype>(4096, h264.size() - at))));
        while (std::optional<AnnexBAccessUnit> u = splitter.next())
            units << *u;
    }
    while (std::optional<AnnexBAccessUnit> u = splitter.finish())
        units << *u;

    // FFmpeg's parser cuts the same stream into the same pictures, with the same key frames.
    const FfProbe probe =
        ffprobeData(h264, QStringLiteral("stream.h264"), QStringLiteral("stream=codec_name:packet=size,flags"));
    QVERIFY2(probe.ok(), qPrintable(probe.error));
    QCOMPARE(units.size(), 23);
    QCOMPARE(probe.packets.size(), units.size());
    for (qsizetype i = 0; i < units.size(); ++i) {
        const bool key = probe.packets[i].toObject()[QStringLiteral("flags")].toString().startsWith(u'K');
        QVERIFY2(units[i].key == key, qPrintable(QStringLiteral("picture %1").arg(i)));
        QVERIFY(!units[i].bidirectional);
    }
    const h264::ParameterSets sets = h264::parameterSetsInBand(units.first().data);
    QVERIFY(!sets.isEmpty());
    const std::optional<h264::PictureSize> picture = h264::pictureSize(sets.sps.first());
    QVERIFY(picture);
    QCOMPARE(picture->width, width);
    QCOMPARE(picture->height, height);
}

QTEST_GUILESS_MAIN(TestAccessUnits)
#include "tst_accessunits.moc"
