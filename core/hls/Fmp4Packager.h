// Packages H.264 packets as fragmented MP4 (CMAF) in memory with libavformat's mp4 muxer: one
// init segment per generation, then one moof+mdat fragment per part; parts make up segments,
// each starting with a key frame. Nothing touches the disk.
#pragma once

#include "encode/Encoder.h"
#include "hls/SegmentStore.h"

namespace hlscam {

struct PackagerOptions {
    int segmentMs = 1000;
    int partMs = 200;
    int fps = 25;
};

class Fmp4Packager {
public:
    Fmp4Packager(SegmentStore &store, const PackagerOptions &options);
    ~Fmp4Packager();
    Fmp4Packager(const Fmp4Packager &) = delete;
    Fmp4Packager &operator=(const Fmp4Packager &) = delete;

    // Adds one packet. Packets before the first key frame are dropped; the first key frame
    // starts a generation with `parameters` (SPS/PPS are taken from the key frame when the
    // parameters have none). Returns an error text, empty when fine.
    QString write(EncodedPacket &packet, const AVCodecParameters *parameters);
    // Flushes the last part and closes the generation (source stopped or restarting).
    void finish();
    bool started() const { return m_muxer != nullptr; }

private:
    QString start(const AVCodecParameters *parameters, const AVPacket *keyPacket);
    void flushPart(qint64 durationUs);
    static int onWrite(void *opaque, const uint8_t *data, int size);

    SegmentStore &m_store;
    PackagerOptions m_options;
    AVFormatContext *m_muxer = nullptr;  // with its custom AVIO; freed in finish()
    AVStream *m_stream = nullptr;
    QByteArray m_pending;  // bytes the muxer wrote since the last part

    qint64 m_generationStartUs = 0;
    qint64 m_segmentStartUs = 0;
    qint64 m_partStartUs = 0;
    qint64 m_lastPacketUs = 0;
    qint64 m_segmentPdtMs = 0;
    bool m_partOpen = false;
    bool m_partIndependent = false;
    bool m_partStartsSegment = false;
};

// SPS and PPS of an Annex B key frame, as Annex B extradata; empty when it has none.
QByteArray extractParameterSets(const uint8_t *data, int size);

}  // namespace hlscam
