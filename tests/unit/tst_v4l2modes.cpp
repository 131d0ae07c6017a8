// Native V4L2 capture's pure parts: which camera mode is asked for, how its picture is fitted
// into the sent size (never stretched), the pixel conversions to I420 (YUYV, UYVY, NV12, YU12,
// MJPEG of 4:2:0 and 4:2:2 made with TurboJPEG here), errno to Fault, and the settings.
#include "config/ConfigLoader.h"
#include "v4l2/PictureConverter.h"
#include "v4l2/V4l2Device.h"

#include <QtTest>

#include <linux/videodev2.h>
#include <turbojpeg.h>

#include <cerrno>

using namespace hlscam;

Q_DECLARE_METATYPE(hlscam::Fault)

namespace {

constexpr quint32 kYuyv = V4L2_PIX_FMT_YUYV;
constexpr quint32 kMjpg = V4L2_PIX_FMT_MJPEG;
constexpr quint32 kH264 = V4L2_PIX_FMT_H264;
constexpr quint32 kNv12 = V4L2_PIX_FMT_NV12;

// What vivid's webcam input offers (drivers/media/test-drivers/vivid/vivid-vid-cap.c): six
// sizes, the larger ones at fewer rates; here in YUYV and NV12.
QList<CameraMode> vividWebcam()
{
    const QList<QSize> sizes = {{320, 180}, {640, 360}, {640, 480}, {1280, 720}, {1920, 1080}, {3840, 2160}};
    const QList<double> rates = {1, 2, 4, 5, 10, 12.5, 15, 25, 30, 40, 50, 60};
    QList<CameraMode> modes;
    for (const quint32 fourcc : {kYuyv, kNv12})
        for (qsizetype i = 0; i < sizes.size(); ++i)
            modes.append({fourcc, sizes[i], rates.mid(0, rates.size() - 2 * i), false});
    return modes;
}

// A typical USB webcam (a C920's list, shortened): raw is slow at large sizes, MJPEG is not,
// and it encodes H.264 itself.
QList<CameraMode> usbWebcam()
{
    QList<CameraMode> modes;
    for (const QSize s : {QSize(640, 480), QSize(800, 600), QSize(1280, 720), QSize(1920, 1080)}) {
        const bool big = s.width() > 800;
        modes.append({kYuyv, s, big ? QList<double>{10, 5} : QList<double>{30, 15}, false});
        modes.append({kMjpg, s, {30, 15}, false});
        modes.append({kH264, s, {30, 15}, false});
    }
    return modes;
}

const QList<quint32> kAuto = {kH264, kYuyv, V4L2_PIX_FMT_UYVY, kNv12, V4L2_PIX_FMT_YUV420, kMjpg};
const QList<quint32> kAutoDecode = {kYuyv, V4L2_PIX_FMT_UYVY, kNv12, V4L2_PIX_FMT_YUV420, kMjpg};

int at(const Picture &p, int plane, int x, int y) { return p.plane(plane)[qsizetype(y) * p.stride(plane) + x]; }

QByteArray yuyv(int w, int h, const std::function<std::array<quint8, 3>(int x, int y)> &colour)
{
    QByteArray b(qsizetype{2} * w * h, Qt::Uninitialized);
    auto *d = reinterpret_cast<quint8 *>(b.data());
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; x += 2) {
            const auto c = colour(x, y);
            quint8 *p = d + (qsizetype(y) * w + x) * 2;
            p[0] = c[0];
            p[1] = c[1];
            p[2] = c[0];
            p[3] = c[2];
        }
    return b;
}

}  // namespace

class TestV4l2Modes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void choosesMode_data();
    void choosesMode();
    void fitsWithoutStretching_data();
    void fitsWithoutStretching();
    void convertsRawFormats_data();
    void convertsRawFormats();
    void decodesMjpeg_data();
    void decodesMjpeg();
    void cropAndPadKeepTheBarsWidths_data();
    void cropAndPadKeepTheBarsWidths();
    void refusesShortAndBrokenBuffers();
    void mapsErrnoToFault_data();
    void mapsErrnoToFault();
    void readsTheSettings_data();
    void readsTheSettings();
};

void TestV4l2Modes::choosesMode_data()
{
    QTest::addColumn<QList<CameraMode>>("modes");
    QTest::addColumn<QSize>("wanted");
    QTest::addColumn<int>("fps");
    QTest::addColumn<QList<quint32>>("formats");
    QTest::addColumn<QSize>("current");
    QTest::addColumn<quint32>("fourcc");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<double>("rate");

    const QSize none;
    QTest::newRow("vivid: exact") << vividWebcam() << QSize(640, 360) << 25 << kAuto << none << kYuyv << QSize(640, 360)
                                  << 25.0;
    QTest::newRow("vivid: nv12 asked") << vividWebcam() << QSize(640, 360) << 25 << QList<quint32>{kNv12} << none
                                       << kNv12 << QSize(640, 360) << 25.0;
    QTest::newRow("vivid: 16:9 it lacks, larger of the same shape")
        << vividWebcam() << QSize(800, 450) << 10 << kAuto << none << kYuyv << QSize(1280, 720) << 10.0;
    QTest::newRow("vivid: 16:9 it lacks at 25 fps, smaller of the same shape")
        << vividWebcam() << QSize(800, 450) << 25 << kAuto << none << kYuyv << QSize(640, 360) << 25.0;
    QTest::newRow("vivid: 1280x720 lacks 25 fps, the same shape smaller")
        << vividWebcam() << QSize(1280, 720) << 25 << kAuto << none << kYuyv << QSize(640, 360) << 25.0;
    QTest::newRow("vivid: 12.5 fps") << vividWebcam() << QSize(1280, 720) << 12 << kAuto << none << kYuyv
                                     << QSize(1280, 720) << 12.5;
    QTest::newRow("vivid: 4:3 it lacks, larger of the same shape")
        << vividWebcam() << QSize(480, 360) << 25 << kAuto << none << kYuyv << QSize(640, 480) << 25.0;
    QTest::newRow("vivid: larger than all of its shape, the largest of it")
        << vividWebcam() << QSize(800, 600) << 25 << kAuto << none << kYuyv << QSize(640, 480) << 25.0;
    QTest::newRow("vivid: no mode of that shape, closest larger")
        << vividWebcam() << QSize(600, 400) << 25 << kAuto << none << kYuyv << QSize(640, 480) << 25.0;
    QTest::newRow("vivid: larger than everything, the largest")
        << vividWebcam() << QSize(3840, 2400) << 2 << kAuto << none << kYuyv << QSize(3840, 2160) << 2.0;
    QTest::newRow("vivid: rate it lacks, the next higher")
        << vividWebcam() << QSize(640, 360) << 20 << kAuto << none << kYuyv << QSize(640, 360) << 25.0;
    QTest::newRow("vivid: no mode keeps up, the size, at its highest rate")
        << vividWebcam() << QSize(3840, 2160) << 90 << kAuto << none << kYuyv << QSize(3840, 2160) << 2.0;
    QTest::newRow("vivid: auto is the current size")
        << vividWebcam() << none << 25 << kAuto << QSize(640, 480) << kYuyv << QSize(640, 480) << 25.0;
    QTest::newRow("webcam: H.264 when it may be copied")
        << usbWebcam() << QSize(1280, 720) << 30 << kAuto << none << kH264 << QSize(1280, 720) << 30.0;
    QTest::newRow("webcam: MJPEG for the rate raw lacks")
        << usbWebcam() << QSize(1280, 720) << 30 << kAutoDecode << none << kMjpg << QSize(1280, 720) << 30.0;
    QTest::newRow("webcam: raw where it keeps up")
        << usbWebcam() << QSize(640, 480) << 30 << kAutoDecode << none << kYuyv << QSize(640, 480) << 30.0;
    QTest::newRow("webcam: 640x360 from 1280x720 (same shape)")
        << usbWebcam() << QSize(640, 360) << 30 << kAutoDecode << none << kMjpg << QSize(1280, 720) << 30.0;
    QTest::newRow("webcam: a rate above what it has")
        << usbWebcam() << QSize(640, 480) << 60 << kAutoDecode << none << kYuyv << QSize(640, 480) << 30.0;
    QTest::newRow("range of sizes and rates")
        << QList<CameraMode>{{kYuyv, {2, 2}, {1, 90}, true},
                             {kYuyv, {800, 600}, {1, 90}, true},
                             {kYuyv, {720, 405}, {1, 90}, true}}
        << QSize(720, 405) << 24 << kAuto << none << kYuyv << QSize(720, 405) << 24.0;
    QTest::newRow("driver names no rates") << QList<CameraMode>{{kYuyv, {640, 360}, {}, false}} << QSize(640, 360) << 25
                                           << kAuto << none << kYuyv << QSize(640, 360) << 25.0;
    QTest::newRow("nothing usable") << QList<CameraMode>{{V4L2_PIX_FMT_RGB24, {640, 360}, {25}, false}}
                                    << QSize(640, 360) << 25 << kAuto << none << 0u << none << 0.0;
}

void TestV4l2Modes::choosesMode()
{
    QFETCH(QList<CameraMode>, modes);
    QFETCH(QSize, wanted);
    QFETCH(int, fps);
    QFETCH(QList<quint32>, formats);
    QFETCH(QSize, current);
    QFETCH(quint32, fourcc);
    QFETCH(QSize, size);
    QFETCH(double, rate);
    const ModeChoice c = chooseMode(modes, {wanted, fps, formats, current});
    QCOMPARE(fourccName(c.fourcc), fourccName(fourcc));
    QCOMPARE(c.size, size);
    QCOMPARE(c.fps, rate);
}

void TestV4l2Modes::fitsWithoutStretching_data()
{
    QTest::addColumn<QSize>("camera");
    QTest::addColumn<QSize>("sent");
    QTest::addColumn<bool>("pad");
    QTest::addColumn<QRect>("source");
    QTest::addColumn<QRect>("target");

    QTest::newRow("same size") << QSize(640, 360) << QSize(640, 360) << false << QRect(0, 0, 640, 360)
                               << QRect(0, 0, 640, 360);
    QTest::newRow("same shape, scaled") << QSize(1280, 720) << QSize(800, 450) << false << QRect(0, 0, 1280, 720)
                                        << QRect(0, 0, 800, 450);
    QTest::newRow("PAL 5:4 into 16:9, crop: top and bottom cut")
        << QSize(720, 576) << QSize(640, 360) << false << QRect(0, 86, 720, 404) << QRect(0, 0, 640, 360);
    QTest::newRow("PAL 5:4 into 16:9, pad: bars left and right")
        << QSize(720, 576) << QSize(640, 360) << true << QRect(0, 0, 720, 576) << QRect(94, 0, 450, 360);
    QTest::newRow("16:9 into 4:3, crop: sides cut")
        << QSize(1280, 720) << QSize(640, 480) << false << QRect(160, 0, 960, 720) << QRect(0, 0, 640, 480);
    QTest::newRow("16:9 into 4:3, pad: bars above and below")
        << QSize(1280, 720) << QSize(640, 480) << true << QRect(0, 0, 1280, 720) << QRect(0, 60, 640, 360);
    QTest::newRow("odd camera size") << QSize(641, 361) << QSize(640, 360) << false << QRect(0, 0, 640, 360)
                                     << QRect(0, 0, 640, 360);
}

void TestV4l2Modes::fitsWithoutStretching()
{
    QFETCH(QSize, camera);
    QFETCH(QSize, sent);
    QFETCH(bool, pad);
    QFETCH(QRect, source);
    QFETCH(QRect, target);
    const FitGeometry g = fitGeometry(camera, sent, pad ? Fit::Pad : Fit::Crop);
    QCOMPARE(g.source, source);
    QCOMPARE(g.target, target);
    // Never stretched: the shapes agree to within the rounding to even sizes.
    const double ratio =
        (double(g.source.width()) / g.source.height()) / (double(g.target.width()) / g.target.height());
    QVERIFY2(std::abs(ratio - 1) < 0.01, qPrintable(QString::number(ratio)));
    for (const QRect &r : {g.source, g.target})
        QVERIFY(r.x() % 2 == 0 && r.y() % 2 == 0 && r.width() % 2 == 0 && r.height() % 2 == 0);
}

void TestV4l2Modes::convertsRawFormats_data()
{
    QTest::addColumn<quint32>("fourcc");
    QTest::addColumn<QByteArray>("buffer");
    QTest::addColumn<int>("bytesPerLine");

    // A 4x2 picture: left half Y=50 U=60 V=70, right half Y=200 U=100 V=150.
    const QByteArray yuyvRow = QByteArray::fromHex("323c3246c864c896");
    QTest::newRow("YUYV") << kYuyv << yuyvRow + yuyvRow << 8;
    const QByteArray uyvyRow = QByteArray::fromHex("3c32463264c896c8");
    QTest::newRow("UYVY") << quint32(V4L2_PIX_FMT_UYVY) << uyvyRow + uyvyRow << 8;
    QTest::newRow("YUYV, padded lines") << kYuyv << yuyvRow + "PAD!" + yuyvRow + "PAD!" << 12;
    QTest::newRow("NV12") << kNv12
                          << QByteArray::fromHex(
                                 "3232c8c83232c8c8"
                                 "3c466496")
                          << 4;
    QTest::newRow("YU12") << quint32(V4L2_PIX_FMT_YUV420)
                          << QByteArray::fromHex(
                                 "3232c8c83232c8c8"
                                 "3c64"
                                 "4696")
                          << 4;
}

void TestV4l2Modes::convertsRawFormats()
{
    QFETCH(quint32, fourcc);
    QFETCH(QByteArray, buffer);
    QFETCH(int, bytesPerLine);
    PictureConverter converter(fourcc, QSize(4, 2), bytesPerLine, QSize(4, 2), Fit::Crop);
    Result<Picture> r = converter.convert(reinterpret_cast<const quint8 *>(buffer.constData()), buffer.size());
    QVERIFY2(r.ok(), qPrintable(r.error().message));
    const Picture &p = r.value();
    QCOMPARE(p.width, 4);
    QCOMPARE(p.height, 2);
    QCOMPARE(p.data.toHex(), QByteArray("3232c8c83232c8c8"
                                        "3c64"
                                        "4696"));
}

void TestV4l2Modes::decodesMjpeg_data()
{
    QTest::addColumn<int>("subsampling");
    QTest::newRow("4:2:0") << int(TJSAMP_420);
    QTest::newRow("4:2:2 (most webcams)") << int(TJSAMP_422);
    QTest::newRow("4:4:4") << int(TJSAMP_444);
    QTest::newRow("grey") << int(TJSAMP_GRAY);
}

void TestV4l2Modes::decodesMjpeg()
{
    QFETCH(int, subsampling);
    // A 64x32 JPEG of two flat halves, made by TurboJPEG from planar YUV of that subsampling.
    const int w = 64, h = 32;
    tjhandle tj = tjInitCompress();
    QVERIFY(tj);
    const int cw = tjPlaneWidth(1, w, subsampling), ch = tjPlaneHeight(1, h, subsampling);
    QByteArray y(qsizetype(w) * h, Qt::Uninitialized), u(qMax(1, cw * ch), char(90)), v(qMax(1, cw * ch), char(170));
    for (int row = 0; row < h; ++row)
        for (int x = 0; x < w; ++x)
            y[row * w + x] = char(x < w / 2 ? 60 : 180);
    const unsigned char *planes[3] = {reinterpret_cast<const unsigned char *>(y.constData()),
                                      reinterpret_cast<const unsigned char *>(u.constData()),
                                      reinterpret_cast<const unsigned char *>(v.constData())};
    unsigned char *jpeg = nullptr;
    unsigned long jpegSize = 0;
    QCOMPARE(tjCompressFromYUVPlanes(tj, planes, w, nullptr, h, subsampling, &jpeg, &jpegSize, 95, 0), 0);
    const QByteArray file(reinterpret_cast<const char *>(jpeg), qsizetype(jpegSize));
    tjFree(jpeg);
    tjDestroy(tj);

    PictureConverter converter(kMjpg, QSize(w, h), 0, QSize(w, h), Fit::Crop);
    Result<Picture> r = converter.convert(reinterpret_cast<const quint8 *>(file.constData()), file.size());
    QVERIFY2(r.ok(), qPrintable(r.error().message));
    const Picture &p = r.value();
    const bool grey = subsampling == TJSAMP_GRAY;
    QVERIFY(qAbs(at(p, 0, 8, 8) - 60) <= 3);
    QVERIFY(qAbs(at(p, 0, 56, 20) - 180) <= 3);
    QVERIFY2(qAbs(at(p, 1, 20, 10) - (grey ? 128 : 90)) <= 3, qPrintable(QString::number(at(p, 1, 20, 10))));
    QVERIFY2(qAbs(at(p, 2, 4, 4) - (grey ? 128 : 170)) <= 3, qPrintable(QString::number(at(p, 2, 4, 4))));
}

void TestV4l2Modes::cropAndPadKeepTheBarsWidths_data()
{
    QTest::addColumn<QSize>("sent");
    QTest::addColumn<bool>("pad");
    QTest::addColumn<QList<int>>("edges");  // where the bars change, in the sent picture's columns
    QTest::addColumn<int>("firstRow");      // the first row of picture (0 unless padded)

    // A 720x576 camera picture (PAL, 5:4) of four 180-pixel bars.
    QTest::newRow("crop to 16:9") << QSize(640, 360) << false << QList<int>{160, 320, 480} << 0;
    QTest::newRow("pad to 16:9") << QSize(640, 360) << true << QList<int>{94 + 112, 94 + 225, 94 + 337} << 0;
    QTest::newRow("pad to 2:1 high") << QSize(360, 720) << true << QList<int>{90, 180, 270} << 216;
    QTest::newRow("same shape, smaller") << QSize(360, 288) << false << QList<int>{90, 180, 270} << 0;
}

void TestV4l2Modes::cropAndPadKeepTheBarsWidths()
{
    QFETCH(QSize, sent);
    QFETCH(bool, pad);
    QFETCH(QList<int>, edges);
    QFETCH(int, firstRow);
    const QList<quint8> bars = {40, 100, 160, 220};
    const QByteArray camera = yuyv(720, 576, [&](int x, int) {
        return std::array<quint8, 3>{bars[x / 180], 128, 128};
    });
    PictureConverter converter(kYuyv, QSize(720, 576), 0, sent, pad ? Fit::Pad : Fit::Crop);
    Result<Picture> r = converter.convert(reinterpret_cast<const quint8 *>(camera.constData()), camera.size());
    QVERIFY2(r.ok(), qPrintable(r.error().message));
    const Picture &p = r.value();
    QCOMPARE(QSize(p.width, p.height), sent);
    const int row = firstRow + (sent.height() - 2 * firstRow) / 2;
    // Each bar's middle has its value; just before and after an edge, the bars on either side.
    for (qsizetype i = 0; i < edges.size(); ++i) {
        QVERIFY2(qAbs(at(p, 0, edges[i] - 3, row) - bars[i]) <= 2,
                 qPrintable(QStringLiteral("left of edge %1: %2").arg(edges[i]).arg(at(p, 0, edges[i] - 3, row))));
        QVERIFY2(qAbs(at(p, 0, edges[i] + 3, row) - bars[i + 1]) <= 2,
                 qPrintable(QStringLiteral("right of edge %1: %2").arg(edges[i]).arg(at(p, 0, edges[i] + 3, row))));
    }
    if (pad) {
        // Black bars where there is no picture.
        QCOMPARE(at(p, 0, 0, 0), 16);
        QCOMPARE(at(p, 1, 0, 0), 128);
        QCOMPARE(at(p, 0, sent.width() - 1, sent.height() - 1), 16);
    }
}

void TestV4l2Modes::refusesShortAndBrokenBuffers()
{
    PictureConverter raw(kYuyv, QSize(64, 32), 128, QSize(64, 32), Fit::Crop);
    const QByteArray half(qsizetype{64} * 32, '\0');
    Result<Picture> r = raw.convert(reinterpret_cast<const quint8 *>(half.constData()), half.size());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().fault, Fault::Io);
    QVERIFY2(r.error().message.contains(QLatin1String("2048 bytes")), qPrintable(r.error().message));

    PictureConverter mjpeg(kMjpg, QSize(64, 32), 0, QSize(64, 32), Fit::Crop);
    const QByteArray garbage("\xff\xd8 not a JPEG at all");
    r = mjpeg.convert(reinterpret_cast<const quint8 *>(garbage.constData()), garbage.size());
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.startsWith(QLatin1String("MJPEG frame")), qPrintable(r.error().message));
}

void TestV4l2Modes::mapsErrnoToFault_data()
{
    QTest::addColumn<int>("err");
    QTest::addColumn<Fault>("fault");
    QTest::newRow("ENOENT") << ENOENT << Fault::NoDevice;
    QTest::newRow("ENODEV") << ENODEV << Fault::NoDevice;
    QTest::newRow("EBUSY") << EBUSY << Fault::Busy;
    QTest::newRow("EACCES") << EACCES << Fault::NoPermission;
    QTest::newRow("EPERM") << EPERM << Fault::NoPermission;
    QTest::newRow("EIO") << EIO << Fault::Io;
    QTest::newRow("EINVAL") << EINVAL << Fault::Other;
}

void TestV4l2Modes::mapsErrnoToFault()
{
    QFETCH(int, err);
    QFETCH(Fault, fault);
    QCOMPARE(faultOfErrno(err), fault);
}

void TestV4l2Modes::readsTheSettings_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error");  // empty: it parses
    QTest::newRow("auto size") << QByteArray("width = auto\nheight = auto\n") << QString();
    QTest::newRow("auto width alone") << QByteArray("width = auto\nheight = 360\n")
                                      << QStringLiteral("x:2: [camera.c] width: width and height are auto together");
    QTest::newRow("odd width") << QByteArray("width = 641\n")
                               << QStringLiteral(
                                      "x:2: [camera.c] width: '641' is odd (allowed: even numbers from 16 to "
                                      "3840, or auto for the camera's own size)");
    QTest::newRow("pad") << QByteArray("fit = pad\n") << QString();
    QTest::newRow("stretch") << QByteArray("fit = stretch\n")
                             << QStringLiteral("x:2: [camera.c] fit: 'stretch' is not a fit (allowed: crop, pad)");
    QTest::newRow("nv12") << QByteArray("format = nv12\n") << QString();
    QTest::newRow("rgb") << QByteArray("format = rgb3\n")
                         << QStringLiteral(
                                "x:2: [camera.c] format: 'rgb3' is not a pixel format (allowed: auto, h264, "
                                "yuyv, uyvy, nv12, yu12, mjpeg)");
}

void TestV4l2Modes::readsTheSettings()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    const ConfigResult r = parseConfig("[camera.c]\n" + text, QStringLiteral("x"));
    if (error.isEmpty()) {
        QVERIFY2(r.ok(), qPrintable(r.error->toString()));
        return;
    }
    QVERIFY(!r.ok());
    QVERIFY2(r.error->toString().startsWith(error), qPrintable(r.error->toString()));
}

QTEST_GUILESS_MAIN(TestV4l2Modes)
#include "tst_v4l2modes.moc"
