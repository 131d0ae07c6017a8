#include "DemuxSource.h"

#include "FfmpegLog.h"
#include "Logging.h"

extern "C" {
#include <libavutil/pixdesc.h>
#include <libavutil/time.h>
}

namespace hlscam {

namespace {
// The demuxers a media file may be read with: video containers and raw H.264/H.265 streams.
constexpr char kFileFormats[] = "mov,matroska,webm,mpegts,h264,hevc,flv,avi,ivf";
// What kind of failure an FFmpeg error code is, for the status API and the retry policy.
Fault faultOf(int err)
{
    if (err == AVERROR(ENOENT) || err == AVERROR(ENODEV) || err == AVERROR(ENXIO))
        return Fault::NoDevice;
    if (err == AVERROR(EBUSY))
        return Fault::Busy;
    if (err == AVERROR(EACCES) || err == AVERROR(EPERM))
        return Fault::NoPermission;
    if (err == AVERROR_INVALIDDATA || err == AVERROR(EINVAL) || err == AVERROR_DEMUXER_NOT_FOUND ||
        err == AVERROR_DECODER_NOT_FOUND || err == AVERROR_PATCHWELCOME)
        return Fault::UnsupportedFormat;
    if (err == AVERROR(EIO))
        return Fault::Io;
    return Fault::Other;
}

}  // namespace

std::unique_ptr<DemuxSource> DemuxSource::file(const QString &path, int width, int height, bool decodeH264)
{
    std::unique_ptr<DemuxSource> s(new DemuxSource);
    s->m_decodeH264 = decodeH264;
    s->m_width = width;
    s->m_height = height;
    s->m_autoSize = width <= 0 || height <= 0;
    s->m_url = path;
    s->m_description = path;
    return s;
}

DemuxSource::~DemuxSource() = default;

Error DemuxSource::openInput()
{
    AVDictionary *options = nullptr;
    // Only what a video file can be: local files (no http:, concat:, subfile: ... protocols) read
    // by video demuxers (no "tty" or image demuxers that would render a text file or any other
    // file of the board as a picture).
    av_dict_set(&options, "protocol_whitelist", "file", 0);
    av_dict_set(&options, "format_whitelist", kFileFormats, 0);
    AVFormatContext *ctx = avformat_alloc_context();
    const int err = avformat_open_input(&ctx, m_url.toUtf8().constData(), nullptr, &options);
    av_dict_free(&options);
    if (err < 0)
        return {faultOf(err), QStringLiteral("%1: %2").arg(m_url, ff::errorText(err))};
    m_input.reset(ctx);
    return {};
}

Error DemuxSource::openDecoder()
{
    const AVCodecParameters *par = m_input->streams[m_stream]->codecpar;
    const AVCodec *codec = avcodec_find_decoder(par->codec_id);
    if (!codec)
        return {
            Fault::UnsupportedFormat,
            QStringLiteral("%1: no decoder for %2").arg(m_url, QString::fromLatin1(avcodec_get_name(par->codec_id)))};
    m_decoder.reset(avcodec_alloc_context3(codec));
    avcodec_parameters_to_context(m_decoder.get(), par);
    m_decoder->thread_count = 1;  // one picture in, one out: no frame-threading delay
    const int err = avcodec_open2(m_decoder.get(), codec, nullptr);
    if (err < 0)
        return {Fault::UnsupportedFormat, QStringLiteral("%1: decoder: %2").arg(m_url, ff::errorText(err))};
    m_converter = std::make_unique<FrameConverter>(m_width, m_height);
    return {};
}

Error DemuxSource::open()
{
    m_input.reset();
    m_decoder.reset();
    m_error = {};
    m_packetsSinceRewind = 0;
    if (Error err = openInput())
        return err;
    if (const int err = avformat_find_stream_info(m_input.get(), nullptr); err < 0)
        return {faultOf(err), QStringLiteral("%1: %2").arg(m_url, ff::errorText(err))};
    m_fileSize = avio_size(m_input->pb);
    m_stream = av_find_best_stream(m_input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (m_stream < 0)
        return {Fault::UnsupportedFormat, QStringLiteral("%1: no video stream").arg(m_url)};

    AVStream *stream = m_input->streams[m_stream];
    const AVCodecParameters *par = stream->codecpar;
    double fps = av_q2d(stream->avg_frame_rate);
    if (!(fps > 0 && fps < 240))
        fps = 25;
    m_description = QStringLiteral("%1 %2 %3x%4@%5")
                        .arg(m_url, QString::fromLatin1(avcodec_get_name(par->codec_id)))
                        .arg(par->width)
                        .arg(par->height)
                        .arg(fps, 0, 'g', 3);
    m_pacer = std::make_unique<FramePacer>(fps);
    if (m_autoSize) {  // width/height = auto: the file's own size (even, for I420)
        m_width = qMax(2, par->width & ~1);
        m_height = qMax(2, par->height & ~1);
    }
    if (par->codec_id != AV_CODEC_ID_H264 || m_decodeH264)
        return openDecoder();
    m_h264.width = par->width;
    m_h264.height = par->height;
    m_h264.extradata = QByteArray(reinterpret_cast<const char *>(par->extradata), par->extradata_size);
    return {};
}

const H264Parameters *DemuxSource::h264Parameters() const
{
    if (!m_input || m_decoder)
        return nullptr;
    return &m_h264;
}

ReadStatus DemuxSource::readPacket(AVPacket *packet)
{
    for (;;) {
        int err = av_read_frame(m_input.get(), packet);
        if (err == AVERROR_EOF) {
            // A file loops: back to the start, and the decoder forgets the old stream position.
            // A file that gives nothing between two ends, or that was truncated or replaced
            // (the demuxer's index no longer matches it), has failed: it is opened again.
            if (m_packetsSinceRewind == 0 || avio_size(m_input->pb) != m_fileSize) {
                m_error = {Fault::Io, QStringLiteral("%1: no video left in the file").arg(m_url)};
                return ReadStatus::Failed;
            }
            m_packetsSinceRewind = 0;
            err = av_seek_frame(m_input.get(), m_stream, 0, AVSEEK_FLAG_BACKWARD);
            if (m_decoder)
                avcodec_flush_buffers(m_decoder.get());
            if (err >= 0)
                continue;
        }
        if (err < 0) {
            m_error = {faultOf(err), QStringLiteral("%1: %2").arg(m_url, ff::errorText(err))};
            return ReadStatus::Failed;
        }
        if (packet->stream_index == m_stream && packet->size > 0 && !(packet->flags & AV_PKT_FLAG_CORRUPT)) {
            ++m_packetsSinceRewind;
            return ReadStatus::Ok;
        }
        av_packet_unref(packet);
    }
}

ReadStatus DemuxSource::read(Capture &out)
{
    ff::PacketPtr packet = ff::makePacket();
    for (;;) {
        const ReadStatus status = readPacket(packet.get());
        if (status != ReadStatus::Ok)
            return status;
        out.monoUs = m_pacer->waitNext();
        out.wallUs = av_gettime();
        if (!m_decoder) {
            out.h264 = QByteArray(reinterpret_cast<const char *>(packet->data), packet->size);
            out.h264Key = packet->flags & AV_PKT_FLAG_KEY;
            return ReadStatus::Ok;
        }
        int err = avcodec_send_packet(m_decoder.get(), packet.get());
        av_packet_unref(packet.get());
        if (err < 0 && err != AVERROR(EAGAIN)) {
            qCDebug(lcCapture) << m_url << "dropped a picture it could not decode:" << ff::errorText(err);
            continue;  // one corrupt MJPEG frame is not a reason to reopen the camera
        }
        ff::FramePtr frame = ff::makeFrame();
        err = avcodec_receive_frame(m_decoder.get(), frame.get());
        if (err == 0) {
            out.picture = m_converter->convert(frame.get());
            if (!out.picture.isNull())
                return ReadStatus::Ok;
            m_error = {Fault::UnsupportedFormat,
                       QStringLiteral("%1: cannot convert %2x%3 %4 to %5x%6 yuv420p")
                           .arg(m_url)
                           .arg(frame->width)
                           .arg(frame->height)
                           .arg(QString::fromLatin1(av_get_pix_fmt_name(AVPixelFormat(frame->format))))
                           .arg(m_width)
                           .arg(m_height)};
            return ReadStatus::Failed;
        }
        if (err != AVERROR(EAGAIN)) {
            m_error = {Fault::UnsupportedFormat, QStringLiteral("%1: decoder: %2").arg(m_url, ff::errorText(err))};
            return ReadStatus::Failed;
        }
    }
}

}  // namespace hlscam
