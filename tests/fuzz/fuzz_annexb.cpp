// The Annex B access-unit splitter a camera program's output goes through, and the SPS reader:
// the same access units whether the bytes come at once or one by one, every unit within the
// byte bound and made of start-code-led NAL units, and any SPS in them read to a sane size.
#include "FuzzCheck.h"
#include "capture/AccessUnitSplitter.h"
#include "hls/H264Bitstream.h"

using namespace hlscam;
using namespace hlscam::fuzz;

namespace {
constexpr qsizetype kMaxBytes = 4096;

QList<AnnexBAccessUnit> split(const QByteArray &input, qsizetype chunk, bool *failed)
{
    AccessUnitSplitter splitter(kMaxBytes);
    QList<AnnexBAccessUnit> units;
    *failed = false;
    for (qsizetype at = 0; at < input.size() && !*failed; at += chunk) {
        *failed = splitter.append(QByteArrayView(input).sliced(at, qMin(chunk, input.size() - at))).failed();
        while (std::optional<AnnexBAccessUnit> u = splitter.next())
            units << *u;
    }
    while (std::optional<AnnexBAccessUnit> u = splitter.finish())
        units << *u;
    return units;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    bool wholeFailed = false, pieceFailed = false;
    const QList<AnnexBAccessUnit> whole = split(input, qMax<qsizetype>(1, input.size()), &wholeFailed);
    const QList<AnnexBAccessUnit> pieces = split(input, 1, &pieceFailed);
    check(wholeFailed == pieceFailed, "fails the same however the bytes come", input);
    if (!wholeFailed) {
        check(whole.size() == pieces.size(), "as many units however the bytes come", input);
        for (qsizetype i = 0; i < whole.size() && i < pieces.size(); ++i)
            check(whole[i].data == pieces[i].data && whole[i].key == pieces[i].key, "the same units", input);
    }
    for (const AnnexBAccessUnit &u : whole) {
        check(u.data.size() <= kMaxBytes, "a unit within the bound", input);
        check(u.data.startsWith(QByteArray("\x00\x00\x00\x01", 4)), "a unit starts with a start code", input);
        for (QByteArrayView nal : h264::splitAnnexB(u.data)) {
            if (h264::nalType(nal) != h264::kNalSps)
                continue;
            if (const std::optional<h264::PictureSize> s = h264::pictureSize(nal))
                check(s->width > 0 && s->height > 0 && s->width <= 16384 && s->height <= 2 * 16384,
                      "an SPS gives a sane size", input);
        }
    }
    return 0;
}
