// The Listener's look at a request head, on any bytes: the head ends exactly where Qt 6.4's
// parser ends it (a byte-at-a-time model of its readRequestLine and readHeader), and is found at
// the same place when the bytes arrive in pieces; an acceptable head and its announced body fit
// the limit; what follows the head never changes the verdict.
#include "FuzzCheck.h"
#include "net/RequestHead.h"

using namespace hlscam;
using namespace hlscam::fuzz;

namespace {

// How many bytes Qt's parser takes as the head (blank lines before it included), or -1 while it
// waits for more.
qsizetype qtHeadBytes(const QByteArray &in)
{
    QByteArray fragment;
    bool requestLine = true;
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (requestLine) {
            if (fragment.isEmpty() && (c == '\v' || c == '\n' || c == '\r' || c == ' ' || c == '\t'))
                continue;  // left over from an earlier request
            if (c == '\n') {
                requestLine = false;
                fragment.clear();
            } else {
                fragment.append(c);
            }
            continue;
        }
        fragment.append(c);
        if (c == '\n' &&
            (fragment.endsWith("\n\r\n") || fragment.endsWith("\n\n") || fragment == "\r\n" || fragment == "\n"))
            return i + 1;
    }
    return -1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    const qsizetype qt = qtHeadBytes(input);
    for (const qint64 max : {qint64(64), qint64(1024), qint64(4096)}) {
        const HeadCheck r = checkRequestHead(input, max);
        if (qt < 0)
            check(r.verdict == HeadVerdict::Incomplete || r.verdict == HeadVerdict::HeadTooLarge,
                  "no whole head: incomplete or too large", input);
        if (r.verdict == HeadVerdict::Incomplete)
            check(qt < 0 && input.size() <= max, "incomplete: no head yet, within the limit", input);
        if (qt > max)
            check(r.verdict == HeadVerdict::HeadTooLarge, "a head over the limit is too large", input);
        if (r.verdict != HeadVerdict::Acceptable)
            continue;
        check(r.headBytes == qt, "the head ends where Qt's parser ends it", input);
        check(r.bodyBytes >= 0 && r.headBytes + r.bodyBytes <= max, "head and body fit the limit", input);
        const HeadCheck alone = checkRequestHead(input.first(r.headBytes), max);
        check(alone.verdict == r.verdict && alone.headBytes == r.headBytes && alone.bodyBytes == r.bodyBytes &&
                  alone.closeAfter == r.closeAfter,
              "what follows the head changes nothing", input);
    }

    // In pieces, as the Listener gets them: blank lines dropped, then the head searched on from
    // where the last piece ended. Piece sizes 1 to 8, taken from the input itself.
    qsizetype start = 0;
    while (start < input.size() && isBlankBeforeRequest(input[start]))
        ++start;
    const QByteArrayView head = QByteArrayView(input).sliced(start);
    const qsizetype whole = headEnd(head);
    check(whole < 0 ? qt < 0 : start + whole == qt, "headEnd agrees with Qt's parser", input);
    qsizetype found = -1;
    for (qsizetype at = 0; at < head.size() && found < 0;) {
        const qsizetype next = std::min(head.size(), at + 1 + (static_cast<unsigned char>(head[at]) & 7));
        found = headEnd(head.first(next), at);
        at = next;
    }
    check(found == whole, "found the same in pieces", input);
    return 0;
}
