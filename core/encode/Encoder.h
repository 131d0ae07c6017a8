// Turns captures into H.264 packets: one implementation per backend (copy, FFmpeg encoders).
#pragma once

#include "capture/Capture.h"

#include <QString>
#include <vector>

namespace hlscam {

struct EncodedPacket {
    ff::PacketPtr packet;  // H.264, Annex B or length-prefixed as the backend gives it
    bool key = false;
    qint64 monoUs = 0;  // capture clocks of the picture this packet carries
    qint64 wallUs = 0;
};

class Encoder {
public:
    virtual ~Encoder() = default;
    virtual QString name() const = 0;
    // Encodes (or hands on) one capture; forceKey asks for an IDR frame (a segment starts).
    // Returns an error text, empty when fine. Packets may come out later than their capture.
    virtual QString push(Capture &capture, bool forceKey, std::vector<EncodedPacket> &out) = 0;
    // Width, height and, when the backend has them out of band, SPS/PPS as extradata.
    virtual const AVCodecParameters *parameters() const = 0;
};

}  // namespace hlscam
