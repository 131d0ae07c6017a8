// A multicast DNS packet from anyone on the LAN: the parser never reads out of bounds or loops,
// and what it accepts re-encodes to a packet that parses to the same message (names, types and
// data), which the responder's answer rules then take without trouble.
#include "FuzzCheck.h"
#include "mdns/DnsMessage.h"
#include "mdns/DnsSdRecords.h"

using namespace hlscam;
using namespace hlscam::fuzz;

namespace {

bool sameRecords(const QList<dns::Record> &a, const QList<dns::Record> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (!a[i].sameRecord(b[i]) || a[i].ttl != b[i].ttl || a[i].cacheFlush != b[i].cacheFlush)
            return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    const std::optional<dns::Message> m = dns::parse(input);
    if (!m)
        return 0;
    check(input.size() <= dns::kMaxMessageBytes, "nothing over 9000 bytes is accepted", input);
    const QByteArray again = dns::encode(*m);
    // Every name read is at most 255 bytes of labels of 1-63 bytes, so it can be written back
    // (TXT strings too); only the count of sections' entries bounds it besides.
    check(!again.isEmpty(), "an accepted message can be written back", input);
    const std::optional<dns::Message> back = dns::parse(again);
    check(back.has_value() || again.size() > dns::kMaxMessageBytes, "what is written back parses", input);
    if (back) {
        check(back->id == m->id && back->flags == m->flags && back->questions.size() == m->questions.size(),
              "header and questions survive", input);
        for (qsizetype i = 0; i < m->questions.size(); ++i)
            check(dns::sameName(back->questions[i].name, m->questions[i].name) &&
                      back->questions[i].type == m->questions[i].type,
                  "questions survive", input);
        check(sameRecords(back->answers, m->answers) && sameRecords(back->authorities, m->authorities) &&
                  sameRecords(back->additionals, m->additionals),
              "records survive", input);
    }
    const dnssd::Service service{"hlscam on pi", "pi", 8080, false, {"path=/"}};
    const dnssd::Reply reply = dnssd::answer(dnssd::records(service, {}), *m);
    check(!dns::encode(dnssd::response(reply, &*m)).isEmpty(), "a legacy answer can be written", input);
    return 0;
}
