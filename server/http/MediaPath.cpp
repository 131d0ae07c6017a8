#include "http/MediaPath.h"

#include <QRegularExpression>

namespace hlscam {

namespace {

bool validCameraName(QStringView name)
{
    if (name.isEmpty() || name.size() > 32)
        return false;
    for (QChar c : name)
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'_' && c != u'-')
            return false;
    return true;
}

}  // namespace

MediaPath parseMediaPath(QStringView path)
{
    MediaPath out;
    if (!path.startsWith(u"/cam/"))
        return out;
    path = path.mid(5);
    const qsizetype slash = path.indexOf(u'/');
    if (slash < 0)
        return out;
    const QStringView camera = path.left(slash);
    const QStringView file = path.mid(slash + 1);
    if (!validCameraName(camera))
        return out;

    // At most 18 digits keeps every number inside qint64. Anchored at the very end: "$" would
    // also match before a final newline, so "index.m3u8\n" would be a second name of the file.
    static const QRegularExpression media(QRegularExpression::anchoredPattern(
        QStringLiteral("(?:(index\\.m3u8)|(init\\.mp4)|init([0-9]{1,18})\\.mp4|seg([0-9]{1,18})\\.m4s|"
                       "part([0-9]{1,18})\\.([0-9]{1,4})\\.m4s|(snapshot\\.jpg)|(stream\\.mjpg))")));
    const QRegularExpressionMatch m = media.match(file);
    if (!m.hasMatch())
        return out;
    out.camera = camera.toString();
    if (m.hasCaptured(1)) {
        out.kind = MediaPath::Kind::Playlist;
    } else if (m.hasCaptured(2)) {
        out.kind = MediaPath::Kind::LatestInit;
    } else if (m.hasCaptured(3)) {
        out.kind = MediaPath::Kind::Init;
        out.number = m.captured(3).toLongLong();
    } else if (m.hasCaptured(4)) {
        out.kind = MediaPath::Kind::Segment;
        out.number = m.captured(4).toLongLong();
    } else if (m.hasCaptured(7)) {
        out.kind = MediaPath::Kind::Snapshot;
    } else if (m.hasCaptured(8)) {
        out.kind = MediaPath::Kind::Mjpeg;
    } else {
        out.kind = MediaPath::Kind::Part;
        out.number = m.captured(5).toLongLong();
        out.part = m.captured(6).toInt();
    }
    return out;
}

const char *routeName(MediaPath::Kind kind)
{
    switch (kind) {
    case MediaPath::Kind::Playlist: return "playlist";
    case MediaPath::Kind::LatestInit:
    case MediaPath::Kind::Init: return "init";
    case MediaPath::Kind::Segment: return "segment";
    case MediaPath::Kind::Part: return "part";
    case MediaPath::Kind::Snapshot: return "snapshot";
    case MediaPath::Kind::Mjpeg: return "mjpeg";
    case MediaPath::Kind::Invalid: break;
    }
    return "media-other";
}

}  // namespace hlscam
