// What the MP4 packaging needs to know of H.264 bitstreams: NAL units in Annex B (start codes)
// or length-prefixed form, the SPS/PPS parameter sets, and the avcC record built from them.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <optional>

namespace hlscam::h264 {

enum NalType { kNalIdr = 5, kNalSei = 6, kNalSps = 7, kNalPps = 8, kNalAud = 9 };

inline int nalType(QByteArrayView nal) { return nal.isEmpty() ? -1 : quint8(nal[0]) & 0x1f; }

inline bool isVcl(int type) { return type >= 1 && type <= 5; }

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

// The size of the pictures an SPS (a NAL unit, header included) describes, after its cropping;
// nullopt when the SPS cannot be read.
struct PictureSize {
    int width = 0;
    int height = 0;
};
std::optional<PictureSize> pictureSize(QByteArrayView sps);

// The start of a slice header (a VCL NAL unit, header included): enough to tell where a picture
// begins and whether it predicts from a later one.
struct SliceStart {
    quint32 firstMb = 0;    // first_mb_in_slice: 0 for the first slice of a picture
    quint32 sliceType = 0;  // slice_type modulo 5: 0 P, 1 B, 2 I, 3 SP, 4 SI
};
std::optional<SliceStart> sliceStart(QByteArrayView vcl);

}  // namespace hlscam::h264
