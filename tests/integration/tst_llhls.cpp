// Low-Latency HLS protocol behaviour of the real binary (not timing): blocking playlist reload
// returns the part asked for, requests too far ahead or malformed are refused, the hinted part
// is held and then served, delta updates agree with full playlists, and parts put together are
// the segment, byte for byte, which ffprobe decodes. Byte ranges slice media, not playlists.
#include "FfProbe.h"
#include "ServiceProcess.h"

#include <QFile>
#include <QRegularExpression>
#include <QtTest>

namespace {
const QString kUser = QStringLiteral("viewer");
const QString kPassword = QStringLiteral("pw-llhls");
const QString kBase = QStringLiteral("/cam/cam0/");

struct PartRef {
    qint64 msn = -1;
    int index = -1;
};

PartRef preloadHint(const QByteArray &playlist)
{
    static const QRegularExpression hint(
        QStringLiteral("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part(\\d+)\\.(\\d+)\\.m4s\""));
    const QRegularExpressionMatch m = hint.match(QString::fromUtf8(playlist));
    return m.hasMatch() ? PartRef{m.captured(1).toLongLong(), m.captured(2).toInt()} : PartRef{};
}

QStringList segmentUris(const QByteArray &playlist)
{
    QStringList out;
    for (const QByteArray &line : playlist.split('\n'))
        if (line.startsWith("seg"))
            out << QString::fromLatin1(line);
    return out;
}

QByteArray tag(const QByteArray &playlist, const QByteArray &name)
{
    for (const QByteArray &line : playlist.split('\n'))
        if (line.startsWith(name))
            return line;
    return {};
}
}  // namespace

class TestLlHls : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void playlistCarriesTheLowLatencyTags();
    void blockingReloadReturnsTheRequestedPart();
    void refusesWhatItCannotAnswer();
    void hintedPartIsHeldThenServed();
    void deltaUpdateAgreesWithTheFullPlaylist();
    void partsMakeTheSegmentAndDecode();
    void rangeRequestsServeSlicesOfMedia();

private:
    HttpReply get(const QString &path) { return m_service.get(kBase + path, kUser, kPassword); }
    QTemporaryDir m_dir;
    ServiceProcess m_service;
};

void TestLlHls::initTestCase()
{
    // A window long enough for delta updates to skip something (CAN-SKIP-UNTIL is 6 s).
    const QString config = m_dir.filePath(QStringLiteral("hlscam.conf"));
    QFile f(config);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("[camera.cam0]\ndevice = testpattern\nwidth = 320\nheight = 180\n[hls]\nwindow = 10\n");
    f.close();
    QVERIFY(m_service.addUser(kUser, kPassword));
    QVERIFY2(m_service.start({QStringLiteral("--config"), config}), m_service.log().constData());
    // Wait until the window is full, so that a delta update has segments to skip.
    QTRY_VERIFY_WITH_TIMEOUT(segmentUris(get(QStringLiteral("index.m3u8")).body).size() >= 10, 20000);
}

void TestLlHls::cleanupTestCase() { m_service.stop(); }

void TestLlHls::playlistCarriesTheLowLatencyTags()
{
    const QByteArray p = get(QStringLiteral("index.m3u8")).body;
    QCOMPARE(tag(p, "#EXT-X-SERVER-CONTROL"),
             QByteArray("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.600,CAN-SKIP-UNTIL=6.0"));
    QCOMPARE(tag(p, "#EXT-X-PART-INF"), QByteArray("#EXT-X-PART-INF:PART-TARGET=0.200"));
    QVERIFY(p.contains(",INDEPENDENT=YES\n"));
    QVERIFY(preloadHint(p).msn > 0);
    // Parts are 200 ms and never longer than the part target.
    static const QRegularExpression part(QStringLiteral("#EXT-X-PART:DURATION=([0-9.]+),"));
    int parts = 0;
    for (const QRegularExpressionMatch &m : part.globalMatch(QString::fromUtf8(p))) {
        QVERIFY2(m.captured(1).toDouble() <= 0.2 + 1e-9, qPrintable(m.captured(0)));
        ++parts;
    }
    QVERIFY(parts >= 5);
}

void TestLlHls::blockingReloadReturnsTheRequestedPart()
{
    // Ask for the part that does not exist yet, three times in a row: each answer must list it.
    for (int round = 0; round < 3; ++round) {
        const PartRef next = preloadHint(get(QStringLiteral("index.m3u8")).body);
        QVERIFY(next.msn > 0);
        const HttpReply r = get(QStringLiteral("index.m3u8?_HLS_msn=%1&_HLS_part=%2").arg(next.msn).arg(next.index));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Cache-Control"), QByteArray("max-age=6"));  // a cache may share it
        const QByteArray uri = "part" + QByteArray::number(next.msn) + '.' + QByteArray::number(next.index) + ".m4s";
        QVERIFY2(r.body.contains("URI=\"" + uri + '"') && !r.body.contains("PRELOAD-HINT:TYPE=PART,URI=\"" + uri),
                 r.body.constData());
    }
    // A segment number alone waits for that whole segment.
    const PartRef next = preloadHint(get(QStringLiteral("index.m3u8")).body);
    const HttpReply r = get(QStringLiteral("index.m3u8?_HLS_msn=%1").arg(next.msn));
    QCOMPARE(r.status, 200);
    QVERIFY(segmentUris(r.body).contains(QStringLiteral("seg%1.m4s").arg(next.msn)));
}

void TestLlHls::refusesWhatItCannotAnswer()
{
    const PartRef next = preloadHint(get(QStringLiteral("index.m3u8")).body);
    QCOMPARE(get(QStringLiteral("index.m3u8?_HLS_msn=%1").arg(next.msn + 3)).status, 400);
    QCOMPARE(get(QStringLiteral("index.m3u8?_HLS_msn=%1&_HLS_part=40").arg(next.msn)).status, 400);
    QCOMPARE(get(QStringLiteral("index.m3u8?_HLS_msn=999999999999999999999")).status, 400);
    QCOMPARE(get(QStringLiteral("index.m3u8?_HLS_part=1")).status, 400);
    QCOMPARE(get(QStringLiteral("index.m3u8?_HLS_skip=maybe")).status, 400);
    // Old numbers are answered at once with the current playlist.
    QCOMPARE(get(QStringLiteral("index.m3u8?_HLS_msn=1&_HLS_part=0")).status, 200);
    // A part that is neither there nor next is not waited for.
    QCOMPARE(get(QStringLiteral("part%1.0.m4s").arg(next.msn + 5)).status, 404);
}

void TestLlHls::hintedPartIsHeldThenServed()
{
    const PartRef next = preloadHint(get(QStringLiteral("index.m3u8")).body);
    const HttpReply r = get(QStringLiteral("part%1.%2.m4s").arg(next.msn).arg(next.index));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Content-Type"), QByteArray("video/iso.segment"));
    QVERIFY(r.body.mid(4, 4) == "moof" || r.body.mid(4, 4) == "styp");
}

void TestLlHls::deltaUpdateAgreesWithTheFullPlaylist()
{
    // Both answer the same blocking request, so both describe the same moment.
    for (int attempt = 0; attempt < 5; ++attempt) {
        const PartRef next = preloadHint(get(QStringLiteral("index.m3u8")).body);
        const QString at = QStringLiteral("_HLS_msn=%1&_HLS_part=%2").arg(next.msn).arg(next.index);
        const QByteArray full = get(QStringLiteral("index.m3u8?") + at).body;
        const QByteArray delta = get(QStringLiteral("index.m3u8?_HLS_skip=YES&") + at).body;
        if (preloadHint(full).msn != preloadHint(delta).msn || preloadHint(full).index != preloadHint(delta).index)
            continue;  // the stream moved on between the two: try again
        QCOMPARE(tag(delta, "#EXT-X-MEDIA-SEQUENCE"), tag(full, "#EXT-X-MEDIA-SEQUENCE"));
        const QByteArray skip = tag(delta, "#EXT-X-SKIP:SKIPPED-SEGMENTS=");
        QVERIFY2(!skip.isEmpty(), delta.constData());
        const int skipped = skip.mid(skip.indexOf('=') + 1).toInt();
        QVERIFY(skipped >= 1);
        const QStringList fullSegments = segmentUris(full);
        QCOMPARE(segmentUris(delta), fullSegments.mid(skipped));
        // Everything after the first listed segment's start is the same text.
        const QByteArray firstListed = fullSegments.value(skipped).toLatin1();
        const qsizetype fullFrom =
            full.indexOf("#EXT-X-PROGRAM-DATE-TIME", full.indexOf(fullSegments.value(skipped - 1).toLatin1()));
        const qsizetype deltaFrom = delta.indexOf("#EXT-X-PROGRAM-DATE-TIME");
        QVERIFY(!firstListed.isEmpty());
        QCOMPARE(delta.mid(deltaFrom), full.mid(fullFrom));
        return;
    }
    QFAIL("the stream never stood still for two requests");
}

void TestLlHls::partsMakeTheSegmentAndDecode()
{
    const QByteArray p = get(QStringLiteral("index.m3u8")).body;
    // The newest complete segment whose parts are listed.
    const QStringList segments = segmentUris(p);
    const qint64 msn = segments.last().mid(3).chopped(4).toLongLong();
    static const QRegularExpression mapRe(QStringLiteral("URI=\"(init\\d+\\.mp4)\""));
    const QString init = mapRe.match(QString::fromUtf8(p)).captured(1);
    QByteArray joined;
    int parts = 0;
    for (;; ++parts) {
        const QString uri = QStringLiteral("part%1.%2.m4s").arg(msn).arg(parts);
        if (!p.contains(uri.toLatin1()))
            break;
        const HttpReply r = get(uri);
        QCOMPARE(r.status, 200);
        joined += r.body;
    }
    QCOMPARE(parts, 5);  // 1 s of 200 ms parts
    const HttpReply segment = get(segments.last());
    QCOMPARE(segment.status, 200);
    QVERIFY(joined == segment.body);

    // init + parts is a playable fMP4 file: ffprobe counts its frames.
    const FfProbe probe = ffprobeData(get(init).body + joined, QStringLiteral("joined.mp4"),
                                      QStringLiteral("stream=codec_name,nb_read_frames"), CountFrames::Yes);
    QVERIFY2(probe.ok(), qPrintable(probe.error));
    QCOMPARE(probe.stream[QStringLiteral("codec_name")].toString(), QStringLiteral("h264"));
    QCOMPARE(probe.stream[QStringLiteral("nb_read_frames")].toString(), QStringLiteral("25"));
}

void TestLlHls::rangeRequestsServeSlicesOfMedia()
{
    const QString segment = segmentUris(get(QStringLiteral("index.m3u8")).body).last();
    const HttpReply whole = get(segment);
    QCOMPARE(whole.status, 200);
    QCOMPARE(whole.header("Accept-Ranges"), QByteArray("bytes"));
    QVERIFY(whole.body.size() > 100);
    const QByteArray total = '/' + QByteArray::number(whole.body.size());
    const auto ranged = [this](const QString &path, const QByteArray &range) {
        return m_service.get(kBase + path, kUser, kPassword, "GET", {}, {{"Range", range}});
    };

    HttpReply r = ranged(segment, "bytes=10-49");
    QCOMPARE(r.status, 206);
    QCOMPARE(r.header("Content-Range"), "bytes 10-49" + total);
    QCOMPARE(r.body, whole.body.mid(10, 40));
    r = ranged(segment, "bytes=-16");
    QCOMPARE(r.status, 206);
    QCOMPARE(r.body, whole.body.right(16));
    r = ranged(segment, "bytes=999999999-");
    QCOMPARE(r.status, 416);
    QCOMPARE(r.header("Content-Range"), "bytes *" + total);
    // Malformed or several ranges: the whole segment.
    QCOMPARE(ranged(segment, "bytes=5-1").body, whole.body);
    QCOMPARE(ranged(segment, "bytes=0-1,4-5").status, 200);

    // Init segments too; playlists, blocking reloads included, ignore Range.
    r = ranged(QStringLiteral("init.mp4"), "bytes=0-7");
    QCOMPARE(r.status, 206);
    QCOMPARE(r.body.size(), 8);
    const PartRef next = preloadHint(get(QStringLiteral("index.m3u8")).body);
    for (const QString &playlist :
         {QStringLiteral("index.m3u8"), QStringLiteral("index.m3u8?_HLS_msn=%1").arg(next.msn)}) {
        r = ranged(playlist, "bytes=0-3");
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.startsWith("#EXTM3U"));
        QVERIFY(r.header("Content-Range").isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestLlHls)
#include "tst_llhls.moc"
