#pragma once

// What the WebRTC integration tests do with a running service: find its WebRTC ports in the log,
// open and end a WHEP session as its admin, and send and judge the ICE check a viewer sends on
// the session (over UDP or ICE-TCP alike).
#include "../integration/ServiceProcess.h"
#include "WhepOffer.h"
#include "webrtc/Stun.h"

#include <QAbstractSocket>
#include <QDebug>
#include <QRandomGenerator>
#include <QRegularExpression>

// The user the tests add (as admin) and open sessions as.
inline const QString kWhepUser = QStringLiteral("admin");
inline const QString kWhepPassword = QStringLiteral("admin-password");

// The port in the service's log where `pattern`'s one capture stands; 0 when the log does not say.
inline quint16 loggedPort(ServiceProcess &service, const QString &pattern)
{
    return quint16(QRegularExpression(pattern).match(QString::fromUtf8(service.log())).captured(1).toUInt());
}

inline quint16 webRtcUdpPort(ServiceProcess &service)
{
    return loggedPort(service, QStringLiteral("WebRTC \\(WHEP\\) media on UDP port (\\d+)"));
}

inline quint16 webRtcTcpPort(ServiceProcess &service)
{
    return loggedPort(service, QStringLiteral("WebRTC \\(WHEP\\) ICE-TCP on TCP port (\\d+)"));
}

struct WhepSession {
    QByteArray location;  // the resource a DELETE ends the session with
    QByteArray ufrag;     // the service's ICE credentials, from the answer
    QByteArray pwd;
    QByteArray answer;  // the whole SDP answer
};

// Posts kWhepOffer to cam0 as kWhepUser. Anything but 201 is warned about and gives a session
// with empty credentials (which the caller's checks then fail on).
inline WhepSession openWhepSession(ServiceProcess &service)
{
    const HttpReply r = service.get(QStringLiteral("/cam/cam0/whep"), kWhepUser, kWhepPassword, "POST", kWhepOffer,
                                    {{"Content-Type", "application/sdp"}});
    if (r.status != 201)
        qWarning() << r.status << r.body;
    return {r.header("Location"), sdpAttribute(r.body, "ice-ufrag"), sdpAttribute(r.body, "ice-pwd"), r.body};
}

// DELETEs the session's resource as kWhepUser; returns the HTTP status.
inline int endWhepSession(ServiceProcess &service, const WhepSession &s)
{
    return service.get(QString::fromLatin1(s.location), kWhepUser, kWhepPassword, "DELETE").status;
}

// The connectivity check a browser sends on a session (its ufrag after ours, USE-CANDIDATE, keyed
// with our password), under a fresh transaction id.
struct IceCheck {
    QByteArray transactionId;
    QByteArray request;
};

inline IceCheck iceCheck(const WhepSession &s)
{
    const QByteArray txid = QByteArray::number(QRandomGenerator::global()->generate64()).left(12).leftJustified(12);
    return {txid, hlscam::stun::bindingRequest(txid, s.ufrag + ":tEsT", s.pwd, true)};
}

// Whether `reply` is the service's success for `check`: the same transaction, the address and port
// it saw `socket` at (its own, on loopback), signed with the session's password.
inline bool answersCheck(const QByteArray &reply, const IceCheck &check, const QAbstractSocket &socket,
                         const WhepSession &s)
{
    namespace stun = hlscam::stun;
    const hlscam::Result<stun::Message> m = stun::parse(reply);
    return m.ok() && m.value().type == stun::kBindingSuccess && m.value().transactionId == check.transactionId &&
           m.value().mappedPort == socket.localPort() && m.value().mappedAddress == socket.localAddress() &&
           stun::integrityMatches(reply, m.value(), s.pwd);
}
