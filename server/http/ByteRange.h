// The Range header of a media request (RFC 9110 14.2), resolved against the body's length: one
// byte range is served as a 206 slice, a range past the end is a 416, and anything else (a
// malformed header, another unit, several ranges) is ignored and the whole body served, as the
// RFC allows. Pure: no I/O, so it is unit tested and fuzzed on its own.
#pragma once

#include "Limits.h"

#include <QByteArray>
#include <QtGlobal>

namespace hlscam {

struct ByteRange {
    enum class Kind { Whole, Partial, Unsatisfiable };
    Kind kind = Kind::Whole;
    qint64 offset = 0;  // Partial: the slice [offset, offset + length), inside the body
    qint64 length = 0;

    // The Content-Range value: "bytes a-b/LEN" for Partial, "bytes */LEN" for Unsatisfiable.
    QByteArray contentRange(qint64 bodyLength) const;
};

// A longer header is ignored unread: a real client asking for one range never needs this much.
constexpr qsizetype kMaxRangeHeader = limits::kRangeHeaderBytes;

// `header` is the field value as received (empty when absent), `bodyLength` >= 0.
ByteRange resolveByteRange(const QByteArray &header, qint64 bodyLength);

}  // namespace hlscam
