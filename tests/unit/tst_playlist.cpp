// The media playlist writer against golden playlists, and the media URL parser.
#include "hls/PlaylistWriter.h"
#include "http/LowLatencyQuery.h"
#include "http/MediaPath.h"

#include <QtTest>

using namespace hlscam;

namespace {

// 2026-11-25T02:00:00.000Z
constexpr qint64 kT0 = 1795572000000;

Segment segment(qint64 msn, qint64 generation, qint64 durationUs, bool discontinuity = false, bool complete = true)
{
    Segment s;
    s.msn = msn;
    s.generation = generation;
    s.durationUs = durationUs;
    s.discontinuity = discontinuity;
    s.complete = complete;
    s.programDateTimeMs = kT0 + (msn - 100) * 1000;
    for (qint64 us = 0; us < durationUs; us += 200000)
        s.parts.append(Part{QByteArray("p"), qMin<qint64>(200000, durationUs - us), us == 0});
    return s;
}

// "#EXT-X-PART" lines of parts first..last-1 of segment msn, 200 ms each, not independent.
QByteArray laterParts(qint64 msn, int first, int end, const QByteArray &query)
{
    QByteArray out;
    for (int k = first; k < end; ++k)
        out += "#EXT-X-PART:DURATION=0.20000,URI=\"part" + QByteArray::number(msn) + '.' + QByteArray::number(k) +
               ".m4s" + query + "\"\n";
    return out;
}

}  // namespace

class TestPlaylist : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void golden_data();
    void golden();
    void deltaUpdateIsTheFullPlaylistWithOldSegmentsSkipped();
    void partsAreListedForTheLastThreeTargetDurations();
    void lowLatencyQuery_data();
    void lowLatencyQuery();
    void programDateTimeIsUtcWithMilliseconds();
    void mediaPaths_data();
    void mediaPaths();
    void storeKeepsABoundedWindow();
};

void TestPlaylist::golden_data()
{
    QTest::addColumn<QList<Segment>>("segments");
    QTest::addColumn<qint64>("discontinuitySequence");
    QTest::addColumn<int>("window");
    QTest::addColumn<bool>("skip");
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray header =
        "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:1\n"
        "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.600,CAN-SKIP-UNTIL=6.0\n"
        "#EXT-X-PART-INF:PART-TARGET=0.200\n";
    const QByteArray parts100 =
        "#EXT-X-PART:DURATION=0.20000,URI=\"part100.0.m4s\",INDEPENDENT=YES\n"
        "#EXT-X-PART:DURATION=0.20000,URI=\"part100.1.m4s\"\n"
        "#EXT-X-PART:DURATION=0.20000,URI=\"part100.2.m4s\"\n"
        "#EXT-X-PART:DURATION=0.20000,URI=\"part100.3.m4s\"\n"
        "#EXT-X-PART:DURATION=0.20000,URI=\"part100.4.m4s\"\n";
    QByteArray parts101 = parts100;
    parts101.replace("part100.", "part101.");

    QTest::newRow("two segments and the parts of the one being written, hinting its next part")
        << QList<Segment>{segment(100, 100, 1000000), segment(101, 100, 1000000),
                          segment(102, 100, 400000, false, false)}
        << qint64(0) << 6 << false << QByteArray()
        << header +
               "#EXT-X-MEDIA-SEQUENCE:100\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init100.mp4\"\n"
               "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:00:00.000Z\n" +
               parts100 +
               "#EXTINF:1.00000,\nseg100.m4s\n"
               "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:00:01.000Z\n" +
               parts101 +
               "#EXTINF:1.00000,\nseg101.m4s\n"
               "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:00:02.000Z\n"
               "#EXT-X-PART:DURATION=0.20000,URI=\"part102.0.m4s\",INDEPENDENT=YES\n"
               "#EXT-X-PART:DURATION=0.20000,URI=\"part102.1.m4s\"\n"
               "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part102.2.m4s\"\n";

    QTest::newRow("window drops the oldest; restart is a discontinuity; full segment hints the next")
        << QList<Segment>{segment(100, 100, 1000000), segment(101, 100, 1000000), segment(102, 100, 600000),
                          segment(103, 103, 1000000, true)}
        << qint64(0) << 3 << false << QByteArray()
        << header +
               "#EXT-X-MEDIA-SEQUENCE:101\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init100.mp4\"\n"
               "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:00:01.000Z\n" +
               parts101 +
               "#EXTINF:1.00000,\nseg101.m4s\n"
               "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:00:02.000Z\n"
               "#EXT-X-PART:DURATION=0.20000,URI=\"part102.0.m4s\",INDEPENDENT=YES\n"
               "#EXT-X-PART:DURATION=0.20000,URI=\"part102.1.m4s\"\n"
               "#EXT-X-PART:DURATION=0.20000,URI=\"part102.2.m4s\"\n"
               "#EXTINF:0.60000,\nseg102.m4s\n"
               "#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init103.mp4\"\n"
               "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:00:03.000Z\n" +
               QByteArray(parts100).replace("part100.", "part103.") +
               "#EXTINF:1.00000,\nseg103.m4s\n"
               "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part104.0.m4s\"\n";

    QTest::newRow("discontinuities that left the window are counted; long segment raises target; token")
        << QList<Segment>{segment(200, 200, 1000000, true), segment(201, 200, 2600000)} << qint64(4) << 1 << false
        << QByteArray("?token=abc")
        << QByteArray(header).replace("TARGETDURATION:1", "TARGETDURATION:3") +
               "#EXT-X-MEDIA-SEQUENCE:201\n#EXT-X-DISCONTINUITY-SEQUENCE:5\n"
               "#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init200.mp4?token=abc\"\n"
               "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:01:41.000Z\n" +
               "#EXT-X-PART:DURATION=0.20000,URI=\"part201.0.m4s?token=abc\",INDEPENDENT=YES\n" +
               laterParts(201, 1, 13, "?token=abc") +
               "#EXTINF:2.60000,\nseg201.m4s?token=abc\n"
               "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part202.0.m4s?token=abc\"\n";
}

void TestPlaylist::golden()
{
    QFETCH(QList<Segment>, segments);
    QFETCH(qint64, discontinuitySequence);
    QFETCH(int, window);
    QFETCH(bool, skip);
    QFETCH(QByteArray, query);
    QFETCH(QByteArray, expected);
    StoreSnapshot snapshot;
    snapshot.segments = segments;
    snapshot.discontinuitySequence = discontinuitySequence;
    PlaylistOptions options;
    options.windowSegments = window;
    options.skip = skip;
    options.uriQuery = query;
    QCOMPARE(writePlaylist(snapshot, options), expected);
}

void TestPlaylist::deltaUpdateIsTheFullPlaylistWithOldSegmentsSkipped()
{
    StoreSnapshot snapshot;
    for (qint64 msn = 100; msn < 112; ++msn)
        snapshot.segments.append(segment(msn, 100, 1000000));
    snapshot.segments.append(segment(112, 100, 400000, false, false));
    PlaylistOptions options;
    options.windowSegments = 12;
    const QList<QByteArray> full = writePlaylist(snapshot, options).split('\n');
    options.skip = true;
    const QList<QByteArray> delta = writePlaylist(snapshot, options).split('\n');

    // 12 s of complete segments + 0.4 s: those ending more than 6 s before the end are skipped.
    QVERIFY(delta.contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=6"));
    QCOMPARE(delta.at(5), full.at(5));  // the same EXT-X-MEDIA-SEQUENCE
    QCOMPARE(full.at(5), QByteArray("#EXT-X-MEDIA-SEQUENCE:100"));
    // After the skip, the delta lists exactly what the full playlist lists from seg106 on, with
    // the init segment restated for the first segment it lists.
    const qsizetype fullFrom = full.indexOf("seg105.m4s") + 1;
    const qsizetype deltaFrom = delta.indexOf("#EXT-X-SKIP:SKIPPED-SEGMENTS=6") + 1;
    QCOMPARE(delta.at(deltaFrom), QByteArray("#EXT-X-MAP:URI=\"init100.mp4\""));
    QCOMPARE(delta.mid(deltaFrom + 1), full.mid(fullFrom));
    QVERIFY(!delta.contains("seg105.m4s"));

    // A discontinuity is never skipped over: its tag must reach the player.
    snapshot.segments[4].discontinuity = true;
    snapshot.segments[4].generation = 104;
    for (qsizetype i = 5; i < snapshot.segments.size(); ++i)
        snapshot.segments[i].generation = 104;
    const QByteArray withBreak = writePlaylist(snapshot, options);
    QVERIFY2(
        withBreak.contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=4\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init104.mp4\"\n"),
        withBreak.constData());
}

void TestPlaylist::partsAreListedForTheLastThreeTargetDurations()
{
    StoreSnapshot snapshot;
    for (qint64 msn = 100; msn < 106; ++msn)
        snapshot.segments.append(segment(msn, 100, 1000000));
    const QByteArray text = writePlaylist(snapshot, PlaylistOptions{});
    QVERIFY(!text.contains("part102."));
    QVERIFY(text.contains("URI=\"part103.0.m4s\",INDEPENDENT=YES"));
    QVERIFY(text.contains("part105.4.m4s"));
}

void TestPlaylist::lowLatencyQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("error");  // empty: accepted
    QTest::addColumn<qint64>("msn");     // -1: none
    QTest::addColumn<int>("part");       // -1: none
    QTest::addColumn<bool>("skip");
    QTest::newRow("none") << ""
                          << "" << qint64(-1) << -1 << false;
    QTest::newRow("msn") << "_HLS_msn=3591145698"
                         << "" << qint64(3591145698) << -1 << false;
    QTest::newRow("msn and part, with token") << "token=x&_HLS_msn=12&_HLS_part=3"
                                              << "" << qint64(12) << 3 << false;
    QTest::newRow("skip v2") << "_HLS_skip=v2"
                             << "" << qint64(-1) << -1 << true;
    QTest::newRow("part alone") << "_HLS_part=1"
                                << "needs _HLS_msn" << qint64(-1) << -1 << false;
    QTest::newRow("negative") << "_HLS_msn=-1"
                              << "not a media sequence" << qint64(-1) << -1 << false;
    QTest::newRow("huge") << "_HLS_msn=99999999999999999999"
                          << "not a media sequence" << qint64(-1) << -1 << false;
    QTest::newRow("empty") << "_HLS_msn="
                           << "not a media sequence" << qint64(-1) << -1 << false;
    QTest::newRow("hex") << "_HLS_msn=0x10"
                         << "not a media sequence" << qint64(-1) << -1 << false;
    QTest::newRow("bad part") << "_HLS_msn=1&_HLS_part=1.5"
                              << "not a part index" << qint64(-1) << -1 << false;
    QTest::newRow("twice") << "_HLS_msn=1&_HLS_msn=2"
                           << "more than once" << qint64(-1) << -1 << false;
    QTest::newRow("bad skip") << "_HLS_skip=yes"
                              << "YES or v2" << qint64(-1) << -1 << false;
}

void TestPlaylist::lowLatencyQuery()
{
    QFETCH(QString, query);
    QFETCH(QString, error);
    QFETCH(qint64, msn);
    QFETCH(int, part);
    QFETCH(bool, skip);
    const Result<LowLatencyQuery> parsed = parseLowLatencyQuery(QUrlQuery(query));
    const QString got = parsed.error().message;
    if (!error.isEmpty()) {
        QVERIFY2(got.contains(error), qPrintable(got));
        return;
    }
    QCOMPARE(got, QString());
    const LowLatencyQuery &q = parsed.value();
    QCOMPARE(q.msn.value_or(-1), msn);
    QCOMPARE(q.part.value_or(-1), part);
    QCOMPARE(q.skip, skip);
}

void TestPlaylist::programDateTimeIsUtcWithMilliseconds()
{
    QCOMPARE(programDateTime(kT0 + 7), QByteArray("2026-11-25T02:00:00.007Z"));
}

void TestPlaylist::mediaPaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("camera");
    QTest::addColumn<qint64>("number");
    QTest::addColumn<int>("part");
    using K = MediaPath::Kind;
    QTest::newRow("playlist") << "/cam/cam0/index.m3u8" << int(K::Playlist) << "cam0" << qint64(0) << 0;
    QTest::newRow("latest init") << "/cam/door/init.mp4" << int(K::LatestInit) << "door" << qint64(0) << 0;
    QTest::newRow("init") << "/cam/cam0/init3591145698.mp4" << int(K::Init) << "cam0" << qint64(3591145698) << 0;
    QTest::newRow("segment") << "/cam/cam0/seg42.m4s" << int(K::Segment) << "cam0" << qint64(42) << 0;
    QTest::newRow("part") << "/cam/garden-1/part42.3.m4s" << int(K::Part) << "garden-1" << qint64(42) << 3;
    QTest::newRow("traversal") << "/cam/../etc/passwd" << int(K::Invalid) << "" << qint64(0) << 0;
    QTest::newRow("dot camera") << "/cam/./seg1.m4s" << int(K::Invalid) << "" << qint64(0) << 0;
    QTest::newRow("extra level") << "/cam/cam0/x/seg1.m4s" << int(K::Invalid) << "" << qint64(0) << 0;
    QTest::newRow("sign") << "/cam/cam0/seg+1.m4s" << int(K::Invalid) << "" << qint64(0) << 0;
    QTest::newRow("too many digits") << "/cam/cam0/seg1234567890123456789.m4s" << int(K::Invalid) << "" << qint64(0)
                                     << 0;
    QTest::newRow("unknown file") << "/cam/cam0/index.html" << int(K::Invalid) << "" << qint64(0) << 0;
    QTest::newRow("non-ascii camera") << QString::fromUtf8("/cam/caméra/index.m3u8") << int(K::Invalid) << ""
                                      << qint64(0) << 0;
    QTest::newRow("long camera") << "/cam/" + QString(33, u'a') + "/index.m3u8" << int(K::Invalid) << "" << qint64(0)
                                 << 0;
    QTest::newRow("NUL") << QString::fromUtf8("/cam/cam0/seg1.m4s\0", 19) << int(K::Invalid) << "" << qint64(0) << 0;
    // "$" in a regular expression also matches before a final newline: no second name for a file.
    QTest::newRow("trailing newline") << "/cam/cam0/index.m3u8\n" << int(K::Invalid) << "" << qint64(0) << 0;
    QTest::newRow("segment, trailing newline") << "/cam/cam0/seg42.m4s\n" << int(K::Invalid) << "" << qint64(0) << 0;
}

void TestPlaylist::mediaPaths()
{
    QFETCH(QString, path);
    QFETCH(int, kind);
    QFETCH(QString, camera);
    QFETCH(qint64, number);
    QFETCH(int, part);
    const MediaPath m = parseMediaPath(path);
    QCOMPARE(int(m.kind), kind);
    if (m.kind != MediaPath::Kind::Invalid) {
        QCOMPARE(m.camera, camera);
        QCOMPARE(m.number, number);
        QCOMPARE(m.part, part);
    }
}

void TestPlaylist::storeKeepsABoundedWindow()
{
    SegmentStore store(1000, 3);
    store.beginGeneration("init-a");
    for (int i = 0; i < 10; ++i)
        store.addPart(Part{QByteArray("part") + QByteArray::number(i), 1000000, true}, true, kT0 + qint64{i} * 1000);
    store.endGeneration();
    const StoreSnapshot s = store.snapshot();
    QCOMPARE(s.segments.size(), 3);
    QCOMPARE(s.segments.first().msn, qint64(1007));
    QVERIFY(!store.segment(1006));  // fell out of the window: gone, not stale
    QCOMPARE(*store.segment(1009), QByteArray("part9"));
    QCOMPARE(*store.part(1009, 0), QByteArray("part9"));
    QVERIFY(!store.part(1009, 1));
    QCOMPARE(*store.init(1000), QByteArray("init-a"));

    store.beginGeneration("init-b");  // the camera came back
    store.addPart(Part{"x", 1000000, true}, true, kT0);
    QVERIFY(store.snapshot().segments.last().discontinuity);
    QCOMPARE(store.snapshot().segments.last().generation, qint64(1010));
    QCOMPARE(*store.latestInit(), QByteArray("init-b"));
}

QTEST_GUILESS_MAIN(TestPlaylist)
#include "tst_playlist.moc"
