#include "net/RequestHead.h"

#include <QByteArray>
#include <QList>

namespace hlscam {

namespace {

// Qt's header parser refuses more fields or longer ones, and then drops every header.
constexpr int kMaxFields = 100;
constexpr qsizetype kMaxFieldBytes = qsizetype{8} * 1024;

bool isDigits(QByteArrayView v)
{
    if (v.isEmpty() || v.size() > 15)  // 15 digits: far above any limit, and no overflow
        return false;
    for (char c : v)
        if (c < '0' || c > '9')
            return false;
    return true;
}

// RFC 9110 5.6.2: a field name is a token.
bool isToken(QByteArrayView v)
{
    static constexpr QByteArrayView other("!#$%&'*+-.^_`|~");
    if (v.isEmpty())
        return false;
    for (char c : v)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || other.contains(c)))
            return false;
    return true;
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

// The next line of `rest` (which ends with a line feed), without its CR LF or LF.
QByteArrayView takeLine(QByteArrayView &rest)
{
    const qsizetype lf = rest.indexOf('\n');
    if (lf < 0) {
        rest = {};
        return {};
    }
    QByteArrayView line = rest.first(lf);
    rest = rest.sliced(lf + 1);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

// The protocol of a request line as Qt 6.4 finds it (the third word; words are separated by one
// or more spaces), or empty when Qt would refuse the line.
QByteArrayView protocolOf(QByteArrayView line)
{
    qsizetype i = line.indexOf(' ');
    if (i <= 0)
        return {};
    while (i < line.size() && line[i] == ' ')
        ++i;
    i = line.indexOf(' ', i);
    if (i < 0)
        return {};
    while (i < line.size() && line[i] == ' ')
        ++i;
    const qsizetype end = line.indexOf(' ', i);
    const QByteArrayView protocol = line.sliced(i, (end < 0 ? line.size() : end) - i);
    if (protocol.size() != 8 || !protocol.startsWith("HTTP/") || protocol[6] != '.' || protocol[5] < '0' ||
        protocol[5] > '9' || protocol[7] < '0' || protocol[7] > '9')
        return {};
    return protocol;
}

}  // namespace

bool isBlankBeforeRequest(char c)
{
    return c == '\v' || c == '\n' || c == '\r' || c == ' ' || c == '\t';  // as Qt 6.4 skips them
}

qsizetype headEnd(QByteArrayView head, qsizetype from)
{
    // Qt ends the headers at LF LF or LF CR LF; the LF may be the request line's own (no headers).
    for (qsizetype i = std::max<qsizetype>(from, 1); i < head.size(); ++i) {
        if (head[i] != '\n')
            continue;
        if (head[i - 1] == '\n' || (i >= 2 && head[i - 1] == '\r' && head[i - 2] == '\n'))
            return i + 1;
    }
    return -1;
}

HeadCheck checkRequestHead(QByteArrayView buffered, qint64 maxRequestBytes)
{
    qsizetype start = 0;
    while (start < buffered.size() && isBlankBeforeRequest(buffered[start]))
        ++start;
    const qsizetype end = headEnd(buffered.sliced(start));
    if (end < 0)
        return {buffered.size() > maxRequestBytes ? HeadVerdict::HeadTooLarge : HeadVerdict::Incomplete};
    const qint64 headBytes = start + end;
    if (headBytes > maxRequestBytes)
        return {HeadVerdict::HeadTooLarge};

    QByteArrayView rest = buffered.sliced(start, end);
    const QByteArrayView requestLine = takeLine(rest);
    for (char c : requestLine)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return {HeadVerdict::BadRequest};
    const QByteArrayView protocol = protocolOf(requestLine);
    if (protocol.isEmpty())
        return {HeadVerdict::BadRequest};

    qint64 contentLength = -1;
    bool close = false;
    bool keepAlive = false;
    bool connectionUpgrade = false;
    QList<QByteArray> upgrades;
    int fields = 0;
    for (QByteArrayView line = takeLine(rest); !line.isEmpty(); line = takeLine(rest)) {
        if (line.front() == ' ' || line.front() == '\t')
            return {HeadVerdict::BadRequest};  // a folded line (RFC 9112 5.2: refuse it)
        const qsizetype colon = line.indexOf(':');
        if (colon < 0 || !isToken(line.first(colon)))
            return {HeadVerdict::BadRequest};  // includes a space before the colon (RFC 9112 5.1)
        if (++fields > kMaxFields || line.size() > kMaxFieldBytes)
            return {HeadVerdict::HeadTooLarge};
        const QByteArray name = line.first(colon).toByteArray().toLower();
        const QByteArrayView value = trimmed(line.sliced(colon + 1));
        if (name == "transfer-encoding")
            return {HeadVerdict::NotImplemented};
        if (name == "upgrade")
            upgrades << value.toByteArray();
        if (name == "connection") {
            connectionUpgrade = connectionUpgrade || value.toByteArray().toLower().contains("upgrade");
            for (const QByteArray &option : value.toByteArray().toLower().split(',')) {
                close = close || option.trimmed() == "close";
                keepAlive = keepAlive || option.trimmed() == "keep-alive";
            }
            continue;
        }
        if (name != "content-length")
            continue;
        if (!isDigits(value))
            return {HeadVerdict::BadRequest};
        const qint64 length = value.toByteArray().toLongLong();
        if (contentLength >= 0 && contentLength != length)
            return {HeadVerdict::BadRequest};  // two lengths: a request-smuggling attempt
        contentLength = length;
    }
    // Qt 6.4 takes this as a WebSocket handshake: it answers twice (our answer, then its 404) and
    // logs a warning each time. We serve no WebSockets.
    if (connectionUpgrade && upgrades.join(", ").toLower() == "websocket")
        return {HeadVerdict::NotImplemented};
    const qint64 bodyBytes = std::max<qint64>(contentLength, 0);
    if (headBytes + bodyBytes > maxRequestBytes)
        return {HeadVerdict::BodyTooLarge};
    // HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 only when asked to.
    const bool persistent = protocol.compare("HTTP/1.1") >= 0 ? !close : keepAlive && !close;
    return {HeadVerdict::Acceptable, headBytes, bodyBytes, !persistent};
}

}  // namespace hlscam
