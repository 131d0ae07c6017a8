// Chooses the encoder: passthrough when the camera gives H.264, else the board's hardware
// encoders, else libx264, or the one the config names; and says why each earlier one was passed over.
#pragma once

#include "encode/Encoder.h"

#include <QStringList>
#include <memory>

namespace hlscam {

// The encoders to try, in order, for the configured choice ("auto" or a name).
QStringList encoderCandidates(const QString &configured, bool sourceGivesH264);

struct EncoderChoice {
    std::unique_ptr<Encoder> encoder;  // null when none could be opened
    QStringList passedOver;            // "h264_v4l2m2m: no such device", ...
    Error error;                       // when encoder is null: the whole story (Fault::Encoder)
};

// Opens the first candidate that works. sourceH264 is the source's H.264 stream, if any.
// options.codec is ignored: the candidates decide it. libx264 is built in; the hardware
// encoders come from the FFmpeg module, loaded only when their hardware is present.
EncoderChoice openEncoder(const QString &configured, const H264Parameters *sourceH264, EncoderOptions options);

}  // namespace hlscam
