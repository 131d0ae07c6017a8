#include "net/RequestHead.h"

#include <QByteArray>

namespace hlscam {

namespace {

bool isDigits(QByteArrayView v)
{
    if (v.isEmpty() || v.size() > 15)  // 15 digits: far above any limit, and no overflow
        return false;
    for (char c : v)
        if (c < '0' || c > '9')
            return false;
    return true;
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
        v.chop(1);
    return v;
}

}  // namespace

HeadVerdict checkRequestHead(QByteArrayView buffered, qint64 maxRequestBytes)
{
    const qsizetype end = buffered.indexOf("\r\n\r\n");
    if (end < 0)
        return buffered.size() > maxRequestBytes ? HeadVerdict::HeadTooLarge : HeadVerdict::Incomplete;
    const qsizetype headBytes = end + 4;
    if (headBytes > maxRequestBytes)
        return HeadVerdict::HeadTooLarge;
    const QByteArrayView head = buffered.first(end);

    qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArrayView requestLine = lineEnd < 0 ? head : head.first(lineEnd);
    for (char c : requestLine)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return HeadVerdict::BadRequest;

    qint64 contentLength = -1;
    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 2;
        lineEnd = head.indexOf("\r\n", start);
        const QByteArrayView line = head.sliced(start, (lineEnd < 0 ? head.size() : lineEnd) - start);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;  // the parser judges other malformed lines
        const QByteArray name = line.first(colon).toByteArray().toLower();
        const QByteArrayView value = trimmed(line.sliced(colon + 1));
        if (name == "transfer-encoding")
            return HeadVerdict::NotImplemented;
        if (name != "content-length")
            continue;
        if (!isDigits(value))
            return HeadVerdict::BadRequest;
        const qint64 length = value.toByteArray().toLongLong();
        if (contentLength >= 0 && contentLength != length)
            return HeadVerdict::BadRequest;  // two lengths: a request-smuggling attempt
        contentLength = length;
    }
    if (contentLength > 0 && headBytes + contentLength > maxRequestBytes)
        return HeadVerdict::BodyTooLarge;
    return HeadVerdict::Acceptable;
}

}  // namespace hlscam
