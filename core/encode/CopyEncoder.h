// Passthrough for a source that already gives H.264: no decoding, no encoding, near zero CPU.
#pragma once

#include "encode/Encoder.h"

namespace hlscam {

class CopyEncoder final : public Encoder {
public:
    explicit CopyEncoder(const AVCodecParameters *sourceParameters);
    QString name() const override { return QStringLiteral("copy"); }
    QString push(Capture &capture, bool forceKey, std::vector<EncodedPacket> &out) override;
    const AVCodecParameters *parameters() const override { return m_parameters.get(); }

private:
    ff::CodecParametersPtr m_parameters;
};

}  // namespace hlscam
