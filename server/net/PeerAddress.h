#pragma once

#include <QHostAddress>

namespace hlscam {

// The peer of an accepted socket descriptor (as canonicalAddress gives it: an IPv4-mapped address
// is IPv4), without making a socket object for it: a banned address is refused before any is made.
// Null when the descriptor has no peer.
QHostAddress peerOf(qintptr descriptor);

}  // namespace hlscam
