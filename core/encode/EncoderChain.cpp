#include "encode/EncoderChain.h"

#include "encode/CopyEncoder.h"
#include "encode/HardwarePresence.h"
#include "encode/X264Encoder.h"
#include "plugin/FfmpegModule.h"

namespace hlscam {

namespace {

std::unique_ptr<Encoder> openNamed(const EncoderOptions &options, QString *why)
{
    if (options.codec == QLatin1String("libx264"))
        return X264Encoder::open(options, why);
    if (*why = missingEncoderHardware(options.codec); !why->isEmpty())
        return nullptr;
    FfmpegBackend *ffmpeg = ffmpegBackend(why);
    return ffmpeg ? ffmpeg->encoder(options, why) : nullptr;
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
        QString why;
        if (auto encoder = openNamed(options, &why)) {
            choice.encoder = std::move(encoder);
            return choice;
        }
        choice.passedOver << QStringLiteral("%1: %2").arg(name, why);
    }
    choice.error =
        QStringLiteral("no H.264 encoder could be opened (%1)").arg(choice.passedOver.join(QStringLiteral("; ")));
    return choice;
}

}  // namespace hlscam
