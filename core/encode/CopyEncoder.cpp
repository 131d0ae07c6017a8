#include "encode/CopyEncoder.h"

namespace hlscam {

Error CopyEncoder::push(Capture &capture, bool forceKey, std::vector<EncodedPacket> &out)
{
    Q_UNUSED(forceKey);  // the camera decides its GOP; segments are cut at its key frames
    if (capture.h264.isEmpty())
        return {Fault::Encoder, QStringLiteral("copy: the source gave a decoded picture, not H.264")};
    EncodedPacket p;
    p.key = capture.h264Key;
    p.data = std::move(capture.h264);
    p.monoUs = capture.monoUs;
    p.wallUs = capture.wallUs;
    out.push_back(std::move(p));
    return {};
}

}  // namespace hlscam
