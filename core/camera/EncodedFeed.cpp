#include "camera/EncodedFeed.h"

namespace hlscam {

int EncodedFeed::subscribe(Sink sink)
{
    QMutexLocker lock(&m_mutex);
    m_sinks.append({m_nextId, std::move(sink)});
    return m_nextId++;
}

void EncodedFeed::unsubscribe(int id)
{
    QMutexLocker lock(&m_mutex);
    m_sinks.removeIf([id](const auto &s) { return s.first == id; });
}

h264::ParameterSets EncodedFeed::parameterSets() const
{
    QMutexLocker lock(&m_mutex);
    return m_sets;
}

void EncodedFeed::publish(const EncodedPacket &packet, const H264Parameters &parameters)
{
    QMutexLocker lock(&m_mutex);
    if (parameters.extradata != m_extradata) {
        m_extradata = parameters.extradata;
        m_sets = h264::readExtradata(parameters.extradata);
    }
    const int lengthSize = m_sets.nalLengthSize;
    if (m_sinks.isEmpty() && !(packet.key && lengthSize == 0))
        return;
    const QList<QByteArrayView> views =
        lengthSize == 0 ? h264::splitAnnexB(packet.data) : h264::splitLengthPrefixed(packet.data, lengthSize);
    if (packet.key && lengthSize == 0) {
        // Cameras that send SPS/PPS only in band: keep the latest for new viewers' answers.
        const h264::ParameterSets inBand = h264::parameterSetsInBand(packet.data);
        if (!inBand.isEmpty()) {
            m_sets.sps = inBand.sps;
            m_sets.pps = inBand.pps;
        }
    }
    if (m_sinks.isEmpty())
        return;
    auto unit = std::make_shared<AccessUnit>();
    unit->key = packet.key;
    unit->monoUs = packet.monoUs;
    unit->wallUs = packet.wallUs;
    for (QByteArrayView nal : views)
        unit->nals.append(nal.toByteArray());
    const AccessUnitPtr shared = std::move(unit);
    for (const auto &sink : std::as_const(m_sinks))
        sink.second(shared);
}

}  // namespace hlscam
