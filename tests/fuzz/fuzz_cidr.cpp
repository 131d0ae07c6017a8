// The address lists of the config (trusted_proxies, ignoreip: addresses and CIDR ranges): the
// input is one value; the parser's verdict must match the entries', and what it accepts must
// mean the same to AddressSet, which matches clients against it.
#include "AddressInvariants.h"
#include "FuzzCheck.h"
#include "config/ConfigLoader.h"

using namespace hlscam;
using namespace hlscam::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray value = bytes(data, size);
    value.truncate(value.indexOf('\n') < 0 ? value.size() : value.indexOf('\n'));  // one line
    const ConfigResult result = parseConfig(
        "[server]\ntrusted_proxies = " + value + "\n[bans]\nignoreip = " + value + '\n', QStringLiteral("fuzz.conf"));
    if (!result.ok())
        return 0;
    check(result.settings.server.trustedProxies == result.settings.bans.ignoreIp,
          "both lists read the same value the same way", value);
    checkAcceptedAddresses(result.settings.server.trustedProxies, value);
    // A client exactly at an accepted bare address matches; canonical forms match too.
    for (const QString &entry : result.settings.server.trustedProxies) {
        if (entry.contains(u'/'))
            continue;  // not a bare address (QHostAddress would read "/0" as part of a scope id)
        const QHostAddress bare(entry);
        if (!bare.isNull())
            check(AddressSet({entry}).contains(canonicalAddress(bare)), "a bare address matches itself", value);
    }
    return 0;
}
