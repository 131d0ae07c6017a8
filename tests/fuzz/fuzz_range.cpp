// The Range header against bodies of several lengths: a slice always lies inside the body, its
// Content-Range and a header written from it say the same, and only a body's end is refused.
#include "FuzzCheck.h"
#include "http/ByteRange.h"

using namespace hlscam;
using namespace hlscam::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    for (const qint64 length : {qint64(0), qint64(1), qint64(7), qint64(1000), qint64(1) << 40}) {
        const ByteRange r = resolveByteRange(input, length);
        if (input.size() > kMaxRangeHeader || length == 0)
            check(r.kind == ByteRange::Kind::Whole, "too long or an empty body: whole", input);
        if (r.kind != ByteRange::Kind::Partial)
            continue;
        check(r.offset >= 0 && r.length >= 1 && r.offset + r.length <= length, "the slice is inside the body", input);
        const QByteArray last = QByteArray::number(r.offset + r.length - 1);
        check(r.contentRange(length) ==
                  "bytes " + QByteArray::number(r.offset) + '-' + last + '/' + QByteArray::number(length),
              "Content-Range names the slice", input);
        const ByteRange again = resolveByteRange("bytes=" + QByteArray::number(r.offset) + '-' + last, length);
        check(again.kind == r.kind && again.offset == r.offset && again.length == r.length,
              "the slice written as a header is the same slice", input);
    }
    return 0;
}
