// The server side of a camera without a camera: when held LL-HLS requests are answered (the
// rules as tables), and what the status API says of a camera behind the Camera interface.
#include "FakeCamera.h"
#include "api/StatusRoutes.h"
#include "http/Readiness.h"
#include "http/ViewerCounter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace hlscam;

using Progress = std::optional<std::pair<int, bool>>;
Q_DECLARE_METATYPE(hlscam::Readiness)
Q_DECLARE_METATYPE(hlscam::StorePosition)
Q_DECLARE_METATYPE(hlscam::LowLatencyQuery)
Q_DECLARE_METATYPE(Progress)

namespace {
// Segments of `segmentMs` in 200 ms parts (1 s, five parts, by default).
HlsSettings hls(int segmentMs = 1000) { return HlsSettings{segmentMs, 200, 6}; }

StorePosition position(qint64 first, qint64 last, int lastParts, bool lastComplete)
{
    StorePosition at;
    at.firstMsn = first;
    at.lastMsn = last;
    at.lastParts = lastParts;
    at.lastComplete = lastComplete;
    return at;
}

LowLatencyQuery reload(std::optional<qint64> msn, std::optional<int> part = std::nullopt)
{
    LowLatencyQuery ll;
    ll.msn = msn;
    ll.part = part;
    return ll;
}
}  // namespace

class TestReadiness : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void playlist_data();
    void playlist();
    void part_data();
    void part();
    void statusOfACameraBehindTheInterface();
};

void TestReadiness::playlist_data()
{
    QTest::addColumn<StorePosition>("at");
    QTest::addColumn<LowLatencyQuery>("ll");
    QTest::addColumn<Readiness>("expected");
    QTest::addColumn<int>("segmentMs");
    using R = Readiness;
    QTest::newRow("nothing yet") << position(-1, -1, 0, false) << reload({}) << R::Wait << 0;
    QTest::newRow("first segment half done") << position(10, 10, 3, false) << reload({}) << R::Wait << 0;
    QTest::newRow("first segment done") << position(10, 10, 5, true) << reload({}) << R::Ready << 0;
    QTest::newRow("second begun") << position(10, 11, 1, false) << reload({}) << R::Ready << 0;
    QTest::newRow("reload, past segment") << position(10, 12, 2, false) << reload(11) << R::Ready << 0;
    QTest::newRow("reload, newest incomplete") << position(10, 12, 2, false) << reload(12) << R::Wait << 0;
    QTest::newRow("reload, newest complete") << position(10, 12, 5, true) << reload(12) << R::Ready << 0;
    QTest::newRow("reload, part there") << position(10, 12, 2, false) << reload(12, 1) << R::Ready << 0;
    QTest::newRow("reload, part next") << position(10, 12, 2, false) << reload(12, 2) << R::Wait << 0;
    QTest::newRow("reload, next segment") << position(10, 12, 5, true) << reload(13, 0) << R::Wait << 0;
    QTest::newRow("reload, two segments ahead") << position(10, 12, 2, false) << reload(14, 4) << R::Wait << 0;
    QTest::newRow("reload, three segments ahead") << position(10, 12, 5, true) << reload(15, 0) << R::Never << 0;
    QTest::newRow("reload before anything") << position(-1, -1, 0, false) << reload(5) << R::Wait << 0;
    // 4 s segments of 20 parts: two segments would be 8 s, but three seconds of parts is the limit.
    QTest::newRow("long segments, 15 parts ahead") << position(10, 12, 2, false) << reload(12, 16) << R::Wait << 4000;
    QTest::newRow("long segments, 16 parts ahead") << position(10, 12, 2, false) << reload(12, 17) << R::Never << 4000;
}

void TestReadiness::playlist()
{
    QFETCH(StorePosition, at);
    QFETCH(LowLatencyQuery, ll);
    QFETCH(Readiness, expected);
    QFETCH(int, segmentMs);
    QCOMPARE(playlistReadiness(at, ll, hls(segmentMs ? segmentMs : 1000)), expected);
}

void TestReadiness::part_data()
{
    QTest::addColumn<Progress>("progress");
    QTest::addColumn<StorePosition>("at");
    QTest::addColumn<qint64>("msn");
    QTest::addColumn<int>("part");
    QTest::addColumn<Readiness>("expected");
    using R = Readiness;
    const StorePosition at = position(10, 12, 2, false);
    QTest::newRow("stored") << Progress({2, false}) << at << qint64(12) << 1 << R::Ready;
    QTest::newRow("the hinted next") << Progress({2, false}) << at << qint64(12) << 2 << R::Wait;
    QTest::newRow("two ahead") << Progress({2, false}) << at << qint64(12) << 3 << R::Never;
    QTest::newRow("past the end of a complete segment")
        << Progress({5, true}) << position(10, 12, 5, true) << qint64(12) << 5 << R::Never;
    QTest::newRow("first of the next segment") << Progress() << position(10, 12, 5, true) << qint64(13) << 0 << R::Wait;
    QTest::newRow("second of the next segment")
        << Progress() << position(10, 12, 5, true) << qint64(13) << 1 << R::Never;
    QTest::newRow("fell out of the window") << Progress() << at << qint64(3) << 0 << R::Never;
    QTest::newRow("nothing stored yet") << Progress() << position(-1, -1, 0, false) << qint64(0) << 0 << R::Never;
}

void TestReadiness::part()
{
    QFETCH(Progress, progress);
    QFETCH(StorePosition, at);
    QFETCH(qint64, msn);
    QFETCH(int, part);
    QFETCH(Readiness, expected);
    QCOMPARE(partReadiness(progress, at, msn, part), expected);
}

void TestReadiness::statusOfACameraBehindTheInterface()
{
    FakeCamera garden(QStringLiteral("garden"));
    CameraStatus s;
    s.state = CameraState::Retrying;
    s.source = QStringLiteral("/dev/video0");
    s.lastError = QStringLiteral("/dev/video0: No such device");
    s.fault = Fault::NoDevice;
    garden.setStatus(s);
    ViewerCounter viewers({QStringLiteral("garden")});
    const StatusRoutes routes({&garden}, &viewers);
    const QJsonObject camera =
        QJsonDocument::fromJson(routes.status().body).object()[QStringLiteral("cameras")].toArray().first().toObject();
    QCOMPARE(camera[QStringLiteral("name")].toString(), QStringLiteral("garden"));
    QCOMPARE(camera[QStringLiteral("state")].toString(), QStringLiteral("retrying"));
    QCOMPARE(camera[QStringLiteral("last_error")].toString(), s.lastError);
    QCOMPARE(camera[QStringLiteral("fault")].toString(), QStringLiteral("no-device"));
    QCOMPARE(camera[QStringLiteral("playlist")].toString(), QStringLiteral("/cam/garden/index.m3u8"));
    QVERIFY(camera[QStringLiteral("part_delay_ms")].isNull());  // nothing stored yet
}

QTEST_GUILESS_MAIN(TestReadiness)
#include "tst_readiness.moc"
