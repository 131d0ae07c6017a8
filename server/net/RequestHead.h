// A first look at a request's head (request line and headers) as it arrives, before Qt's HTTP
// parser sees it: only what that parser would get wrong or wait for. An invalid Content-Length
// (Qt 6.4 takes it as none and answers the request), a body larger than max_request_bytes
// (announced: refused before it is read), chunked bodies (not accepted anywhere), and control
// bytes in the request line.
#pragma once

#include <QByteArrayView>

namespace hlscam {

enum class HeadVerdict {
    Incomplete,       // the head has not all arrived yet, and is not too large so far
    Acceptable,       // hand it to the parser
    BadRequest,       // 400: malformed Content-Length, control bytes in the request line
    HeadTooLarge,     // 431: no end of the head within maxRequestBytes
    BodyTooLarge,     // 413: head plus announced body over maxRequestBytes
    NotImplemented,   // 501: a Transfer-Encoding (chunked bodies)
};

// `buffered`: the bytes received so far for this request, from its first byte.
HeadVerdict checkRequestHead(QByteArrayView buffered, qint64 maxRequestBytes);

}  // namespace hlscam
