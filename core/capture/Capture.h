// One picture from a camera source: either an H.264 access unit (passthrough) or an I420
// picture, stamped with the capture clocks. No FFmpeg type here: sources in the FFmpeg module
// and in core hand out the same thing.
#pragma once

#include "capture/Picture.h"

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
    QByteArray h264;        // set when the source delivers H.264 (passthrough)...
    bool h264Key = false;   // ...and this access unit is a key frame
    Picture picture;        // set otherwise
    qint64 monoUs = 0;      // monotonic capture time: media timestamps (never jumps back)
    qint64 wallUs = 0;      // wall-clock capture time: EXT-X-PROGRAM-DATE-TIME, the pattern's stamp
    int droppedBefore = 0;  // frames the device lost just before this one (gaps in its sequence)
};

}  // namespace hlscam
