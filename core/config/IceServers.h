// The STUN and TURN servers the viewer's browser is told to use ([webrtc] ice_servers), as URIs
// of RFC 7064 (stun:host[:port]) and RFC 7065 (turn:host[:port][?transport=udp|tcp],
// turns:host[:port][?transport=tcp]). Checked when the file is read, so a typo is an error with
// its line at start rather than a viewer behind a strict network who never connects.
#pragma once

#include "Error.h"

#include <QString>
#include <QStringList>

namespace hlscam {

struct IceServerUri {
    enum class Scheme { Stun, Turn, Turns };
    Scheme scheme = Scheme::Stun;
    QString host;       // an IPv6 address without its brackets
    quint16 port = 0;   // 0: the scheme's default (3478; 5349 for turns)
    QString transport;  // "udp", "tcp", or empty: the browser's choice

    bool isTurn() const { return scheme != Scheme::Stun; }
    // The URI in the form written above (scheme and transport in lower case).
    QString toString() const;
};

// Servers a viewer is told of at most: each is a Link header, and browsers gather slowly with
// many (Firefox warns from five on).
inline constexpr int kMaxIceServers = 8;

// One URI; Fault::Config saying what is wrong with it and what is allowed.
Result<IceServerUri> parseIceServerUri(const QString &text);
// A list separated by commas (spaces around them are ignored): the URIs as toString() writes
// them, or Fault::Config naming the first bad one. Empty text: none.
Result<QStringList> parseIceServerList(const QString &text);
// A URI of parseIceServerList's result that needs credentials (turn:, turns:).
bool isTurnUri(const QString &uri);

}  // namespace hlscam
