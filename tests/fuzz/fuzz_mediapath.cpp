// A camera's media URL path (/cam/<name>/index.m3u8, init<G>.mp4, seg<N>.m4s, part<N>.<K>.m4s)
// from arbitrary text: whatever is accepted has a valid camera name and numbers in range, and
// written out again is the very path that came in (no trailing byte, no second form of a name
// that a cache or a log would count apart).
#include "FuzzCheck.h"
#include "http/MediaPath.h"

#include <QRegularExpression>

using namespace hlscam;
using namespace hlscam::fuzz;

namespace {
QString written(const MediaPath &p)
{
    const QString dir = QStringLiteral("/cam/%1/").arg(p.camera);
    switch (p.kind) {
    case MediaPath::Kind::Playlist: return dir + QStringLiteral("index.m3u8");
    case MediaPath::Kind::LatestInit: return dir + QStringLiteral("init.mp4");
    case MediaPath::Kind::Init: return dir + QStringLiteral("init%1.mp4").arg(p.number);
    case MediaPath::Kind::Segment: return dir + QStringLiteral("seg%1.m4s").arg(p.number);
    case MediaPath::Kind::Part: return dir + QStringLiteral("part%1.%2.m4s").arg(p.number).arg(p.part);
    case MediaPath::Kind::Invalid: break;
    }
    return {};
}

// Numbers may be written with leading zeros; compare them as numbers.
QString withoutLeadingZeros(QString path)
{
    static const QRegularExpression zeros(QStringLiteral("(?<=[a-z.])0+(?=[0-9])"));
    return path.replace(zeros, QString());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    const QString path = QString::fromUtf8(input);
    const MediaPath p = parseMediaPath(path);
    if (p.kind == MediaPath::Kind::Invalid)
        return 0;
    static const QRegularExpression name(QStringLiteral("^[A-Za-z0-9_-]{1,32}$"));
    check(name.match(p.camera).hasMatch(), "camera name is 1 to 32 of A-Z a-z 0-9 _ -", input);
    check(p.number >= 0 && p.part >= 0 && p.part < 10000, "numbers in range", input);
    check(withoutLeadingZeros(written(p)) == withoutLeadingZeros(path), "written out again, the same path", input);
    check(parseMediaPath(written(p)).kind == p.kind, "written out again, parses the same", input);
    return 0;
}
