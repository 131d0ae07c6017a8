// Parses the media URLs of a camera: /cam/<name>/index.m3u8, init.mp4, init<G>.mp4, seg<N>.m4s,
// part<N>.<K>.m4s, snapshot.jpg, stream.mjpg. Strict (digits only, bounded lengths), so odd paths are plain 404s.
#pragma once

#include <QString>

namespace hlscam {

struct MediaPath {
    enum class Kind { Invalid, Playlist, LatestInit, Init, Segment, Part, Snapshot, Mjpeg };
    Kind kind = Kind::Invalid;
    QString camera;
    qint64 number = 0;  // generation for Init, media sequence number for Segment and Part
    int part = 0;
};

// `path` is the URL path, already percent-decoded by QUrl; it must start with /cam/.
MediaPath parseMediaPath(QStringView path);

// The kind's name in the metrics: "playlist", "init", "segment", "part", "media-other".
const char *routeName(MediaPath::Kind kind);

}  // namespace hlscam
