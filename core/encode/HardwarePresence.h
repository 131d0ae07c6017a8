// Whether this machine has what a hardware H.264 encoder needs, checked without FFmpeg: the
// FFmpeg module (and its libraries) is loaded for a hardware encoder only when one can exist.
#pragma once

#include "Error.h"

#include <QString>

namespace hlscam {

// No error when `codec` (h264_v4l2m2m, h264_omx) may work here; else Fault::Encoder saying why it
// cannot.
Error missingEncoderHardware(const QString &codec, const QString &devDir = QStringLiteral("/dev"));

}  // namespace hlscam
