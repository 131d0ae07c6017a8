#include "hls/PlaylistWriter.h"

#include <QDateTime>

#include <cmath>

namespace hlscam {

namespace {

QByteArray seconds(qint64 us, int decimals) { return QByteArray::number(double(us) / 1e6, 'f', decimals); }

QByteArray partUri(qint64 msn, qsizetype index, const QByteArray &query)
{
    return "part" + QByteArray::number(msn) + '.' + QByteArray::number(index) + ".m4s" + query;
}

}  // namespace

QByteArray programDateTime(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"))
        .toLatin1();
}

qint64 skipUntilUs(const PlaylistOptions &options)
{
    return 6 * qint64((options.targetDurationMs + 999) / 1000) * 1000000;
}

qint64 partHoldBackUs(const PlaylistOptions &options) { return 3 * qint64(options.partTargetMs) * 1000; }

QByteArray writePlaylist(const StoreSnapshot &snapshot, const PlaylistOptions &options)
{
    // The window: the newest complete segments, then the one being written (its parts only).
    QList<const Segment *> window;
    const Segment *open = nullptr;
    for (const Segment &s : snapshot.segments) {
        if (s.complete)
            window.append(&s);
        else if (!s.parts.isEmpty())
            open = &s;
    }
    if (window.size() > options.windowSegments)
        window.remove(0, window.size() - options.windowSegments);
    QList<const Segment *> listed = window;
    if (open && !window.isEmpty())
        listed.append(open);  // before the first complete segment, a player has nothing to start on

    qint64 discontinuitySequence = snapshot.discontinuitySequence;
    for (const Segment &s : snapshot.segments) {
        if (!window.isEmpty() && &s == window.first())
            break;
        if (s.discontinuity)
            ++discontinuitySequence;
    }

    // EXT-X-TARGETDURATION must be at least every EXTINF rounded to the nearest second.
    qint64 target = (options.targetDurationMs + 999) / 1000;
    for (const Segment *s : window)
        target = qMax(target, qint64(std::llround(double(s->durationUs) / 1e6)));

    // Time from each segment's end to the playlist's end: parts are listed for the last three
    // target durations, and a delta update skips what is older than CAN-SKIP-UNTIL.
    qint64 totalUs = 0;
    for (const Segment *s : listed)
        totalUs += s->durationUs;
    qsizetype skipped = 0;
    if (options.skip) {
        qint64 endUs = 0;
        for (const Segment *s : window) {
            endUs += s->durationUs;
            // Skipped segments lose their tags: never skip past a discontinuity.
            if (totalUs - endUs <= skipUntilUs(options) || s->discontinuity)
                break;
            ++skipped;
        }
    }

    QByteArray out;
    out.reserve(512 + 400 * listed.size());
    out += "#EXTM3U\n#EXT-X-VERSION:9\n";
    out += "#EXT-X-TARGETDURATION:" + QByteArray::number(target) + '\n';
    out += "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=" + seconds(partHoldBackUs(options), 3) +
           ",CAN-SKIP-UNTIL=" + seconds(skipUntilUs(options), 1) + '\n';
    out += "#EXT-X-PART-INF:PART-TARGET=" + seconds(options.partTargetMs * 1000LL, 3) + '\n';
    out += "#EXT-X-MEDIA-SEQUENCE:" + QByteArray::number(window.isEmpty() ? 0 : window.first()->msn) + '\n';
    if (discontinuitySequence > 0)
        out += "#EXT-X-DISCONTINUITY-SEQUENCE:" + QByteArray::number(discontinuitySequence) + '\n';
    out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
    if (skipped > 0)
        out += "#EXT-X-SKIP:SKIPPED-SEGMENTS=" + QByteArray::number(skipped) + '\n';

    qint64 generation = -1;
    qint64 startUs = 0;
    for (qsizetype i = 0; i < listed.size(); ++i) {
        const Segment *s = listed.at(i);
        const qint64 segmentStartUs = startUs;
        startUs += s->durationUs;
        if (i < skipped) {
            generation = s->generation;
            continue;
        }
        if (s->discontinuity && i > 0)
            out += "#EXT-X-DISCONTINUITY\n";
        if (s->generation != generation || i == skipped) {
            generation = s->generation;
            out += "#EXT-X-MAP:URI=\"init" + QByteArray::number(generation) + ".mp4" + options.uriQuery + "\"\n";
        }
        out += "#EXT-X-PROGRAM-DATE-TIME:" + programDateTime(s->programDateTimeMs) + '\n';
        if (totalUs - segmentStartUs - s->durationUs < 3 * target * 1000000) {
            for (qsizetype k = 0; k < s->parts.size(); ++k) {
                const Part &p = s->parts.at(k);
                out += "#EXT-X-PART:DURATION=" + seconds(p.durationUs, 5) + ",URI=\"" +
                       partUri(s->msn, k, options.uriQuery) + '"' + (p.independent ? ",INDEPENDENT=YES" : "") + '\n';
            }
        }
        if (s == open)
            break;
        out += "#EXTINF:" + seconds(s->durationUs, 5) + ",\n";
        out += "seg" + QByteArray::number(s->msn) + ".m4s" + options.uriQuery + '\n';
    }

    // The part the player should ask for next, held by the server until it exists. A segment
    // that has reached its duration ends at the next key frame: the next part starts the next.
    if (!listed.isEmpty()) {
        const Segment *last = listed.last();
        const bool full =
            // listed holds only non-null pointers (&s, and open when set), which the analyzer cannot see.
            // NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
            last != open || last->durationUs + options.partTargetMs * 500LL >= options.targetDurationMs * 1000LL;
        out += "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" +
               (full ? partUri(last->msn + 1, 0, options.uriQuery)
                     : partUri(last->msn, last->parts.size(), options.uriQuery)) +
               "\"\n";
    }
    return out;
}

}  // namespace hlscam
