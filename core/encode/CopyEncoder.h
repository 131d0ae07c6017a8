// Passthrough for a source that already gives H.264: no decoding, no encoding, near zero CPU.
#pragma once

#include "encode/Encoder.h"

namespace hlscam {

class CopyEncoder final : public Encoder {
public:
    explicit CopyEncoder(const H264Parameters &sourceParameters)
        : m_parameters(sourceParameters)
    {}
    QString name() const override { return QStringLiteral("copy"); }
    Error push(Capture &capture, bool forceKey, std::vector<EncodedPacket> &out) override;
    const H264Parameters &parameters() const override { return m_parameters; }

private:
    H264Parameters m_parameters;
};

}  // namespace hlscam
