// An H.264 encoder from libavcodec (h264_v4l2m2m, h264_omx, libx264): scales the picture to the
// configured size, forces key frames at segment starts, and maps packets back to capture times.
#pragma once

#include "encode/Encoder.h"

#include <deque>
#include <utility>

namespace hlscam {

struct EncoderOptions {
    QString codec;  // libavcodec encoder name
    int width = 640;
    int height = 360;
    int fps = 25;
    int bitrateKbps = 800;
    int gopFrames = 25;  // equals the segment duration, so every segment starts with a key frame
};

class FfmpegEncoder final : public Encoder {
public:
    // Opens the encoder; on failure returns nullptr and sets *error to why.
    static std::unique_ptr<FfmpegEncoder> open(const EncoderOptions &options, QString *error);
    ~FfmpegEncoder() override;

    QString name() const override { return m_options.codec; }
    QString push(Capture &capture, bool forceKey, std::vector<EncodedPacket> &out) override;
    const H264Parameters &parameters() const override { return m_parameters; }

private:
    explicit FfmpegEncoder(const EncoderOptions &options);
    const AVFrame *scaled(const AVFrame *frame);

    EncoderOptions m_options;
    ff::CodecContextPtr m_context;
    H264Parameters m_parameters;
    ff::SwsPtr m_scaler;
    ff::FramePtr m_scaledFrame;
    std::deque<std::pair<qint64, qint64>> m_wallByMono;  // pictures inside the encoder
};

}  // namespace hlscam
