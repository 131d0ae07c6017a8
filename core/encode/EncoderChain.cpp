#include "encode/EncoderChain.h"

#include "FfmpegLog.h"
#include "encode/CopyEncoder.h"

namespace hlscam {

QStringList encoderCandidates(const QString &configured, bool sourceGivesH264)
{
    if (configured == QLatin1String("auto")) {
        if (sourceGivesH264)
            return {QStringLiteral("copy")};
        // The Pi's V4L2 M2M encoder (Pi 4 and earlier), the legacy OMX one, then software.
        return {QStringLiteral("h264_v4l2m2m"), QStringLiteral("h264_omx"),
                QStringLiteral("libx264")};
    }
    return {configured};
}

EncoderChoice openEncoder(const QString &configured, const H264Parameters *sourceH264,
                          EncoderOptions options)
{
    ff::installLogging();
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
        if (auto encoder = FfmpegEncoder::open(options, &why)) {
            choice.encoder = std::move(encoder);
            return choice;
        }
        choice.passedOver << QStringLiteral("%1: %2").arg(name, why);
    }
    choice.error = QStringLiteral("no H.264 encoder could be opened (%1)")
                       .arg(choice.passedOver.join(QStringLiteral("; ")));
    return choice;
}

}  // namespace hlscam
