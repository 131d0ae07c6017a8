#include "hls/Fmp4Packager.h"

#include "Logging.h"

extern "C" {
#include <libavutil/mathematics.h>
}

namespace hlscam {

namespace {
constexpr AVRational kMicroseconds{1, 1000000};
constexpr int kIoBufferSize = 64 * 1024;

// Annex B start codes: 00 00 01 or 00 00 00 01. Returns the offset of the NAL after it, or -1.
int nextNal(const uint8_t *data, int size, int from)
{
    for (int i = from; i + 3 <= size; ++i)
        if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1)
            return i + 3;
    return -1;
}
}  // namespace

QByteArray extractParameterSets(const uint8_t *data, int size)
{
    QByteArray out;
    int nal = nextNal(data, size, 0);
    while (nal >= 0 && nal < size) {
        int next = nextNal(data, size, nal);
        int end = next < 0 ? size : next - 3;
        while (end > nal && data[end - 1] == 0)
            --end;  // a four-byte start code's leading zero belongs to neither NAL
        const int type = data[nal] & 0x1f;
        if (type == 7 || type == 8) {  // SPS, PPS
            out.append("\0\0\0\1", 4);
            out.append(reinterpret_cast<const char *>(data + nal), end - nal);
        }
        nal = next;
    }
    return out;
}

Fmp4Packager::Fmp4Packager(SegmentStore &store, const PackagerOptions &options)
    : m_store(store), m_options(options)
{
}

Fmp4Packager::~Fmp4Packager() { finish(); }

int Fmp4Packager::onWrite(void *opaque, const uint8_t *data, int size)
{
    static_cast<Fmp4Packager *>(opaque)->m_pending.append(reinterpret_cast<const char *>(data), size);
    return size;
}

QString Fmp4Packager::start(const AVCodecParameters *parameters, const AVPacket *keyPacket)
{
    int err = avformat_alloc_output_context2(&m_muxer, nullptr, "mp4", nullptr);
    if (err < 0)
        return QStringLiteral("mp4 muxer: %1").arg(ff::errorText(err));
    m_stream = avformat_new_stream(m_muxer, nullptr);
    avcodec_parameters_copy(m_stream->codecpar, parameters);
    m_stream->codecpar->codec_tag = 0;
    m_stream->time_base = AVRational{1, 90000};
    if (parameters->extradata_size == 0) {
        // Cameras and some hardware encoders send SPS/PPS only in band, but the init segment
        // needs them up front: take them from the first key frame.
        const QByteArray sets = extractParameterSets(keyPacket->data, keyPacket->size);
        if (sets.isEmpty())
            return QStringLiteral("the first key frame carries no SPS/PPS");
        m_stream->codecpar->extradata =
            static_cast<uint8_t *>(av_mallocz(sets.size() + AV_INPUT_BUFFER_PADDING_SIZE));
        memcpy(m_stream->codecpar->extradata, sets.constData(), sets.size());
        m_stream->codecpar->extradata_size = int(sets.size());
    }

    auto *buffer = static_cast<unsigned char *>(av_malloc(kIoBufferSize));
#if LIBAVFORMAT_VERSION_MAJOR >= 61
    m_muxer->pb = avio_alloc_context(buffer, kIoBufferSize, 1, this, nullptr, &Fmp4Packager::onWrite, nullptr);
#else
    m_muxer->pb = avio_alloc_context(
        buffer, kIoBufferSize, 1, this, nullptr,
        reinterpret_cast<int (*)(void *, uint8_t *, int)>(&Fmp4Packager::onWrite), nullptr);
#endif
    m_muxer->flags |= AVFMT_FLAG_CUSTOM_IO;

    AVDictionary *options = nullptr;
    // frag_custom: a fragment is cut exactly when we say (a part); empty_moov: the init segment
    // holds no samples; default_base_moof: what CMAF and MSE players expect.
    av_dict_set(&options, "movflags", "+frag_custom+empty_moov+default_base_moof+skip_trailer", 0);
    err = avformat_write_header(m_muxer, &options);
    av_dict_free(&options);
    if (err < 0)
        return QStringLiteral("mp4 muxer: %1").arg(ff::errorText(err));
    avio_flush(m_muxer->pb);
    qCDebug(lcHls) << "new generation:" << m_stream->codecpar->width << "x" << m_stream->codecpar->height
                   << "init segment" << m_pending.size() << "bytes";
    m_store.beginGeneration(m_pending);
    m_pending.clear();
    m_partOpen = false;
    m_partStartsSegment = true;
    return {};
}

QString Fmp4Packager::write(EncodedPacket &packet, const AVCodecParameters *parameters)
{
    const qint64 t = packet.monoUs;
    if (!m_muxer) {
        if (!packet.key)
            return {};  // a segment must start with a key frame
        if (QString err = start(parameters, packet.packet.get()); !err.isEmpty()) {
            finish();
            return err;
        }
        m_generationStartUs = t;
    }
    if (t <= m_lastPacketUs && m_partOpen)
        return {};  // a timestamp that goes backwards would break the fragment timeline

    const qint64 halfFrameUs = 500000 / m_options.fps;
    if (m_partOpen) {
        const bool newSegment =
            packet.key && t - m_segmentStartUs >= m_options.segmentMs * 1000LL - halfFrameUs;
        if (newSegment || t - m_partStartUs >= m_options.partMs * 1000LL - halfFrameUs) {
            flushPart(t - m_partStartUs);
            m_partStartsSegment = newSegment;
        }
    }
    if (!m_partOpen) {
        m_partOpen = true;
        m_partStartUs = t;
        m_partIndependent = packet.key;
        if (m_partStartsSegment) {
            m_segmentStartUs = t;
            m_segmentPdtMs = packet.wallUs / 1000;
        }
    }

    AVPacket *p = packet.packet.get();
    p->stream_index = 0;
    p->pts = p->dts = av_rescale_q(t - m_generationStartUs, kMicroseconds, m_stream->time_base);
    p->duration = av_rescale_q(1000000 / m_options.fps, kMicroseconds, m_stream->time_base);
    if (packet.key)
        p->flags |= AV_PKT_FLAG_KEY;
    const int err = av_write_frame(m_muxer, p);
    if (err < 0)
        return QStringLiteral("mp4 muxer: %1").arg(ff::errorText(err));
    m_lastPacketUs = t;
    return {};
}

void Fmp4Packager::flushPart(qint64 durationUs)
{
    av_write_frame(m_muxer, nullptr);  // frag_custom: cut the fragment here
    avio_flush(m_muxer->pb);
    m_store.addPart(Part{m_pending, durationUs, m_partIndependent}, m_partStartsSegment,
                    m_segmentPdtMs);
    m_pending.clear();
    m_partOpen = false;
}

void Fmp4Packager::finish()
{
    if (!m_muxer)
        return;
    if (m_partOpen)
        flushPart(m_lastPacketUs - m_partStartUs + 1000000 / m_options.fps);
    m_store.endGeneration();
    if (m_muxer->pb) {
        av_freep(&m_muxer->pb->buffer);
        avio_context_free(&m_muxer->pb);
    }
    avformat_free_context(m_muxer);
    m_muxer = nullptr;
    m_stream = nullptr;
    m_pending.clear();
    m_partOpen = false;
    m_lastPacketUs = 0;
}

}  // namespace hlscam
