// One picture from a camera source: either an H.264 packet (passthrough) or a decoded frame,
// stamped with the capture clocks.
#pragma once

#include "Ffmpeg.h"

#include <QByteArray>

namespace hlscam {

// What the packager needs to know of an H.264 stream besides its packets.
struct H264Parameters {
    int width = 0;
    int height = 0;
    // SPS/PPS out of band: Annex B, or an avcC record (then packets are length-prefixed).
    // Empty when the stream carries them only in band (on its key frames).
    QByteArray extradata;
};

struct Capture {
    ff::PacketPtr packet;  // set when the source delivers H.264 (passthrough)
    ff::FramePtr frame;    // set otherwise
    qint64 monoUs = 0;     // monotonic capture time: media timestamps (never jumps back)
    qint64 wallUs = 0;     // wall-clock capture time: EXT-X-PROGRAM-DATE-TIME, the pattern's stamp
};

}  // namespace hlscam
