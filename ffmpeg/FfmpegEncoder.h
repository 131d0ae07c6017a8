// An H.264 encoder from libavcodec (the boards' h264_v4l2m2m and h264_omx): takes I420 pictures of
// the configured size, forces key frames at segment starts, and maps packets back to capture times.
#pragma once

#include "Ffmpeg.h"
#include "encode/Encoder.h"
#include "encode/PicturesInFlight.h"

#include <memory>

namespace hlscam {

class FfmpegEncoder final : public Encoder {
public:
    // Opens the encoder, or says why not (Fault::Encoder).
    static Result<std::unique_ptr<Encoder>> open(const EncoderOptions &options);
    ~FfmpegEncoder() override;

    QString name() const override { return m_options.codec; }
    Error push(Capture &capture, bool forceKey, std::vector<EncodedPacket> &out) override;
    const H264Parameters &parameters() const override { return m_parameters; }

private:
    explicit FfmpegEncoder(const EncoderOptions &options);

    EncoderOptions m_options;
    ff::CodecContextPtr m_context;
    H264Parameters m_parameters;
    PicturesInFlight m_inFlight;  // their wall clocks
};

}  // namespace hlscam
