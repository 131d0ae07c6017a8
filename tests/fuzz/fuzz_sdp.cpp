// SDP offers from a stranger's POST: parsing is bounded, what parses names an H.264 format of a
// video section and credentials that are safe to use, and the answer built from it echoes
// nothing that could break a line.
#include "FuzzCheck.h"
#include "webrtc/Sdp.h"

using namespace hlscam;
using namespace hlscam::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    const Result<sdp::Offer> offer = sdp::parseOffer(input, sdp::H264Profile{});
    if (!offer.ok())
        return 0;
    const sdp::Offer &o = offer.value();
    check(o.video >= 0 && o.video < o.media.size(), "the video section exists", input);
    check(o.payloadType >= 0 && o.payloadType <= 127, "a payload type in range", input);
    check(o.fingerprint.size() == 32, "a SHA-256 fingerprint", input);
    sdp::AnswerParameters ours;
    ours.candidates = {{QHostAddress("127.0.0.1"), 8189}};
    const QByteArray answer = sdp::buildAnswer(o, ours);
    for (const QByteArray &line : answer.split('\n'))
        check(line.isEmpty() || (line.endsWith('\r') && line.count('\r') == 1 && line.size() < 1200),
              "answer lines are whole CRLF lines", input);
    return 0;
}
