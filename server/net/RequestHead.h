// A first look at a request's head (request line and headers) as it arrives, before Qt's HTTP
// parser sees it: only what that parser would get wrong or wait for. The head ends where Qt 6.4's
// parser ends it (a blank line, CRLF or bare LF), so both agree where the body starts. Refused:
// an invalid Content-Length (Qt 6.4 takes it as none and answers the request), a body larger than
// max_request_bytes (announced: refused before it is read), chunked bodies (not accepted
// anywhere), WebSocket handshakes (Qt would answer twice), control bytes in the request line,
// and header lines Qt would read differently from us (no colon, a name that is not a token, a
// folded line): Qt then drops every header, and a Content-Length it does not see would make the
// body a second request.
#pragma once

#include <QByteArrayView>

namespace hlscam {

enum class HeadVerdict {
    Incomplete,      // the head has not all arrived yet, and is not too large so far
    Acceptable,      // hand it to the parser
    BadRequest,      // 400: malformed Content-Length or header line, control bytes in the request line
    HeadTooLarge,    // 431: no end of the head within maxRequestBytes
    BodyTooLarge,    // 413: head plus announced body over maxRequestBytes
    NotImplemented,  // 501: a Transfer-Encoding (chunked bodies), a WebSocket handshake
};

struct HeadCheck {
    HeadVerdict verdict = HeadVerdict::Incomplete;
    // When Acceptable: the bytes of the head (blank lines before it included), the body's
    // announced length, and whether the connection ends after the answer (`Connection: close`,
    // or HTTP/1.0 without `Connection: keep-alive`).
    qint64 headBytes = 0;
    qint64 bodyBytes = 0;
    bool closeAfter = false;
};

// What Qt's parser skips before a request line (line ends left over from an earlier request).
bool isBlankBeforeRequest(char c);

// Where the head that starts at `head[0]` (its request line, no blanks before it) ends: the index
// just past the blank line that closes it, or -1 when it has not arrived. Looks at bytes from
// `from` on (bytes before it were already searched), so a head arriving a byte at a time costs
// linear time.
qsizetype headEnd(QByteArrayView head, qsizetype from = 0);

// `buffered`: the bytes received so far for this request, from its first byte.
HeadCheck checkRequestHead(QByteArrayView buffered, qint64 maxRequestBytes);

}  // namespace hlscam
