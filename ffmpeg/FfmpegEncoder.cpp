#include "FfmpegEncoder.h"

#include "FfmpegLog.h"
#include "Logging.h"

namespace hlscam {

namespace {
constexpr AVPixelFormat kEncoderFormat = AV_PIX_FMT_YUV420P;
}

FfmpegEncoder::FfmpegEncoder(const EncoderOptions &options)
    : m_options(options)
{}

FfmpegEncoder::~FfmpegEncoder() = default;

Result<std::unique_ptr<Encoder>> FfmpegEncoder::open(const EncoderOptions &options)
{
    const AVCodec *codec = avcodec_find_encoder_by_name(options.codec.toLatin1().constData());
    if (!codec) {
        return Error{Fault::Encoder, QStringLiteral("not built into this FFmpeg")};
    }
    std::unique_ptr<FfmpegEncoder> e(new FfmpegEncoder(options));
    e->m_context.reset(avcodec_alloc_context3(codec));
    AVCodecContext *c = e->m_context.get();
    c->width = options.width;
    c->height = options.height;
    c->pix_fmt = kEncoderFormat;
    c->time_base = AVRational{1, 1000000};  // capture clock microseconds
    c->framerate = AVRational{options.fps, 1};
    c->gop_size = options.gopFrames;
    c->keyint_min = options.gopFrames;
    c->max_b_frames = 0;  // B-frames add delay and reorder; a live camera wants neither
    c->bit_rate = qint64(options.bitrateKbps) * 1000;
    c->rc_max_rate = c->bit_rate;
    c->rc_buffer_size = int(c->bit_rate);  // one second of VBV keeps segment sizes even
    c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER | AV_CODEC_FLAG_LOW_DELAY;

    ff::clearLastError();
    const int err = avcodec_open2(c, codec, nullptr);
    if (err < 0) {
        // FFmpeg's own words ("Could not find a valid device") say more than the error code.
        const QString detail = ff::lastError();
        return Error{Fault::Encoder,
                     detail.isEmpty() ? ff::errorText(err) : QStringLiteral("%1 (%2)").arg(detail, ff::errorText(err))};
    }
    e->m_parameters.width = c->width;
    e->m_parameters.height = c->height;
    e->m_parameters.extradata = QByteArray(reinterpret_cast<const char *>(c->extradata), c->extradata_size);
    return std::unique_ptr<Encoder>(std::move(e));
}

Error FfmpegEncoder::push(Capture &capture, bool forceKey, std::vector<EncodedPacket> &out)
{
    const Picture &picture = capture.picture;
    if (picture.isNull())
        return {Fault::Encoder, QStringLiteral("%1: the source gave H.264, not a picture").arg(name())};
    if (picture.width != m_options.width || picture.height != m_options.height)
        return {Fault::Encoder, QStringLiteral("%1: the source gave %2x%3, not %4x%5")
                                    .arg(name())
                                    .arg(picture.width)
                                    .arg(picture.height)
                                    .arg(m_options.width)
                                    .arg(m_options.height)};

    // The frame points into the picture; libavcodec copies what it keeps (it is not refcounted).
    ff::FramePtr frame = ff::makeFrame();
    frame->format = kEncoderFormat;
    frame->width = picture.width;
    frame->height = picture.height;
    for (int i = 0; i < 3; ++i) {
        frame->data[i] = const_cast<uint8_t *>(picture.plane(i));
        frame->linesize[i] = picture.stride(i);
    }
    frame->pts = capture.monoUs;
    frame->pict_type = forceKey ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    m_inFlight.entered(capture.monoUs, capture.wallUs);

    int err = avcodec_send_frame(m_context.get(), frame.get());
    if (err < 0)
        return {Fault::Encoder, QStringLiteral("%1: %2").arg(name(), ff::errorText(err))};
    for (;;) {
        ff::PacketPtr packet = ff::makePacket();
        err = avcodec_receive_packet(m_context.get(), packet.get());
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF)
            return {};
        if (err < 0)
            return {Fault::Encoder, QStringLiteral("%1: %2").arg(name(), ff::errorText(err))};
        EncodedPacket p;
        p.key = packet->flags & AV_PKT_FLAG_KEY;
        p.monoUs = packet->pts;
        p.wallUs = m_inFlight.leftWallUs(p.monoUs, capture.monoUs, capture.wallUs);
        p.data = QByteArray(reinterpret_cast<const char *>(packet->data), packet->size);
        out.push_back(std::move(p));
    }
}

}  // namespace hlscam
