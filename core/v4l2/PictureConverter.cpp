#include "v4l2/PictureConverter.h"

#include "capture/PictureScale.h"

#include <libyuv/convert.h>
#include <libyuv/planar_functions.h>
#include <libyuv/scale.h>
#include <linux/videodev2.h>
#include <turbojpeg.h>

#include <cstring>

namespace hlscam {

struct PictureConverter::TurboJpeg {
    tjhandle handle = tjInitDecompress();
    ~TurboJpeg()
    {
        if (handle)
            tjDestroy(handle);
    }
};

namespace {

void fillBlack(Picture &p)
{
    std::memset(p.plane(0), 16, size_t(p.stride(0)) * size_t(p.planeHeight(0)));
    std::memset(p.plane(1), 128, size_t(p.stride(1)) * size_t(p.planeHeight(1)) * 2);  // U and V follow each other
}

}  // namespace

PictureConverter::PictureConverter(quint32 fourcc, QSize camera, int bytesPerLine, QSize sent, Fit fit)
    : m_fourcc(fourcc),
      m_camera(camera),
      m_bytesPerLine(bytesPerLine),
      m_sent(sent),
      m_geometry(fitGeometry(camera, sent, fit))
{
    if (fourcc == V4L2_PIX_FMT_MJPEG || fourcc == V4L2_PIX_FMT_JPEG)
        m_jpeg = std::make_unique<TurboJpeg>();
}

PictureConverter::~PictureConverter() = default;

bool PictureConverter::handles(quint32 fourcc)
{
    switch (fourcc) {
    case V4L2_PIX_FMT_YUYV:
    case V4L2_PIX_FMT_UYVY:
    case V4L2_PIX_FMT_NV12:
    case V4L2_PIX_FMT_YUV420:
    case V4L2_PIX_FMT_MJPEG:
    case V4L2_PIX_FMT_JPEG: return true;
    default: return false;
    }
}

Result<Picture> PictureConverter::convert(const quint8 *data, qsizetype size)
{
    const bool direct =
        !m_geometry.scales() && m_geometry.target.size() == m_sent && m_geometry.source.size() == m_camera;
    if (direct) {
        Picture out = Picture::allocate(m_camera.width(), m_camera.height());
        if (Error e = toI420(data, size, out))
            return e;
        return out;
    }
    if (m_cameraPicture.isNull())
        m_cameraPicture = Picture::allocate(m_camera.width(), m_camera.height());
    if (Error e = toI420(data, size, m_cameraPicture))
        return e;
    Picture out = Picture::allocate(m_sent.width(), m_sent.height());
    if (m_geometry.target.size() != m_sent)
        fillBlack(out);  // the bars of pad
    if (Error e = scalePicture(m_cameraPicture, m_geometry.source, out, m_geometry.target, ScaleFilter::Bilinear))
        return e;
    return out;
}

Error PictureConverter::toI420(const quint8 *data, qsizetype size, Picture &out)
{
    const int w = m_camera.width(), h = m_camera.height();
    quint8 *y = out.plane(0), *u = out.plane(1), *v = out.plane(2);
    const int ys = out.stride(0), cs = out.stride(1);
    const auto shortBuffer = [&](qsizetype needed) {
        return Error{Fault::Io, QStringLiteral("the camera gave %1 bytes for a %2 %3x%4 picture of %5")
                                    .arg(size)
                                    .arg(fourccName(m_fourcc))
                                    .arg(w)
                                    .arg(h)
                                    .arg(needed)};
    };
    switch (m_fourcc) {
    case V4L2_PIX_FMT_YUYV:
    case V4L2_PIX_FMT_UYVY: {
        const int stride = m_bytesPerLine > 0 ? m_bytesPerLine : 2 * w;
        if (size < qsizetype(stride) * (h - 1) + qsizetype(2) * w)
            return shortBuffer(qsizetype(stride) * h);
        const auto convert = m_fourcc == V4L2_PIX_FMT_YUYV ? libyuv::YUY2ToI420 : libyuv::UYVYToI420;
        convert(data, stride, y, ys, u, cs, v, cs, w, h);
        return {};
    }
    case V4L2_PIX_FMT_NV12: {
        const int stride = m_bytesPerLine > 0 ? m_bytesPerLine : w;
        const qsizetype needed = qsizetype(stride) * h + qsizetype(stride) * ((h + 1) / 2);
        if (size < needed)
            return shortBuffer(needed);
        libyuv::NV12ToI420(data, stride, data + qsizetype(stride) * h, stride, y, ys, u, cs, v, cs, w, h);
        return {};
    }
    case V4L2_PIX_FMT_YUV420: {
        const int stride = m_bytesPerLine > 0 ? m_bytesPerLine : w;
        const int chromaStride = (stride + 1) / 2;
        const qsizetype luma = qsizetype(stride) * h;
        const qsizetype chroma = qsizetype(chromaStride) * ((h + 1) / 2);
        if (size < luma + 2 * chroma)
            return shortBuffer(luma + 2 * chroma);
        libyuv::I420Copy(data, stride, data + luma, chromaStride, data + luma + chroma, chromaStride, y, ys, u, cs, v,
                         cs, w, h);
        return {};
    }
    case V4L2_PIX_FMT_MJPEG:
    case V4L2_PIX_FMT_JPEG: return decodeJpeg(data, size, out);
    default:
        return {Fault::UnsupportedFormat, QStringLiteral("%1 is not a format hlscam reads").arg(fourccName(m_fourcc))};
    }
}

Error PictureConverter::decodeJpeg(const quint8 *data, qsizetype size, Picture &out)
{
    if (!m_jpeg || !m_jpeg->handle)
        return {Fault::Other, QStringLiteral("TurboJPEG: %1").arg(QString::fromLocal8Bit(tjGetErrorStr()))};
    tjhandle tj = m_jpeg->handle;
    int w = 0, h = 0, subsamp = 0, colorspace = 0;
    // TurboJPEG's 2.x API takes no const pointer (it does not write to it).
    auto *jpeg = const_cast<unsigned char *>(data);
    const auto jpegSize = static_cast<unsigned long>(size);
    if (tjDecompressHeader3(tj, jpeg, jpegSize, &w, &h, &subsamp, &colorspace) != 0)
        return {Fault::Io, QStringLiteral("MJPEG frame: %1").arg(QString::fromLocal8Bit(tjGetErrorStr2(tj)))};
    if (w != m_camera.width() || h != m_camera.height())
        return {Fault::Io, QStringLiteral("MJPEG frame of %1x%2 in a %3x%4 stream")
                               .arg(w)
                               .arg(h)
                               .arg(m_camera.width())
                               .arg(m_camera.height())};
    const int flags = TJFLAG_FASTDCT;
    if (subsamp == TJSAMP_420) {
        unsigned char *planes[3] = {out.plane(0), out.plane(1), out.plane(2)};
        int strides[3] = {out.stride(0), out.stride(1), out.stride(2)};
        if (tjDecompressToYUVPlanes(tj, jpeg, jpegSize, planes, w, strides, h, flags) != 0)
            return {Fault::Io, QStringLiteral("MJPEG frame: %1").arg(QString::fromLocal8Bit(tjGetErrorStr2(tj)))};
        return {};
    }
    // Another subsampling (most webcams send 4:2:2): luma straight into the picture, chroma at
    // its own size first, then halved to 4:2:0.
    const int cw = tjPlaneWidth(1, w, subsamp), ch = tjPlaneHeight(1, h, subsamp);
    const bool gray = subsamp == TJSAMP_GRAY;
    if (!gray)
        m_chroma.resize(2 * qsizetype(cw) * ch);
    auto *cu = reinterpret_cast<unsigned char *>(m_chroma.data());
    unsigned char *planes[3] = {out.plane(0), gray ? nullptr : cu, gray ? nullptr : cu + qsizetype(cw) * ch};
    int strides[3] = {out.stride(0), cw, cw};
    if (tjDecompressToYUVPlanes(tj, jpeg, jpegSize, planes, w, strides, h, flags) != 0)
        return {Fault::Io, QStringLiteral("MJPEG frame: %1").arg(QString::fromLocal8Bit(tjGetErrorStr2(tj)))};
    if (gray) {
        std::memset(out.plane(1), 128, size_t(out.stride(1)) * size_t(out.planeHeight(1)) * 2);
        return {};
    }
    for (int i = 1; i <= 2; ++i)
        libyuv::ScalePlane(planes[i], cw, cw, ch, out.plane(i), out.stride(i), out.stride(i), out.planeHeight(i),
                           libyuv::kFilterBox);
    return {};
}

}  // namespace hlscam
