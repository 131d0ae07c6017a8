#include "encode/X264Encoder.h"

#include "Logging.h"

#include <cstdarg>

extern "C" {
#include <x264.h>
}

namespace hlscam {

namespace {

// x264's own messages go to hlscam.encode at debug level: our errors say what matters.
void forwardLog(void *, int level, const char *format, va_list args)
{
    if (level > X264_LOG_WARNING)
        return;
    char line[512];
    std::vsnprintf(line, sizeof line, format, args);
    qCDebug(lcEncode).noquote() << "libx264:" << QString::fromUtf8(line).trimmed();
}

QByteArray bytesOf(const x264_nal_t *nals, int count)
{
    QByteArray out;
    for (int i = 0; i < count; ++i)
        out.append(reinterpret_cast<const char *>(nals[i].p_payload), nals[i].i_payload);
    return out;
}

}  // namespace

X264Encoder::~X264Encoder()
{
    if (m_encoder)
        x264_encoder_close(m_encoder);
}

Result<std::unique_ptr<X264Encoder>> X264Encoder::open(const EncoderOptions &options)
{
    x264_param_t p;
    if (x264_param_default_preset(&p, "ultrafast", "zerolatency") < 0) {
        return Error{Fault::Encoder, QStringLiteral("this libx264 has no ultrafast preset")};
    }
    p.pf_log = forwardLog;
    p.i_log_level = X264_LOG_WARNING;
    p.i_csp = X264_CSP_I420;
    p.i_width = options.width;
    p.i_height = options.height;
    p.i_fps_num = quint32(options.fps);
    p.i_fps_den = 1;
    p.i_timebase_num = 1;  // capture clock microseconds
    p.i_timebase_den = 1000000;
    p.i_keyint_max = options.gopFrames;
    p.i_keyint_min = options.gopFrames;
    p.i_scenecut_threshold = 0;  // no scene-cut key frames between segments
    p.i_bframe = 0;              // B-frames add delay and reorder; a live camera wants neither
    // SPS/PPS go in the init segment (x264_encoder_headers) and again before each IDR frame:
    // players built on FFmpeg (ffplay, mpv, the desktop preview) keep the first init segment
    // they read, and follow a camera restarted at another size only through in-band sets.
    p.b_repeat_headers = 1;
    p.b_annexb = 1;
    p.rc.i_rc_method = X264_RC_ABR;
    p.rc.i_bitrate = options.bitrateKbps;
    p.rc.i_vbv_max_bitrate = options.bitrateKbps;
    p.rc.i_vbv_buffer_size = options.bitrateKbps;  // one second of VBV keeps segment sizes even

    std::unique_ptr<X264Encoder> e(new X264Encoder(options));
    e->m_encoder = x264_encoder_open(&p);
    if (!e->m_encoder) {
        return Error{
            Fault::Encoder,
            QStringLiteral("libx264 cannot encode %1x%2@%3").arg(options.width).arg(options.height).arg(options.fps)};
    }
    x264_nal_t *nals = nullptr;
    int count = 0;
    if (x264_encoder_headers(e->m_encoder, &nals, &count) < 0) {
        return Error{Fault::Encoder, QStringLiteral("libx264 gave no SPS/PPS")};
    }
    QByteArray sets;
    for (int i = 0; i < count; ++i)
        if (nals[i].i_type == NAL_SPS || nals[i].i_type == NAL_PPS)
            sets.append(reinterpret_cast<const char *>(nals[i].p_payload), nals[i].i_payload);
    e->m_parameters.width = options.width;
    e->m_parameters.height = options.height;
    e->m_parameters.extradata = sets;
    return e;
}

Error X264Encoder::push(Capture &capture, bool forceKey, std::vector<EncodedPacket> &out)
{
    Picture &picture = capture.picture;
    if (picture.isNull())
        return {Fault::Encoder, QStringLiteral("libx264: the source gave H.264, not a picture")};
    if (picture.width != m_options.width || picture.height != m_options.height)
        return {Fault::Encoder, QStringLiteral("libx264: the source gave %1x%2, not %3x%4")
                                    .arg(picture.width)
                                    .arg(picture.height)
                                    .arg(m_options.width)
                                    .arg(m_options.height)};

    x264_picture_t in;
    x264_picture_init(&in);
    in.img.i_csp = X264_CSP_I420;
    in.img.i_plane = 3;
    for (int i = 0; i < 3; ++i) {
        // x264 copies the picture in: it only reads these planes.
        in.img.plane[i] = const_cast<quint8 *>(std::as_const(picture).plane(i));
        in.img.i_stride[i] = picture.stride(i);
    }
    in.i_pts = capture.monoUs;
    in.i_type = forceKey ? X264_TYPE_IDR : X264_TYPE_AUTO;
    m_inFlight.entered(capture.monoUs, capture.wallUs);

    x264_nal_t *nals = nullptr;
    int count = 0;
    x264_picture_t encoded;
    const int size = x264_encoder_encode(m_encoder, &nals, &count, &in, &encoded);
    if (size < 0)
        return {Fault::Encoder, QStringLiteral("libx264: encoding failed")};
    if (size == 0)
        return {};  // held back (none with zerolatency, but the API allows it)
    EncodedPacket p;
    p.data = bytesOf(nals, count);
    p.key = encoded.b_keyframe;
    p.monoUs = encoded.i_pts;
    p.wallUs = m_inFlight.leftWallUs(p.monoUs, capture.monoUs, capture.wallUs);
    out.push_back(std::move(p));
    return {};
}

}  // namespace hlscam
