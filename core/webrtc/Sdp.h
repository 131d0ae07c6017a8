// SDP for WHEP (RFC 8866, JSEP RFC 8829): the viewer's offer read with bounded size and lines,
// an H.264 format our stream can satisfy chosen from it, and our answer written: ICE-lite, host
// candidates, DTLS passive with our certificate's fingerprint, send-only video with
// profile-level-id from our SPS, rtcp-mux, NACK, PLI and FIR feedback.
#pragma once

#include "Error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>

namespace hlscam::sdp {

constexpr int kMaxOfferBytes = 12288;
constexpr int kMaxLines = 400;
constexpr int kMaxLineBytes = 1024;
constexpr int kMaxMedia = 8;

// profile_idc, constraint flags and level_idc: the three bytes of profile-level-id, as the SPS
// starts (RFC 6184 8.1).
struct H264Profile {
    quint8 profile = 0x42;
    quint8 constraints = 0xe0;
    quint8 level = 0x1f;
    QByteArray hex() const;  // "42e01f"
};
// The profile of an SPS NAL unit (with its header byte); the default when it is too short.
H264Profile profileOfSps(QByteArrayView sps);

struct Media {
    QByteArray kind;   // "video", "audio", ...
    QByteArray proto;  // "UDP/TLS/RTP/SAVPF"
    QByteArray formats;
    QByteArray mid;
    bool rtcpMux = false;
};

struct Offer {
    QList<Media> media;
    int video = -1;        // index in media of the section we answer with video
    int payloadType = -1;  // its H.264 payload type
    QByteArray iceUfrag;
    QByteArray icePwd;
    QByteArray fingerprint;  // SHA-256 of the viewer's DTLS certificate (32 bytes)
    QByteArray setup;        // "actpass" or "active": we are always passive
};

// The offer, or what is wrong with it (or that it has no H.264 our stream can be sent as).
Result<Offer> parseOffer(QByteArrayView text, const H264Profile &ours);

struct Candidate {
    QHostAddress address;
    quint16 port = 0;
    bool tcp = false;  // an ICE-TCP passive candidate (RFC 6544); else UDP
};

struct AnswerParameters {
    QByteArray iceUfrag;
    QByteArray icePwd;
    QByteArray fingerprint;  // SHA-256 of our certificate (32 bytes)
    QList<Candidate> candidates;
    quint32 ssrc = 0;
    H264Profile profile;
    QByteArray streamId;  // msid: the camera's name
    quint64 sessionId = 0;
};

QByteArray buildAnswer(const Offer &offer, const AnswerParameters &ours);

// "AB:CD:..." (RFC 8122's fingerprint form) of bytes, and back (empty when malformed).
QByteArray fingerprintText(QByteArrayView digest);
QByteArray parseFingerprint(QByteArrayView text);

}  // namespace hlscam::sdp
