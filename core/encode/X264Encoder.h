// libx264, called directly: the software encoder every machine has. Preset ultrafast, tune
// zerolatency (one picture in, one packet out), constant bitrate with a one-second VBV, IDR
// frames exactly where the pipeline asks (segment starts) and nowhere else.
#pragma once

#include "encode/Encoder.h"
#include "encode/PicturesInFlight.h"

#include <memory>

typedef struct x264_t x264_t;

namespace hlscam {

class X264Encoder final : public Encoder {
public:
    // Opens the encoder, or says why not (Fault::Encoder).
    static Result<std::unique_ptr<X264Encoder>> open(const EncoderOptions &options);
    ~X264Encoder() override;

    QString name() const override { return QStringLiteral("libx264"); }
    Error push(Capture &capture, bool forceKey, std::vector<EncodedPacket> &out) override;
    const H264Parameters &parameters() const override { return m_parameters; }

private:
    explicit X264Encoder(const EncoderOptions &options)
        : m_options(options)
    {}

    EncoderOptions m_options;
    x264_t *m_encoder = nullptr;
    H264Parameters m_parameters;
    PicturesInFlight m_inFlight;  // their wall clocks
};

}  // namespace hlscam
