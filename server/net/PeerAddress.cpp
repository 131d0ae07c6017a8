#include "net/PeerAddress.h"

#include "auth/AddressSet.h"

#include <sys/socket.h>

namespace hlscam {

QHostAddress peerOf(qintptr descriptor)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return {};
    return canonicalAddress(QHostAddress(reinterpret_cast<const sockaddr *>(&storage)));
}

}  // namespace hlscam
