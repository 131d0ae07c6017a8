// The camera's encoded feed (what WebRTC viewers are sent): a subscriber gets every access unit
// as NAL units, with its capture clocks; a key frame asked for comes long before the segment's
// own (rate-limited, not one per ask); the SPS and PPS are known once the stream has started;
// after unsubscribe() nothing more arrives.
#include "camera/EncodedFeed.h"
#include "config/Settings.h"
#include "hls/H264Bitstream.h"
#include "pipeline/Pipeline.h"

#include <QtTest>
#include <atomic>

using namespace hlscam;

class TestEncodedFeed : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keyFrameOnRequest();
    void unitsAreNalUnits();
};

namespace {

struct Collected {
    QMutex mutex;
    QList<AccessUnitPtr> units;
    int count()
    {
        QMutexLocker lock(&mutex);
        return int(units.size());
    }
};

CameraSettings patternCamera()
{
    CameraSettings c;
    c.device = QStringLiteral("testpattern");
    c.width = 320;
    c.height = 180;
    c.fps = 25;
    c.encoder = QStringLiteral("libx264");
    return c;
}

}  // namespace

void TestEncodedFeed::keyFrameOnRequest()
{
    HlsSettings hls;
    hls.segmentMs = 4000;  // the segment's own key frames 4 s apart: a requested one stands out
    hls.partMs = 500;
    Pipeline pipeline(patternCamera(), hls);
    Collected got;
    const int id = pipeline.feed()->subscribe([&got](const AccessUnitPtr &u) {
        QMutexLocker lock(&got.mutex);
        got.units.append(u);
    });
    pipeline.start();
    QTRY_VERIFY_WITH_TIMEOUT(got.count() >= 5, 10000);
    QVERIFY(!pipeline.feed()->parameterSets().isEmpty());
    const int before = got.count();
    for (int i = 0; i < 5; ++i)
        pipeline.requestKeyFrame();  // five viewers at once: one key frame
    auto keysSince = [&got](int from) {
        QMutexLocker lock(&got.mutex);
        int keys = 0;
        for (qsizetype i = from; i < got.units.size(); ++i)
            keys += got.units[i]->key ? 1 : 0;
        return keys;
    };
    QTRY_VERIFY_WITH_TIMEOUT(keysSince(before) >= 1, 1000);  // within a few frames, not 4 s
    const int afterKey = got.count();
    QTRY_VERIFY_WITH_TIMEOUT(got.count() >= afterKey + 10, 5000);
    QCOMPARE(keysSince(before), 1);
    QCOMPARE(pipeline.status().keyFramesRequested, 1);

    pipeline.feed()->unsubscribe(id);
    const int atUnsubscribe = got.count();
    const qint64 frames = pipeline.status().framesCaptured;
    QTRY_VERIFY(pipeline.status().framesCaptured > frames + 5);
    QCOMPARE(got.count(), atUnsubscribe);
    pipeline.stop();
}

void TestEncodedFeed::unitsAreNalUnits()
{
    Pipeline pipeline(patternCamera(), HlsSettings{});
    Collected got;
    pipeline.feed()->subscribe([&got](const AccessUnitPtr &u) {
        QMutexLocker lock(&got.mutex);
        got.units.append(u);
    });
    pipeline.start();
    QTRY_VERIFY_WITH_TIMEOUT(got.count() >= 30, 10000);
    pipeline.stop();
    QMutexLocker lock(&got.mutex);
    QVERIFY(got.units.first()->key);  // the stream starts with a key frame
    qint64 lastMono = -1;
    for (const AccessUnitPtr &u : std::as_const(got.units)) {
        QVERIFY(!u->nals.isEmpty());
        for (const QByteArray &nal : u->nals) {
            QVERIFY(!nal.startsWith(QByteArray::fromHex("000001")) && !nal.startsWith(QByteArray::fromHex("00000001")));
            QCOMPARE(quint8(nal[0]) & 0x80, 0);  // forbidden_zero_bit: a real NAL header
        }
        bool idr = false;
        for (const QByteArray &nal : u->nals)
            idr = idr || h264::nalType(nal) == h264::kNalIdr;
        QCOMPARE(idr, u->key);
        QVERIFY(u->monoUs > lastMono);
        QVERIFY(u->wallUs > 1'600'000'000'000'000);
        lastMono = u->monoUs;
    }
}

QTEST_GUILESS_MAIN(TestEncodedFeed)
#include "tst_encodedfeed.moc"
