#include "hls/Fmp4Packager.h"

#include "Logging.h"
#include "hls/H264Bitstream.h"

#include <algorithm>

namespace hlscam {

namespace {
constexpr quint32 kTimescale = 90000;
}

Fmp4Packager::Fmp4Packager(SegmentStore &store, const PackagerOptions &options)
    : m_store(store),
      m_options(options)
{}

Fmp4Packager::~Fmp4Packager() { finish(); }

qint64 Fmp4Packager::stallUs() const
{
    return std::max<qint64>(m_options.segmentMs * 1000LL, 3 * 1000000LL / m_options.fps);
}

quint64 Fmp4Packager::decodeTime(qint64 monoUs) const
{
    return quint64(((monoUs - m_generationStartUs) * kTimescale + 500000) / 1000000);
}

Error Fmp4Packager::start(const H264Parameters &parameters, const EncodedPacket &keyPacket)
{
    h264::ParameterSets sets = h264::readExtradata(parameters.extradata);
    if (sets.isEmpty()) {
        // Cameras and some hardware encoders send SPS/PPS only in band, but the init segment
        // needs them up front: take them from the first key frame.
        const int lengthSize = sets.nalLengthSize;
        sets = lengthSize == 0 ? h264::parameterSetsInBand(keyPacket.data) : h264::ParameterSets{};
        sets.nalLengthSize = lengthSize;
        if (sets.isEmpty())
            return {Fault::UnsupportedFormat, QStringLiteral("the first key frame carries no SPS/PPS")};
    }
    CmafTrack track;
    track.width = parameters.width;
    track.height = parameters.height;
    track.timescale = kTimescale;
    track.avcConfiguration = h264::decoderConfiguration(sets);
    if (track.avcConfiguration.isEmpty())
        return {Fault::UnsupportedFormat, QStringLiteral("the stream's SPS cannot be read")};
    const QByteArray init = cmafInitSegment(track);
    qCDebug(lcHls) << "new generation:" << track.width << "x" << track.height << "init segment" << init.size()
                   << "bytes";
    m_store.beginGeneration(init);
    m_nalLengthSize = sets.nalLengthSize;
    m_sequence = 0;
    m_started = true;
    m_partOpen = false;
    m_partStartsSegment = true;
    return {};
}

Error Fmp4Packager::write(const EncodedPacket &packet, const H264Parameters &parameters)
{
    const qint64 t = packet.monoUs;
    // The source stalled (a camera that hiccupped, a board frozen for a while): written as it
    // came, the gap would become one sample as long as the stall, in a segment far longer than
    // the playlist's target duration, which players choke on (FFmpeg waited that long between
    // reloads). The generation ends where its last picture ends; the pictures after the stall
    // start a new one at a key frame, behind a discontinuity.
    if (m_started && m_partOpen && t - m_lastPacketUs > stallUs()) {
        qCInfo(lcHls) << "the source stalled for" << (t - m_lastPacketUs) / 1000 << "ms: a discontinuity";
        finish();
    }
    if (!m_started) {
        if (!packet.key)
            return {};  // a segment must start with a key frame
        if (Error err = start(parameters, packet))
            return err;
        m_generationStartUs = t;
    }
    if (t <= m_lastPacketUs && m_partOpen)
        return {};  // a timestamp that goes backwards would break the fragment timeline

    const qint64 halfFrameUs = 500000 / m_options.fps;
    if (m_partOpen) {
        const bool newSegment = packet.key && t - m_segmentStartUs >= m_options.segmentMs * 1000LL - halfFrameUs;
        if (newSegment || t - m_partStartUs >= m_options.partMs * 1000LL - halfFrameUs) {
            flushPart(t - m_partStartUs, decodeTime(t));
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

    const qsizetype before = m_payload.size();
    h264::appendLengthPrefixed(m_payload, packet.data, m_nalLengthSize);
    m_sampleTimes.push_back(decodeTime(t));
    m_samples.push_back(CmafSample{0, quint32(m_payload.size() - before), packet.key});
    m_lastPacketUs = t;
    return {};
}

void Fmp4Packager::flushPart(qint64 durationUs, quint64 nextDecodeTime)
{
    // Each sample lasts until the next one starts, so the fragments' timeline has no gap.
    for (size_t i = 0; i < m_samples.size(); ++i) {
        const quint64 end = i + 1 < m_samples.size() ? m_sampleTimes[i + 1] : nextDecodeTime;
        m_samples[i].duration = quint32(qMax(end, m_sampleTimes[i] + 1) - m_sampleTimes[i]);
    }
    const QByteArray fragment = cmafFragment(++m_sequence, m_sampleTimes.front(), m_samples, m_payload);
    m_store.addPart(Part{fragment, durationUs, m_partIndependent}, m_partStartsSegment, m_segmentPdtMs);
    m_samples.clear();
    m_sampleTimes.clear();
    m_payload.resize(0);  // keeps its capacity for the next part (clear() would free it)
    m_partOpen = false;
}

void Fmp4Packager::finish()
{
    if (!m_started)
        return;
    if (m_partOpen && !m_samples.empty()) {
        const qint64 frameUs = 1000000 / m_options.fps;
        flushPart(m_lastPacketUs - m_partStartUs + frameUs, decodeTime(m_lastPacketUs + frameUs));
    }
    m_store.endGeneration();
    m_started = false;
    m_samples.clear();
    m_sampleTimes.clear();
    m_payload.clear();
    m_partOpen = false;
    m_lastPacketUs = 0;
}

}  // namespace hlscam
