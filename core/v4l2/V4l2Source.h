// A V4L2 camera read natively (no FFmpeg): H.264 handed on as the camera sends it; YUYV, UYVY,
// NV12, YU12 and MJPEG turned into I420 of the configured size, fitted without stretching.
// Frames carry the driver's capture time; gaps in its sequence numbers are counted as dropped.
#pragma once

#include "capture/Source.h"
#include "v4l2/V4l2Device.h"

#include <QSize>
#include <memory>

namespace hlscam {

class PictureConverter;

struct V4l2Options {
    QString device;
    QSize size;  // empty: the camera's own size (width/height = auto)
    int fps = 25;
    Fit fit = Fit::Crop;
    QString format = QStringLiteral("auto");  // or one of V4l2Source::formatNames()
    bool passthroughH264 = true;              // false: H.264 is not taken (an encoder is named)
    int bitrateKbps = 800;                    // for a camera that encodes H.264 itself
    int gopFrames = 25;
};

class V4l2Source final : public Source {
public:
    explicit V4l2Source(V4l2Options options);
    ~V4l2Source() override;

    // The `format` setting's values besides auto: h264, mjpeg, yuyv, uyvy, nv12, yu12.
    static QStringList formatNames();

    Error open() override;
    ReadStatus read(Capture &out) override;
    const H264Parameters *h264Parameters() const override;
    QSize pictureSize() const override { return m_sent; }
    QString description() const override { return m_description; }
    Error lastError() const override { return m_error; }

private:
    QList<quint32> wantedFormats() const;
    void setEncoderControls();
    void stamp(const V4l2Device::Frame &frame, Capture &out);

    V4l2Options m_options;
    std::unique_ptr<V4l2Device> m_device;
    std::unique_ptr<PictureConverter> m_converter;
    V4l2Device::Format m_format;
    QSize m_sent;
    bool m_h264 = false;
    H264Parameters m_h264Parameters;
    bool m_first = true;
    quint32 m_lastSequence = 0;
    qint64 m_wallMinusMonoUs = 0;  // the driver's clock to the wall clock, fixed at the first frame
    qint64 m_lastMonoUs = 0;
    QString m_description;
    Error m_error;
};

}  // namespace hlscam
