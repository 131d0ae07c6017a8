// What the MP4 packaging needs to know of H.264 bitstreams: NAL units in Annex B (start codes)
// or length-prefixed form, the SPS/PPS parameter sets, and the avcC record built from them.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace hlscam::h264 {

enum NalType { kNalIdr = 5, kNalSei = 6, kNalSps = 7, kNalPps = 8, kNalAud = 9 };

inline int nalType(QByteArrayView nal) { return nal.isEmpty() ? -1 : quint8(nal[0]) & 0x1f; }

// The NAL units of an Annex B buffer (00 00 01 or 00 00 00 01 start codes), without start codes.
QList<QByteArrayView> splitAnnexB(QByteArrayView data);

// The NAL units of a length-prefixed buffer (lengthSize 1, 2 or 4 bytes); stops at a bad length.
QList<QByteArrayView> splitLengthPrefixed(QByteArrayView data, int lengthSize);

struct ParameterSets {
    QList<QByteArray> sps;
    QList<QByteArray> pps;
    // How the packets of this stream carry NAL units: 0 for Annex B, else the length prefix's size.
    int nalLengthSize = 0;
    bool isEmpty() const { return sps.isEmpty() || pps.isEmpty(); }
};

// Reads codec extradata: an avcC record (first byte 1: packets are length-prefixed) or Annex B
// SPS/PPS. Empty when there are none (a camera that sends them only in band).
ParameterSets readExtradata(QByteArrayView extradata);

// The SPS and PPS found in an Annex B access unit (a key frame that carries them in band).
ParameterSets parameterSetsInBand(QByteArrayView annexB);

// The AVCDecoderConfigurationRecord (the body of an avcC box, ISO/IEC 14496-15 5.3.3.1) for
// 4-byte length prefixes; empty when the SPS is unreadable.
QByteArray decoderConfiguration(const ParameterSets &sets);

// Appends the NAL units of a packet with 4-byte length prefixes (what the MP4 samples hold).
void appendLengthPrefixed(QByteArray &out, QByteArrayView packet, int nalLengthSize);

}  // namespace hlscam::h264
