#include "http/ByteRange.h"

#include <QList>
#include <limits>

namespace hlscam {

namespace {

constexpr qint64 kHuge = std::numeric_limits<qint64>::max();

bool isOws(char c) { return c == ' ' || c == '\t'; }

// 1*DIGIT; a value past qint64 saturates (RFC 9110: positions may exceed any length, and
// "bytes=0-99999999999999999999" still asks for everything from 0).
bool readPosition(QByteArrayView text, qint64 *out)
{
    if (text.isEmpty())
        return false;
    qint64 n = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        const int digit = c - '0';
        n = n > (kHuge - digit) / 10 ? kHuge : n * 10 + digit;
    }
    *out = n;
    return true;
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && isOws(text.front()))
        text = text.sliced(1);
    while (!text.isEmpty() && isOws(text.back()))
        text.chop(1);
    return text;
}

}  // namespace

QByteArray ByteRange::contentRange(qint64 bodyLength) const
{
    const QByteArray total = '/' + QByteArray::number(bodyLength);
    if (kind == Kind::Unsatisfiable)
        return "bytes *" + total;
    return "bytes " + QByteArray::number(offset) + '-' + QByteArray::number(offset + length - 1) + total;
}

ByteRange resolveByteRange(const QByteArray &header, qint64 bodyLength)
{
    const ByteRange whole;
    if (header.isEmpty() || header.size() > kMaxRangeHeader || bodyLength <= 0)
        return whole;  // an empty body has no range to slice (RFC 9110 14.1.1: serve it whole)
    // range-unit "=" range-set, no whitespace around "=" (the grammar has none); the field
    // value's own leading and trailing whitespace is not part of it.
    const QByteArrayView value = trimmed(header);
    const qsizetype equals = value.indexOf('=');
    if (equals < 0 || value.first(equals).compare("bytes", Qt::CaseInsensitive) != 0)
        return whole;
    // range-set = 1#range-spec: commas with optional whitespace; empty elements are allowed
    // and skipped (RFC 9110 5.6.1.2).
    QList<QByteArrayView> specs;
    QByteArrayView rest = value.sliced(equals + 1);
    while (true) {
        const qsizetype comma = rest.indexOf(',');
        const QByteArrayView spec = trimmed(comma < 0 ? rest : rest.first(comma));
        if (!spec.isEmpty())
            specs.append(spec);
        if (comma < 0)
            break;
        rest = rest.sliced(comma + 1);
    }
    // Several ranges would need multipart/byteranges; the whole body is a valid answer to them.
    if (specs.size() != 1)
        return whole;
    const QByteArrayView spec = specs.first();
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return whole;
    ByteRange out;
    if (dash == 0) {
        // suffix-range: the last n bytes; "-0" asks for none, which no body can satisfy.
        qint64 n = 0;
        if (!readPosition(spec.sliced(1), &n))
            return whole;
        if (n == 0) {
            out.kind = ByteRange::Kind::Unsatisfiable;
            return out;
        }
        out.length = qMin(n, bodyLength);
        out.offset = bodyLength - out.length;
    } else {
        qint64 first = 0;
        qint64 last = kHuge;
        if (!readPosition(spec.first(dash), &first))
            return whole;
        if (dash + 1 < spec.size() && !readPosition(spec.sliced(dash + 1), &last))
            return whole;
        if (last < first)
            return whole;  // an invalid range-spec makes the header invalid: ignored
        if (first >= bodyLength) {
            out.kind = ByteRange::Kind::Unsatisfiable;
            return out;
        }
        out.offset = first;
        out.length = qMin(last, bodyLength - 1) - first + 1;
    }
    out.kind = ByteRange::Kind::Partial;
    return out;
}

}  // namespace hlscam
