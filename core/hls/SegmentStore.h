// The bounded in-memory ring of one camera's fMP4 media: init segments, segments and their parts.
// Written by the camera's pipeline thread, read by the HTTP side on the main thread. Media are
// immutable QByteArrays: readers share them (a reference count), nothing is copied per request.
#pragma once

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QObject>
#include <optional>

namespace hlscam {

struct Part {
    QByteArray data;  // one fMP4 fragment: moof + mdat
    qint64 durationUs = 0;
    bool independent = false;  // starts with a key frame
};

struct Segment {
    qint64 msn = 0;                // media sequence number: also its URL, seg<msn>.m4s
    qint64 generation = 0;         // which init segment it needs (the MSN of its generation's first segment)
    bool discontinuity = false;    // first segment after the source restarted
    qint64 programDateTimeMs = 0;  // wall clock of its first picture
    qint64 durationUs = 0;         // known once complete
    QList<Part> parts;
    QByteArray data;  // all parts, once complete
    bool complete = false;
};

// What a playlist needs, copied out under the lock (media bytes are shared, not copied).
struct StoreSnapshot {
    QList<Segment> segments;           // oldest first; the last may be incomplete
    qint64 discontinuitySequence = 0;  // discontinuities before segments.first()
    qint64 latestGeneration = -1;
};

// Where the store is, cheaply (no media copied): for blocking playlist reloads and held parts.
struct StorePosition {
    qint64 firstMsn = -1;  // -1: no segment yet
    qint64 lastMsn = -1;   // the newest segment, complete or being written
    int lastParts = 0;
    bool lastComplete = false;
    // The newest part: when it was stored, and how long after the end of the time it covers
    // (encoding and packaging: the server's share of the latency). -1: none yet.
    qint64 lastPartStoredMs = -1;
    qint64 lastPartDelayMs = -1;
};

class SegmentStore : public QObject {
    Q_OBJECT
public:
    // Keeps `retainSegments` complete segments (the playlist window plus a margin for players
    // that fetched the playlist a moment ago) and the one being written.
    SegmentStore(qint64 firstMsn, int retainSegments, QObject *parent = nullptr);

    // Writer side. A generation is one run of the source and encoder with one init segment;
    // every generation after the first starts with a discontinuity.
    void beginGeneration(const QByteArray &init);
    // Adds a finished part; startsSegment closes the current segment and opens the next one.
    void addPart(const Part &part, bool startsSegment, qint64 programDateTimeMs);
    // Closes the segment being written (source stopped): the next one starts a new generation.
    void endGeneration();

    // Reader side, any thread.
    StoreSnapshot snapshot() const;
    std::optional<QByteArray> segment(qint64 msn) const;  // complete segments only
    std::optional<QByteArray> part(qint64 msn, int index) const;
    std::optional<QByteArray> init(qint64 generation) const;
    std::optional<QByteArray> latestInit() const;
    qint64 nextMsn() const;
    StorePosition position() const;
    // Parts of segment `msn` so far and whether it is complete; nullopt when not in the store.
    std::optional<std::pair<int, bool>> progress(qint64 msn) const;

Q_SIGNALS:
    // A part or segment was added. Emitted from the writer thread: connect queued.
    void changed();

private:
    void closeCurrent();
    void trim();
    const Segment *find(qint64 msn) const;

    mutable QMutex m_mutex;
    int m_retain;
    qint64 m_nextMsn;
    QList<Segment> m_segments;
    QList<std::pair<qint64, QByteArray>> m_inits;  // generation -> init segment
    qint64 m_generation = -1;
    bool m_pendingDiscontinuity = false;
    bool m_open = false;  // the last segment is being written
    qint64 m_discontinuitySequence = 0;
    qint64 m_lastPartStoredMs = -1;
    qint64 m_lastPartDelayMs = -1;
};

}  // namespace hlscam
