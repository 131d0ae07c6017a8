// STUN messages from a stranger's datagram: parsing never reads past the input, what parses has
// consistent offsets, and a response built for it parses again with the mapped address.
#include "FuzzCheck.h"
#include "webrtc/Stun.h"

using namespace hlscam;
using namespace hlscam::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    const Result<stun::Message> m = stun::parse(input);
    if (!m.ok())
        return 0;
    check(input.size() <= stun::kMaxMessage, "bounded size", input);
    check(m.value().transactionId.size() == 12, "a 12-byte transaction id", input);
    check(m.value().integrityOffset < input.size() && m.value().fingerprintOffset < input.size(), "offsets inside",
          input);
    (void)stun::integrityMatches(input, m.value(), "key");
    const QByteArray response = stun::bindingSuccess(m.value(), QHostAddress("192.0.2.7"), 4242, "key");
    const Result<stun::Message> back = stun::parse(response);
    check(back.ok() && back.value().mappedPort == 4242 && back.value().mappedAddress == QHostAddress("192.0.2.7") &&
              stun::integrityMatches(response, back.value(), "key"),
          "our response parses back", input);
    return 0;
}
