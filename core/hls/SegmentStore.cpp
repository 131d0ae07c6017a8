#include "hls/SegmentStore.h"

#include <QDateTime>

#include <QMutexLocker>

namespace hlscam {

SegmentStore::SegmentStore(qint64 firstMsn, int retainSegments, QObject *parent)
    : QObject(parent),
      m_retain(retainSegments),
      m_nextMsn(firstMsn)
{}

void SegmentStore::beginGeneration(const QByteArray &init)
{
    QMutexLocker lock(&m_mutex);
    closeCurrent();
    trim();
    m_pendingDiscontinuity = m_generation >= 0;
    m_generation = m_nextMsn;
    m_inits.append({m_generation, init});
}

void SegmentStore::addPart(const Part &part, bool startsSegment, qint64 programDateTimeMs)
{
    {
        QMutexLocker lock(&m_mutex);
        if (startsSegment || !m_open) {
            closeCurrent();
            Segment s;
            s.msn = m_nextMsn++;
            s.generation = m_generation;
            s.discontinuity = m_pendingDiscontinuity;
            s.programDateTimeMs = programDateTimeMs;
            m_pendingDiscontinuity = false;
            m_segments.append(s);
            m_open = true;
        }
        Segment &current = m_segments.last();
        current.parts.append(part);
        current.durationUs += part.durationUs;
        m_lastPartStoredMs = QDateTime::currentMSecsSinceEpoch();
        // The time it covers ends at the segment's start plus the segment's duration so far.
        m_lastPartDelayMs =
            qMax<qint64>(0, m_lastPartStoredMs - (current.programDateTimeMs + current.durationUs / 1000));
        trim();
    }
    Q_EMIT changed();
}

void SegmentStore::endGeneration()
{
    {
        QMutexLocker lock(&m_mutex);
        closeCurrent();
        trim();
    }
    Q_EMIT changed();
}

void SegmentStore::closeCurrent()
{
    if (!m_open)
        return;
    Segment &s = m_segments.last();
    qsizetype size = 0;
    for (const Part &p : std::as_const(s.parts))
        size += p.data.size();
    s.data.reserve(size);
    for (const Part &p : std::as_const(s.parts))
        s.data.append(p.data);
    s.complete = true;
    m_open = false;
}

void SegmentStore::trim()
{
    const int keep = m_retain + (m_open ? 1 : 0);
    while (m_segments.size() > keep) {
        if (m_segments.first().discontinuity)
            ++m_discontinuitySequence;
        m_segments.removeFirst();
    }
    // An init segment stays while a segment of its generation does (and always the latest).
    const qint64 oldest = m_segments.isEmpty() ? m_generation : m_segments.first().generation;
    while (m_inits.size() > 1 && m_inits.first().first < oldest)
        m_inits.removeFirst();
}

StoreSnapshot SegmentStore::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    StoreSnapshot out{{}, m_discontinuitySequence, m_generation};
    // The segment records are copied (their media bytes stay shared): the writer changes its own
    // records in place (parts, completion), so they are never shared with a reader, where a
    // copy-on-write detach would decide ownership by a relaxed reference count.
    out.segments.reserve(m_segments.size());
    for (const Segment &segment : m_segments)
        out.segments.append(segment);
    return out;
}

const Segment *SegmentStore::find(qint64 msn) const
{
    if (m_segments.isEmpty())
        return nullptr;
    const qint64 index = msn - m_segments.first().msn;
    if (index < 0 || index >= m_segments.size())
        return nullptr;
    return &m_segments.at(index);
}

std::optional<QByteArray> SegmentStore::segment(qint64 msn) const
{
    QMutexLocker lock(&m_mutex);
    const Segment *s = find(msn);
    if (!s || !s->complete)
        return std::nullopt;
    return s->data;
}

std::optional<QByteArray> SegmentStore::part(qint64 msn, int index) const
{
    QMutexLocker lock(&m_mutex);
    const Segment *s = find(msn);
    if (!s || index < 0 || index >= s->parts.size())
        return std::nullopt;
    return s->parts.at(index).data;
}

std::optional<QByteArray> SegmentStore::init(qint64 generation) const
{
    QMutexLocker lock(&m_mutex);
    for (const auto &[g, data] : m_inits)
        if (g == generation)
            return data;
    return std::nullopt;
}

std::optional<QByteArray> SegmentStore::latestInit() const
{
    QMutexLocker lock(&m_mutex);
    if (m_inits.isEmpty())
        return std::nullopt;
    return m_inits.last().second;
}

qint64 SegmentStore::nextMsn() const
{
    QMutexLocker lock(&m_mutex);
    return m_nextMsn;
}

StorePosition SegmentStore::position() const
{
    QMutexLocker lock(&m_mutex);
    StorePosition p;
    if (m_segments.isEmpty())
        return p;
    p.firstMsn = m_segments.first().msn;
    p.lastMsn = m_segments.last().msn;
    p.lastParts = int(m_segments.last().parts.size());
    p.lastComplete = m_segments.last().complete;
    p.lastPartStoredMs = m_lastPartStoredMs;
    p.lastPartDelayMs = m_lastPartDelayMs;
    return p;
}

std::optional<std::pair<int, bool>> SegmentStore::progress(qint64 msn) const
{
    QMutexLocker lock(&m_mutex);
    const Segment *s = find(msn);
    if (!s)
        return std::nullopt;
    return std::pair<int, bool>(int(s->parts.size()), s->complete);
}

}  // namespace hlscam
