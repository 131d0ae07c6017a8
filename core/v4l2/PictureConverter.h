// Turns one buffer of a V4L2 camera (YUYV, UYVY, NV12, YU12 or MJPEG) into the I420 picture that
// is sent, fitted into its size (crop or pad, never stretched). libyuv converts and scales,
// TurboJPEG decodes MJPEG straight to planar YUV: no FFmpeg.
#pragma once

#include "Error.h"
#include "capture/Picture.h"
#include "v4l2/V4l2Modes.h"

#include <memory>

namespace hlscam {

class PictureConverter {
public:
    // bytesPerLine: the driver's line stride of the first plane (0: packed).
    PictureConverter(quint32 fourcc, QSize camera, int bytesPerLine, QSize sent, Fit fit);
    ~PictureConverter();
    PictureConverter(const PictureConverter &) = delete;
    PictureConverter &operator=(const PictureConverter &) = delete;

    static bool handles(quint32 fourcc);

    // A buffer too short for its size, or a JPEG that does not decode, is an error: that one
    // frame is dropped (a camera sends a broken MJPEG frame now and then).
    Result<Picture> convert(const quint8 *data, qsizetype size);

private:
    // The camera's picture in I420 at its own size, into `out`.
    Error toI420(const quint8 *data, qsizetype size, Picture &out);
    Error decodeJpeg(const quint8 *data, qsizetype size, Picture &out);

    struct TurboJpeg;
    quint32 m_fourcc;
    QSize m_camera;
    int m_bytesPerLine;
    QSize m_sent;
    FitGeometry m_geometry;
    Picture m_cameraPicture;  // the camera's picture, when it is scaled before it is sent
    QByteArray m_chroma;      // MJPEG planes of another subsampling, before they become 4:2:0
    std::unique_ptr<TurboJpeg> m_jpeg;
};

}  // namespace hlscam
