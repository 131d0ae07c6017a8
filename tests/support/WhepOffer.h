#pragma once

// What the WebRTC tests send a WHEP endpoint: a browser-like recvonly H.264 offer, and a reader
// for the answer's a= lines.
#include <QByteArray>
#include <QRegularExpression>
#include <QString>

// A recvonly video offer (one H.264 format, ICE credentials tEsT / 0123...lmn, a made-up
// fingerprint): enough for the service to answer and to take STUN checks.
inline const QByteArray kWhepOffer =
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 106\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:tEsT\r\n"
    "a=ice-pwd:0123456789abcdefghijklmn\r\n"
    "a=fingerprint:sha-256 "
    "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9\r\n"
    "a=setup:actpass\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\na=rtpmap:106 H264/90000\r\n"
    "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n";

// The value of the first `a=NAME:` line of `sdp`, empty when there is none.
inline QByteArray sdpAttribute(const QByteArray &sdp, const QByteArray &name)
{
    const QRegularExpression re(QStringLiteral("a=%1:(\\S+)").arg(QString::fromLatin1(name)));
    return re.match(QString::fromLatin1(sdp)).captured(1).toLatin1();
}
