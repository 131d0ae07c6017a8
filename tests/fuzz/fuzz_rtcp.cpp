// RTCP from a viewer (after SRTCP, or a forged one): parsing is bounded and what it asks for is
// bounded too.
#include "FuzzCheck.h"
#include "webrtc/Rtcp.h"

using namespace hlscam;
using namespace hlscam::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    const Result<rtcp::Feedback> fb = rtcp::parseFeedback(input, 0xabcdef01);
    if (!fb.ok())
        return 0;
    check(input.size() <= rtcp::kMaxCompound, "bounded size", input);
    check(fb.value().nacked.size() <= rtcp::kMaxNacked, "bounded NACK list", input);
    return 0;
}
