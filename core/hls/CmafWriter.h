// Writes the boxes of a one-track H.264 CMAF stream (ISO/IEC 23000-19, fragmented MP4): the
// init segment (ftyp + moov with empty sample tables and mvex) and one moof + mdat fragment per
// part. What MSE players (hls.js), Safari and FFmpeg read; nothing else is written.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <vector>

namespace hlscam {

struct CmafTrack {
    int width = 0;
    int height = 0;
    quint32 timescale = 90000;    // media time units per second (the MPEG clock)
    QByteArray avcConfiguration;  // the avcC record (h264::decoderConfiguration)
};

struct CmafSample {
    quint32 duration = 0;  // in the track's timescale
    quint32 size = 0;      // bytes of the sample in the fragment's mdat
    bool key = false;      // a sync sample (IDR): decoding can start here
};

QByteArray cmafInitSegment(const CmafTrack &track);

// One fragment: `payload` is the samples' bytes back to back (length-prefixed NAL units), in
// the order of `samples`. sequence starts at 1 and grows by one per fragment of a generation;
// decodeTime is the first sample's decode time in the track's timescale.
QByteArray cmafFragment(quint32 sequence, quint64 decodeTime, const std::vector<CmafSample> &samples,
                        QByteArrayView payload);

}  // namespace hlscam
