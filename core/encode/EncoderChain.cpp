#include "encode/EncoderChain.h"

#include "encode/CopyEncoder.h"
#include "encode/HardwarePresence.h"
#include "encode/X264Encoder.h"
#include "plugin/FfmpegModule.h"

namespace hlscam {

namespace {

Result<std::unique_ptr<Encoder>> openNamed(const EncoderOptions &options)
{
    if (options.codec == QLatin1String("libx264")) {
        Result<std::unique_ptr<X264Encoder>> x264 = X264Encoder::open(options);
        if (!x264.ok())
            return x264.error();
        return std::unique_ptr<Encoder>(std::move(x264.value()));
    }
    if (Error missing = missingEncoderHardware(options.codec))
        return missing;
    const Result<FfmpegBackend *> ffmpeg = ffmpegBackend();
    if (!ffmpeg.ok())
        return ffmpeg.error();
    return ffmpeg.value()->encoder(options);
}

}  // namespace

QStringList encoderCandidates(const QString &configured, bool sourceGivesH264)
{
    if (configured == QLatin1String("auto")) {
        if (sourceGivesH264)
            return {QStringLiteral("copy")};
        // The Pi's V4L2 M2M encoder (Pi 4 and earlier), the legacy OMX one, then software.
        return {QStringLiteral("h264_v4l2m2m"), QStringLiteral("h264_omx"), QStringLiteral("libx264")};
    }
    return {configured};
}

EncoderChoice openEncoder(const QString &configured, const H264Parameters *sourceH264, EncoderOptions options)
{
    EncoderChoice choice;
    for (const QString &name : encoderCandidates(configured, sourceH264 != nullptr)) {
        if (name == QLatin1String("copy")) {
            if (!sourceH264) {
                choice.passedOver << QStringLiteral("copy: the source does not give H.264");
                continue;
            }
            choice.encoder = std::make_unique<CopyEncoder>(*sourceH264);
            return choice;
        }
        options.codec = name;
        Result<std::unique_ptr<Encoder>> encoder = openNamed(options);
        if (encoder.ok()) {
            choice.encoder = std::move(encoder.value());
            return choice;
        }
        choice.passedOver << QStringLiteral("%1: %2").arg(name, encoder.error().message);
    }
    choice.error = {
        Fault::Encoder,
        QStringLiteral("no H.264 encoder could be opened (%1)").arg(choice.passedOver.join(QStringLiteral("; ")))};
    return choice;
}

}  // namespace hlscam
