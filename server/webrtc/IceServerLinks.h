// The ICE servers a viewer's browser is told to use, as WHEP says (RFC 9725 4.6): one Link
// header per [webrtc] ice_servers URI, the TURN ones with a username and credential. With
// turn_secret these are coturn's "TURN REST API" credentials (use-auth-secret): made for each
// answer, naming the viewer and expiring, so a page that leaks gives no relay for ever.
#pragma once

#include "config/Settings.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace hlscam {

struct TurnCredentials {
    QByteArray username;    // "<expiry, unix seconds>:<who>"
    QByteArray credential;  // base64(HMAC-SHA1(secret, username))
};

// The REST credentials for `who` (a user name, percent-encoded so the username stays ASCII and
// quotable; empty: "viewer"), valid until `expiresAtS`.
TurnCredentials turnRestCredentials(const QByteArray &secret, const QString &who, qint64 expiresAtS);

// The Link header values for `who`, asked at `nowS` (unix seconds); none when no server is set.
QList<QByteArray> iceServerLinks(const WebRtcSettings &settings, const QString &who, qint64 nowS);

}  // namespace hlscam
