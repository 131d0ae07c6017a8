// What must hold of an address list the config accepted (trusted_proxies, ignoreip): each entry
// means to AddressSet what it meant to the config check, and its own network is inside it.
#pragma once

#include "FuzzCheck.h"
#include "auth/AddressSet.h"

#include <QStringList>

namespace hlscam::fuzz {

inline void checkAcceptedAddresses(const QStringList &entries, const QByteArray &input)
{
    for (const QString &entry : entries) {
        const QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(entry);
        check(subnet.second >= 0, "the config accepts only entries Qt parses as a subnet", input);
        const AddressSet set({entry});
        check(!set.isEmpty(), "an accepted entry is not skipped by AddressSet", input);
        check(set.contains(subnet.first), "an accepted range contains its own network address", input);
    }
}

}  // namespace hlscam::fuzz
