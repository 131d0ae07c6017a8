// scalePicture, the one I420 scaler of V4L2 capture (fit: crop or pad) and of snapshots
// (thumbnails): the source rectangle lands in the target rectangle, the rest of the target is
// left alone, and sizes libyuv refuses are an error rather than a picture of garbage.
#include "capture/PictureScale.h"

#include <QtTest>

#include <cstring>

using namespace hlscam;

Q_DECLARE_METATYPE(hlscam::ScaleFilter)

namespace {

// A picture of one colour.
Picture filled(int width, int height, quint8 y, quint8 u, quint8 v)
{
    Picture p = Picture::allocate(width, height);
    std::memset(p.plane(0), y, size_t(p.stride(0)) * size_t(p.planeHeight(0)));
    std::memset(p.plane(1), u, size_t(p.stride(1)) * size_t(p.planeHeight(1)));
    std::memset(p.plane(2), v, size_t(p.stride(2)) * size_t(p.planeHeight(2)));
    return p;
}

quint8 lumaAt(const Picture &p, int x, int y) { return p.plane(0)[qsizetype(y) * p.stride(0) + x]; }
quint8 uAt(const Picture &p, int x, int y) { return p.plane(1)[qsizetype(y / 2) * p.stride(1) + x / 2]; }

}  // namespace

class TestPictureScale : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void wholePictureKeepsItsColour_data()
    {
        QTest::addColumn<ScaleFilter>("filter");
        QTest::newRow("box (thumbnails)") << ScaleFilter::Box;
        QTest::newRow("bilinear (capture)") << ScaleFilter::Bilinear;
    }

    void wholePictureKeepsItsColour()
    {
        QFETCH(ScaleFilter, filter);
        const Picture in = filled(640, 480, 200, 90, 160);
        Picture out = Picture::allocate(160, 120);
        const Error e = scalePicture(in, out, filter);
        QVERIFY2(!e, qPrintable(e.message));
        for (const QPoint at : {QPoint(0, 0), QPoint(80, 60), QPoint(159, 119)}) {
            QCOMPARE(lumaAt(out, at.x(), at.y()), quint8(200));
            QCOMPARE(uAt(out, at.x(), at.y()), quint8(90));
        }
    }

    // Pad: the picture scaled into a band of the target, the bars around it untouched.
    void rectangleIntoRectangle()
    {
        const Picture in = filled(64, 64, 235, 128, 128);
        Picture out = filled(64, 64, 16, 128, 128);
        const Error e = scalePicture(in, QRect(0, 0, 64, 64), out, QRect(16, 8, 32, 32), ScaleFilter::Bilinear);
        QVERIFY2(!e, qPrintable(e.message));
        QCOMPARE(lumaAt(out, 32, 24), quint8(235));  // inside
        QCOMPARE(lumaAt(out, 16, 8), quint8(235));   // its first pixel
        QCOMPARE(lumaAt(out, 47, 39), quint8(235));  // its last
        QCOMPARE(lumaAt(out, 15, 8), quint8(16));    // left of it
        QCOMPARE(lumaAt(out, 48, 8), quint8(16));    // right of it
        QCOMPARE(lumaAt(out, 32, 7), quint8(16));    // above
        QCOMPARE(lumaAt(out, 32, 40), quint8(16));   // below
    }

    // Crop: only the source rectangle is read.
    void sourceRectangleOnly()
    {
        Picture in = filled(64, 64, 16, 128, 128);
        for (int y = 16; y < 48; ++y)
            std::memset(in.plane(0) + qsizetype(y) * in.stride(0) + 16, 235, 32);
        Picture out = Picture::allocate(32, 32);
        const Error e = scalePicture(in, QRect(16, 16, 32, 32), out, QRect(0, 0, 32, 32), ScaleFilter::Box);
        QVERIFY2(!e, qPrintable(e.message));
        QCOMPARE(lumaAt(out, 0, 0), quint8(235));
        QCOMPARE(lumaAt(out, 31, 31), quint8(235));
    }

    void emptySizeIsAnError()
    {
        const Picture in = filled(64, 64, 16, 128, 128);
        Picture out = Picture::allocate(64, 64);
        const Error e = scalePicture(in, QRect(0, 0, 64, 64), out, QRect(0, 0, 0, 0), ScaleFilter::Box);
        QCOMPARE(e.fault, Fault::Other);
        QVERIFY2(e.message.contains(QLatin1String("0x0")), qPrintable(e.message));
    }
};

QTEST_GUILESS_MAIN(TestPictureScale)
#include "tst_picturescale.moc"
