#include "hls/PlaylistWriter.h"

#include <QDateTime>

#include <cmath>

namespace hlscam {

QByteArray programDateTime(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"))
        .toLatin1();
}

QByteArray writePlaylist(const StoreSnapshot &snapshot, const PlaylistOptions &options)
{
    // The window: the newest complete segments.
    QList<const Segment *> window;
    for (const Segment &s : snapshot.segments)
        if (s.complete)
            window.append(&s);
    if (window.size() > options.windowSegments)
        window.remove(0, window.size() - options.windowSegments);

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

    QByteArray out;
    out.reserve(256 + 160 * window.size());
    out += "#EXTM3U\n#EXT-X-VERSION:7\n";
    out += "#EXT-X-TARGETDURATION:" + QByteArray::number(target) + '\n';
    out += "#EXT-X-MEDIA-SEQUENCE:" +
           QByteArray::number(window.isEmpty() ? 0 : window.first()->msn) + '\n';
    if (discontinuitySequence > 0)
        out += "#EXT-X-DISCONTINUITY-SEQUENCE:" + QByteArray::number(discontinuitySequence) + '\n';
    out += "#EXT-X-INDEPENDENT-SEGMENTS\n";

    qint64 generation = -1;
    for (const Segment *s : window) {
        if (s->discontinuity && s != window.first())
            out += "#EXT-X-DISCONTINUITY\n";
        if (s->generation != generation) {
            generation = s->generation;
            out += "#EXT-X-MAP:URI=\"init" + QByteArray::number(generation) + ".mp4" +
                   options.uriQuery + "\"\n";
        }
        out += "#EXT-X-PROGRAM-DATE-TIME:" + programDateTime(s->programDateTimeMs) + '\n';
        out += "#EXTINF:" + QByteArray::number(double(s->durationUs) / 1e6, 'f', 5) + ",\n";
        out += "seg" + QByteArray::number(s->msn) + ".m4s" + options.uriQuery + '\n';
    }
    return out;
}

}  // namespace hlscam
