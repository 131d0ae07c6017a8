// Turns captures into H.264 packets: one implementation per backend (copy, libx264, FFmpeg's
// hardware encoders).
#pragma once

#include "Error.h"
#include "capture/Capture.h"

#include <QByteArray>
#include <QString>
#include <vector>

namespace hlscam {

struct EncoderOptions {
    QString codec;  // "libx264", or a libavcodec encoder name (the FFmpeg module's)
    int width = 640;
    int height = 360;
    int fps = 25;
    int bitrateKbps = 800;
    int gopFrames = 25;  // equals the segment duration, so every segment starts with a key frame
};

struct EncodedPacket {
    QByteArray data;  // one H.264 access unit, Annex B or length-prefixed as the extradata says
    bool key = false;
    qint64 monoUs = 0;  // capture clocks of the picture this packet carries
    qint64 wallUs = 0;
};

class Encoder {
public:
    virtual ~Encoder() = default;
    virtual QString name() const = 0;
    // Encodes (or hands on) one capture (a picture of the options' size); forceKey asks for an IDR frame (a segment
    // starts). Fails with Fault::Encoder. Packets may come out later than their capture.
    virtual Error push(Capture &capture, bool forceKey, std::vector<EncodedPacket> &out) = 0;
    virtual const H264Parameters &parameters() const = 0;
};

}  // namespace hlscam
