// The media path end to end without HTTP: test pattern -> libx264 -> fMP4 packager -> store,
// checked by structure and by real ffprobe decoding what was packaged.
#include "encode/EncoderChain.h"
#include "hls/PlaylistWriter.h"
#include "pipeline/Pipeline.h"

#include "FfProbe.h"

#include <QtTest>

using namespace hlscam;

class TestPipeline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void encoderCandidatesFollowTheChain_data();
    void encoderCandidatesFollowTheChain();
    void autoChainFallsBackToLibx264WithReasons();
    void copyIsRefusedForDecodedSources();
    void testPatternBecomesDecodableSegments();
};

void TestPipeline::encoderCandidatesFollowTheChain_data()
{
    QTest::addColumn<QString>("configured");
    QTest::addColumn<bool>("h264");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("auto, H.264 camera") << "auto" << true << QStringList{"copy"};
    QTest::newRow("auto, raw camera") << "auto" << false << QStringList{"h264_v4l2m2m", "h264_omx", "libx264"};
    QTest::newRow("named encoder") << "libx264" << true << QStringList{"libx264"};
    QTest::newRow("named copy") << "copy" << false << QStringList{"copy"};
}

void TestPipeline::encoderCandidatesFollowTheChain()
{
    QFETCH(QString, configured);
    QFETCH(bool, h264);
    QFETCH(QStringList, expected);
    QCOMPARE(encoderCandidates(configured, h264), expected);
}

void TestPipeline::autoChainFallsBackToLibx264WithReasons()
{
    // No Pi hardware here: both hardware encoders must be passed over, each with a reason.
    EncoderChoice choice = openEncoder(QStringLiteral("auto"), nullptr, EncoderOptions{});
    QVERIFY2(choice.encoder, qPrintable(choice.error.message));
    QCOMPARE(choice.encoder->name(), QStringLiteral("libx264"));
    QCOMPARE(choice.passedOver.size(), 2);
    QVERIFY(choice.passedOver.at(0).startsWith(QLatin1String("h264_v4l2m2m: ")));
    QVERIFY(choice.passedOver.at(1).startsWith(QLatin1String("h264_omx: ")));
    QVERIFY(choice.passedOver.at(0).size() > 16);
}

void TestPipeline::copyIsRefusedForDecodedSources()
{
    EncoderChoice choice = openEncoder(QStringLiteral("copy"), nullptr, EncoderOptions{});
    QVERIFY(!choice.encoder);
    QVERIFY2(choice.error.message.contains(QLatin1String("does not give H.264")), qPrintable(choice.error.message));
}

void TestPipeline::testPatternBecomesDecodableSegments()
{
    CameraSettings camera;
    camera.device = QStringLiteral("testpattern");
    camera.width = 320;
    camera.height = 180;
    HlsSettings hls;
    Pipeline pipeline(camera, hls);
    pipeline.start();

    auto completeSegments = [&] {
        QList<Segment> done;
        const StoreSnapshot snapshot = pipeline.store()->snapshot();  // const: read without detaching
        for (const Segment &s : snapshot.segments)
            if (s.complete)
                done.append(s);
        return done;
    };
    QTRY_VERIFY_WITH_TIMEOUT(completeSegments().size() >= 3, 15000);
    const CameraStatus status = pipeline.status();
    QCOMPARE(status.state, CameraState::Streaming);
    QCOMPARE(status.encoder, QStringLiteral("libx264"));
    pipeline.stop();

    const QList<Segment> segments = completeSegments();
    const std::optional<QByteArray> init = pipeline.store()->init(segments.first().generation);
    QVERIFY(init);
    QCOMPARE(init->mid(4, 4), QByteArray("ftyp"));
    QVERIFY(init->contains("moov"));
    QVERIFY(!init->contains("mdat"));  // empty moov: samples live in the segments

    QByteArray all = *init;
    qint64 previousMsn = segments.first().msn - 1;
    for (const Segment &s : segments) {
        QCOMPARE(s.msn, previousMsn + 1);
        previousMsn = s.msn;
        QVERIFY(s.parts.first().independent);  // every segment starts with a key frame
        QCOMPARE(s.data.mid(4, 4), QByteArray("moof"));
        if (&s != &segments.last()) {  // the last one may be cut short by stop()
            // 200 ms parts in a 1 s segment (a frame more or less when the machine is busy).
            QVERIFY2(s.parts.size() >= 4 && s.parts.size() <= 6, qPrintable(QString::number(s.parts.size())));
            for (const Part &p : s.parts)
                QVERIFY2(p.durationUs <= 240000, qPrintable(QString::number(p.durationUs)));
            QVERIFY2(qAbs(s.durationUs - 1000000) <= 40000, qPrintable(QString::number(s.durationUs)));
        }
        QVERIFY(s.programDateTimeMs > 0);
        all += s.data;
    }

    const FfProbe probe =
        ffprobeData(all, QStringLiteral("stream.mp4"), QStringLiteral("stream=codec_name,width,height,nb_read_frames"),
                    CountFrames::Yes);
    QVERIFY2(probe.ok(), qPrintable(probe.error));
    const QJsonObject &stream = probe.stream;
    QCOMPARE(codecAndSize(stream), QStringLiteral("h264 320x180"));
    QVERIFY2(stream["nb_read_frames"].toString().toInt() >= 25 * 3 - 2,
             qPrintable(stream["nb_read_frames"].toString()));
}

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
