// RFC 4571 frames from a stranger's ICE-TCP stream: the reader hands out the same frames however
// the stream is cut into reads, never a frame over its bound, never holds more than a read and
// one frame, and once it fails it stays failed.
#include "FuzzCheck.h"
#include "webrtc/Rfc4571.h"

#include <QList>

using namespace hlscam;
using namespace hlscam::fuzz;

namespace {

struct Outcome {
    QList<QByteArray> frames;
    bool failed = false;
};

Outcome readAll(const QByteArray &stream, qsizetype chunk, const QByteArray &input)
{
    rfc4571::Reader reader;
    Outcome out;
    for (qsizetype at = 0; at < stream.size() && !out.failed; at += chunk) {
        out.failed = !reader.append(QByteArrayView(stream).sliced(at, qMin(chunk, stream.size() - at)));
        check(reader.buffered() <= chunk + 2 + rfc4571::kMaxFrame, "bounded buffer", input);
        while (std::optional<QByteArray> f = reader.next()) {
            check(!f->isEmpty() && f->size() <= rfc4571::kMaxFrame, "frames within bounds", input);
            out.frames.append(*f);
        }
    }
    check(out.failed == reader.failed() && (!out.failed || !reader.append(QByteArrayView("\x00\x01x", 3))),
          "failure sticks", input);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    if (input.isEmpty())
        return 0;
    // The first byte picks how the rest is cut into reads.
    const qsizetype chunk = 1 + quint8(input[0]) % 64;
    const QByteArray stream = input.mid(1);
    const Outcome whole = readAll(stream, qMax<qsizetype>(1, stream.size()), input);
    const Outcome cut = readAll(stream, chunk, input);
    // A failure is found as soon as its length is seen: cut reads may hand out fewer frames
    // first, never others.
    check(whole.failed == cut.failed, "the same verdict however it is cut", input);
    if (!whole.failed)
        check(whole.frames == cut.frames, "the same frames however it is cut", input);
    // Framing what was read gives back a prefix of the stream.
    QByteArray again;
    for (const QByteArray &f : cut.frames)
        again += rfc4571::frame(f);
    check(stream.startsWith(again), "frames re-framed are the stream", input);
    return 0;
}
