// Packages H.264 packets as fragmented MP4 (CMAF) in memory with our own box writer: one init
// segment per generation, then one moof+mdat fragment per part; parts make up segments, each
// starting with a key frame. Nothing touches the disk.
#pragma once

#include "encode/Encoder.h"
#include "hls/CmafWriter.h"
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
    // parameters have none). After a stall of the source (a gap of more than a segment) the
    // generation ends and the next key frame starts another. Fails with Fault::UnsupportedFormat (a stream without
    // usable SPS/PPS).
    Error write(const EncodedPacket &packet, const H264Parameters &parameters);
    // Flushes the last part and closes the generation (source stopped or restarting).
    void finish();
    bool started() const { return m_started; }

private:
    Error start(const H264Parameters &parameters, const EncodedPacket &keyPacket);
    // Closes the open part; nextDecodeTime is where the next sample starts (the last sample's end).
    void flushPart(qint64 durationUs, quint64 nextDecodeTime);
    quint64 decodeTime(qint64 monoUs) const;  // in the track's timescale, from the generation start
    // A gap between pictures longer than this is a stall of the source, not a slow frame.
    qint64 stallUs() const;

    SegmentStore &m_store;
    PackagerOptions m_options;
    bool m_started = false;
    int m_nalLengthSize = 0;  // how the packets carry NAL units (0: Annex B)
    quint32 m_sequence = 0;   // moof sequence number of the last fragment

    // The open part: its samples' decode times and sizes, and their bytes.
    std::vector<quint64> m_sampleTimes;
    std::vector<CmafSample> m_samples;
    QByteArray m_payload;

    qint64 m_generationStartUs = 0;
    qint64 m_segmentStartUs = 0;
    qint64 m_partStartUs = 0;
    qint64 m_lastPacketUs = 0;
    qint64 m_segmentPdtMs = 0;
    bool m_partOpen = false;
    bool m_partIndependent = false;
    bool m_partStartsSegment = false;
};

}  // namespace hlscam
