// The FFmpeg module's entry point: core calls hlscam_ffmpeg_backend() after dlopen. Built with
// hidden visibility, so this function is all the module exports.
#include "DemuxSource.h"
#include "FfmpegEncoder.h"
#include "FfmpegLog.h"
#include "KeyFrameDecoder.h"
#include "plugin/FfmpegBackend.h"

namespace hlscam {

namespace {

class Backend final : public FfmpegBackend {
public:
    std::unique_ptr<Source> file(const QString &path, int width, int height, bool decodeH264) override
    {
        return DemuxSource::file(path, width, height, decodeH264);
    }
    Result<std::unique_ptr<Encoder>> encoder(const EncoderOptions &options) override
    {
        return FfmpegEncoder::open(options);
    }
    std::unique_ptr<H264KeyFrameDecoder> keyFrameDecoder() override { return std::make_unique<KeyFrameDecoder>(); }
};

}  // namespace

}  // namespace hlscam

extern "C" __attribute__((visibility("default"))) hlscam::FfmpegBackend *hlscam_ffmpeg_backend(int abi)
{
    if (abi != hlscam::kFfmpegBackendAbi)
        return nullptr;
    hlscam::ff::installLogging();
    static hlscam::Backend backend;
    return &backend;
}
