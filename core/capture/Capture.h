// One picture from a camera source: either an H.264 packet (passthrough) or a decoded frame,
// stamped with the capture clocks.
#pragma once

#include "Ffmpeg.h"

namespace hlscam {

struct Capture {
    ff::PacketPtr packet;  // set when the source delivers H.264 (passthrough)
    ff::FramePtr frame;    // set otherwise
    qint64 monoUs = 0;     // monotonic capture time: media timestamps (never jumps back)
    qint64 wallUs = 0;     // wall-clock capture time: EXT-X-PROGRAM-DATE-TIME, the pattern's stamp
};

}  // namespace hlscam
