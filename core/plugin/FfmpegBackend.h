// What the FFmpeg module (hlscam_ffmpeg.so, built from ffmpeg/) offers core: media files
// through libavformat, their decoders and swscale, libavcodec's hardware H.264 encoders, and its
// H.264 decoder for key frames (snapshots of a camera whose H.264 is passed through). Core loads
// it with dlopen only when one of these is used, so a service on the test pattern with libx264
// never maps FFmpeg's libraries and their dependency tree. Only core's own types cross this
// line: no FFmpeg header is needed to use it.
#pragma once

#include "capture/Source.h"
#include "encode/Encoder.h"

#include <memory>

namespace hlscam {

// Decodes H.264 key frames one at a time into pictures of the stream's own size (snapshots of a
// camera whose H.264 is passed through). One thread at a time.
class H264KeyFrameDecoder {
public:
    virtual ~H264KeyFrameDecoder() = default;
    // `keyFrame`: one key frame access unit (Annex B, or length-prefixed when `extradata` is an
    // avcC record); `extradata`: the stream's SPS/PPS out of band, empty when they are in band.
    virtual Result<Picture> decode(const QByteArray &extradata, const QByteArray &keyFrame) = 0;
};

class FfmpegBackend {
public:
    virtual ~FfmpegBackend() = default;
    // A media file, looped and paced to its frame rate; decoded pictures are width x height (the
    // file's own size when they are 0). Cameras are core's own (v4l2/V4l2Source).
    virtual std::unique_ptr<Source> file(const QString &path, int width, int height, bool decodeH264) = 0;
    // A libavcodec encoder by name (options.codec), or why it cannot open (Fault::Encoder).
    virtual Result<std::unique_ptr<Encoder>> encoder(const EncoderOptions &options) = 0;
    // libavcodec's H.264 decoder, for key frames.
    virtual std::unique_ptr<H264KeyFrameDecoder> keyFrameDecoder() = 0;
};

// The module's one exported function: returns its backend, or nullptr when it was built for
// another version of this interface (both sides are built together; this catches a stale file).
inline constexpr int kFfmpegBackendAbi = 3;  // 2: no camera(); Source::pictureSize(); 3: keyFrameDecoder()
inline constexpr char kFfmpegBackendEntry[] = "hlscam_ffmpeg_backend";
using FfmpegBackendEntry = FfmpegBackend *(*)(int abi);

}  // namespace hlscam
