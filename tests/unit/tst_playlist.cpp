// The media playlist writer against golden playlists, and the media URL parser.
#include "hls/PlaylistWriter.h"
#include "http/MediaPath.h"

#include <QtTest>

using namespace hlscam;

namespace {

// 2026-11-25T02:00:00.000Z
constexpr qint64 kT0 = 1795572000000;

Segment segment(qint64 msn, qint64 generation, qint64 durationUs, bool discontinuity = false,
                bool complete = true)
{
    Segment s;
    s.msn = msn;
    s.generation = generation;
    s.durationUs = durationUs;
    s.discontinuity = discontinuity;
    s.complete = complete;
    s.programDateTimeMs = kT0 + (msn - 100) * 1000;
    return s;
}

}  // namespace

class TestPlaylist : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void golden_data();
    void golden();
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
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("two segments, one being written")
        << QList<Segment>{segment(100, 100, 1000000), segment(101, 100, 1000000),
                          segment(102, 100, 400000, false, false)}
        << qint64(0) << 6 << QByteArray()
        << QByteArray("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:100\n"
                      "#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init100.mp4\"\n"
                      "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:00:00.000Z\n#EXTINF:1.00000,\nseg100.m4s\n"
                      "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:00:01.000Z\n#EXTINF:1.00000,\nseg101.m4s\n");

    QTest::newRow("window drops the oldest; restart is a discontinuity with its own init")
        << QList<Segment>{segment(100, 100, 1000000), segment(101, 100, 1000000),
                          segment(102, 100, 520000), segment(103, 103, 1000000, true)}
        << qint64(0) << 3 << QByteArray()
        << QByteArray("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:101\n"
                      "#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init100.mp4\"\n"
                      "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:00:01.000Z\n#EXTINF:1.00000,\nseg101.m4s\n"
                      "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:00:02.000Z\n#EXTINF:0.52000,\nseg102.m4s\n"
                      "#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init103.mp4\"\n"
                      "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:00:03.000Z\n#EXTINF:1.00000,\nseg103.m4s\n");

    QTest::newRow("discontinuities that left the window are counted; long segment raises target")
        << QList<Segment>{segment(200, 200, 1000000, true), segment(201, 200, 2600000)}
        << qint64(4) << 1 << QByteArray("?token=abc")
        << QByteArray("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:201\n"
                      "#EXT-X-DISCONTINUITY-SEQUENCE:5\n"
                      "#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init200.mp4?token=abc\"\n"
                      "#EXT-X-PROGRAM-DATE-TIME:2026-11-25T02:01:41.000Z\n#EXTINF:2.60000,\nseg201.m4s?token=abc\n");
}

void TestPlaylist::golden()
{
    QFETCH(QList<Segment>, segments);
    QFETCH(qint64, discontinuitySequence);
    QFETCH(int, window);
    QFETCH(QByteArray, query);
    QFETCH(QByteArray, expected);
    StoreSnapshot snapshot;
    snapshot.segments = segments;
    snapshot.discontinuitySequence = discontinuitySequence;
    PlaylistOptions options;
    options.windowSegments = window;
    options.uriQuery = query;
    QCOMPARE(writePlaylist(snapshot, options), expected);
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
    QTest::newRow("too many digits") << "/cam/cam0/seg1234567890123456789.m4s" << int(K::Invalid) << "" << qint64(0) << 0;
    QTest::newRow("unknown file") << "/cam/cam0/index.html" << int(K::Invalid) << "" << qint64(0) << 0;
    QTest::newRow("non-ascii camera") << QString::fromUtf8("/cam/caméra/index.m3u8") << int(K::Invalid) << "" << qint64(0) << 0;
    QTest::newRow("long camera") << "/cam/" + QString(33, u'a') + "/index.m3u8" << int(K::Invalid) << "" << qint64(0) << 0;
    QTest::newRow("NUL") << QString::fromUtf8("/cam/cam0/seg1.m4s\0", 19) << int(K::Invalid) << "" << qint64(0) << 0;
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
        store.addPart(Part{QByteArray("part") + QByteArray::number(i), 1000000, true}, true, kT0 + i * 1000);
    store.endGeneration();
    const StoreSnapshot s = store.snapshot();
    QCOMPARE(s.segments.size(), 3);
    QCOMPARE(s.segments.first().msn, qint64(1007));
    QVERIFY(!store.segment(1006));                 // fell out of the window: gone, not stale
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
