// Decodes one H.264 key frame at a time into an I420 picture (snapshots of a camera whose H.264
// is passed through): each key frame is decoded on its own, so the decoder never holds a picture
// back for the next one and nothing from an earlier stream leaks into it.
#pragma once

#include "Ffmpeg.h"
#include "FrameConverter.h"
#include "plugin/FfmpegBackend.h"

namespace hlscam {

class KeyFrameDecoder final : public H264KeyFrameDecoder {
public:
    Result<Picture> decode(const QByteArray &extradata, const QByteArray &keyFrame) override;

private:
    Error open(const QByteArray &extradata);

    ff::CodecContextPtr m_context;
    QByteArray m_extradata;  // what m_context was opened with: another stream's needs a new one
    std::unique_ptr<FrameConverter> m_converter;
};

}  // namespace hlscam
