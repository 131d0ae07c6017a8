// A media file read through libavformat, played in a loop and paced to its frame rate. H.264 is
// handed on as packets (passthrough); anything else is decoded and converted to I420 of the
// configured size (or the file's own, when the size is auto). Cameras are core's (V4l2Source).
#pragma once

#include "Ffmpeg.h"
#include "FrameConverter.h"
#include "capture/FramePacer.h"
#include "capture/Source.h"

#include <memory>

namespace hlscam {

class DemuxSource final : public Source {
public:
    // decodeH264: decode an H.264 file too, when the config names an encoder instead of copy.
    // A width or height of 0: the file's own size.
    static std::unique_ptr<DemuxSource> file(const QString &path, int width, int height, bool decodeH264);
    ~DemuxSource() override;

    Error open() override;
    ReadStatus read(Capture &out) override;
    const H264Parameters *h264Parameters() const override;
    QSize pictureSize() const override { return m_autoSize ? QSize(m_width, m_height) : QSize(); }
    QString description() const override { return m_description; }
    Error lastError() const override { return m_error; }

private:
    DemuxSource() = default;
    Error openInput();
    Error openDecoder();
    ReadStatus readPacket(AVPacket *packet);

    QString m_url;
    bool m_decodeH264 = false;
    bool m_autoSize = false;
    int m_width = 0, m_height = 0;

    ff::InputPtr m_input;
    int m_stream = -1;
    qint64 m_packetsSinceRewind = 0;
    qint64 m_fileSize = -1;  // the size when opened: a file that changed since is read again
    ff::CodecContextPtr m_decoder;
    std::unique_ptr<FrameConverter> m_converter;  // decoded frames to the encoder's picture
    H264Parameters m_h264;                        // the stream, when it is handed on as H.264
    std::unique_ptr<FramePacer> m_pacer;
    QString m_description;
    Error m_error;
};

}  // namespace hlscam
