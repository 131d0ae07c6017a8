// A source read through libavformat: a V4L2 camera (libavdevice's video4linux2 input) or a media
// file played in a loop. H.264 is handed on as packets (passthrough); anything else is decoded
// and converted to I420 of the configured size.
#pragma once

#include "Ffmpeg.h"
#include "FrameConverter.h"
#include "capture/FramePacer.h"
#include "capture/Source.h"

#include <memory>

#include <QStringList>

namespace hlscam {

class DemuxSource final : public Source {
public:
    // A V4L2 camera: asks for H.264 first, then MJPEG, then the driver's raw default.
    // decodeH264: decode an H.264 camera too, when the config names an encoder instead of copy.
    static std::unique_ptr<DemuxSource> camera(const QString &device, int width, int height, int fps, bool decodeH264);
    // A media file, looped and paced to its frame rate.
    static std::unique_ptr<DemuxSource> file(const QString &path, int width, int height, bool decodeH264);
    ~DemuxSource() override;

    Error open() override;
    ReadStatus read(Capture &out) override;
    const H264Parameters *h264Parameters() const override;
    QString description() const override { return m_description; }
    Error lastError() const override { return m_error; }

private:
    DemuxSource() = default;
    Error openInput();
    Error openDecoder();
    ReadStatus readPacket(AVPacket *packet);

    QString m_url;
    bool m_isCamera = false;
    bool m_decodeH264 = false;
    int m_width = 0, m_height = 0, m_fps = 0;
    QStringList m_inputFormats;  // V4L2 input_format values to try, in order ("" = driver default)

    ff::InputPtr m_input;
    int m_stream = -1;
    qint64 m_packetsSinceRewind = 0;
    qint64 m_fileSize = -1;     // a file's size when opened: one that changed since is read again
    qint64 m_lastPacketUs = 0;  // monotonic time of the last video packet (or of opening)  // files: video packets read
                                // since opening or looping
    ff::CodecContextPtr m_decoder;
    std::unique_ptr<FrameConverter> m_converter;  // decoded frames to the encoder's picture
    H264Parameters m_h264;                        // the stream, when it is handed on as H.264
    std::unique_ptr<FramePacer> m_pacer;          // files only: a camera paces itself
    QString m_description;
    Error m_error;
};

}  // namespace hlscam
