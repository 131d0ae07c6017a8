#include "jpeg/JpegEncoder.h"

#include "capture/PictureScale.h"

#include <turbojpeg.h>

#include <cmath>
#include <memory>

namespace hlscam {

namespace {

struct TjFree {
    void operator()(void *handle) const { tjDestroy(handle); }
};

}  // namespace

JpegSize scaledSize(JpegSize source, int width)
{
    if (width <= 0 || width >= source.width || source.width <= 0)
        return source;
    const int w = qMax(16, width & ~1);
    // Rounded to even (I420's chroma planes), at least 2.
    const int h = qMax(2, int(std::lround(double(source.height) * w / source.width / 2)) * 2);
    return {w, h};
}

Result<QByteArray> encodeJpeg(const Picture &picture, int width, int quality)
{
    if (picture.isNull())
        return Error{Fault::Other, QStringLiteral("no picture to encode")};
    const JpegSize size = scaledSize({picture.width, picture.height}, width);
    Picture scaled;
    const Picture *from = &picture;
    if (size.width != picture.width || size.height != picture.height) {
        scaled = Picture::allocate(size.width, size.height);
        if (Error e = scalePicture(picture, scaled, ScaleFilter::Box))
            return e;
        from = &scaled;
    }

    const std::unique_ptr<void, TjFree> handle(tjInitCompress());
    if (!handle)
        return Error{Fault::Other, QStringLiteral("libjpeg-turbo: %1").arg(QString::fromUtf8(tjGetErrorStr2(nullptr)))};
    const unsigned char *planes[3] = {from->plane(0), from->plane(1), from->plane(2)};
    const int strides[3] = {from->stride(0), from->stride(1), from->stride(2)};
    unsigned char *jpeg = nullptr;
    unsigned long jpegSize = 0;
    if (tjCompressFromYUVPlanes(handle.get(), planes, from->width, strides, from->height, TJSAMP_420, &jpeg, &jpegSize,
                                qBound(1, quality, 100), TJFLAG_FASTDCT) != 0) {
        const QString why = QString::fromUtf8(tjGetErrorStr2(handle.get()));
        tjFree(jpeg);
        return Error{Fault::Other, QStringLiteral("JPEG encoding failed: %1").arg(why)};
    }
    QByteArray out(reinterpret_cast<const char *>(jpeg), qsizetype(jpegSize));
    tjFree(jpeg);
    return out;
}

}  // namespace hlscam
