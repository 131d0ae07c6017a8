#include "hls/CmafWriter.h"

#include "hls/BoxWriter.h"

namespace hlscam {

namespace {

using Box = BoxWriter::Box;
constexpr quint32 kTrackId = 1;
constexpr quint32 kMovieTimescale = 1000;
// tfhd: sample offsets count from the start of the moof (CMAF requires it).
constexpr quint32 kTfhdDefaultBaseIsMoof = 0x020000;
// trun: a data offset, then each sample's duration, size and flags.
constexpr quint32 kTrunFlags = 0x000001 | 0x000100 | 0x000200 | 0x000400;
// Sample flags (ISO/IEC 14496-12 8.8.3.1): a sync sample depends on no other; the others
// depend on earlier ones and are not sync samples.
constexpr quint32 kSyncSample = 0x02000000;
constexpr quint32 kNonSyncSample = 0x01010000;

void unityMatrix(BoxWriter &w)
{
    for (quint32 v : {0x00010000u, 0u, 0u, 0u, 0x00010000u, 0u, 0u, 0u, 0x40000000u})
        w.u32(v);
}

void movieHeader(BoxWriter &w)
{
    Box mvhd(w, "mvhd", 0, 0);
    w.u32(0);  // creation time
    w.u32(0);  // modification time
    w.u32(kMovieTimescale);
    w.u32(0);           // duration: unknown, fragments follow
    w.u32(0x00010000);  // rate 1.0
    w.u16(0x0100);      // volume 1.0
    w.zeros(10);
    unityMatrix(w);
    w.zeros(24);          // pre_defined
    w.u32(kTrackId + 1);  // next_track_ID
}

void trackHeader(BoxWriter &w, const CmafTrack &t)
{
    Box tkhd(w, "tkhd", 0, 0x000003);  // enabled, in movie
    w.u32(0);
    w.u32(0);
    w.u32(kTrackId);
    w.u32(0);  // reserved
    w.u32(0);  // duration
    w.zeros(8);
    w.u16(0);  // layer
    w.u16(0);  // alternate group
    w.u16(0);  // volume: a video track has none
    w.u16(0);
    unityMatrix(w);
    w.u32(quint32(t.width) << 16);  // 16.16 fixed point
    w.u32(quint32(t.height) << 16);
}

void sampleDescription(BoxWriter &w, const CmafTrack &t)
{
    Box stsd(w, "stsd", 0, 0);
    w.u32(1);  // entry count
    Box avc1(w, "avc1");
    w.zeros(6);
    w.u16(1);  // data reference index
    w.zeros(16);
    w.u16(quint32(t.width));
    w.u16(quint32(t.height));
    w.u32(0x00480000);  // 72 dpi
    w.u32(0x00480000);
    w.u32(0);
    w.u16(1);       // frame count
    w.zeros(32);    // compressor name
    w.u16(0x0018);  // depth
    w.u16(0xffff);  // pre_defined = -1
    {
        Box avcC(w, "avcC");
        w.bytes(t.avcConfiguration);
    }
    Box pasp(w, "pasp");  // square pixels
    w.u32(1);
    w.u32(1);
}

void sampleTable(BoxWriter &w, const CmafTrack &t)
{
    Box stbl(w, "stbl");
    sampleDescription(w, t);
    // Empty tables: every sample lives in a fragment.
    {
        Box stts(w, "stts", 0, 0);
        w.u32(0);
    }
    {
        Box stsc(w, "stsc", 0, 0);
        w.u32(0);
    }
    {
        Box stsz(w, "stsz", 0, 0);
        w.u32(0);  // sample size
        w.u32(0);  // sample count
    }
    Box stco(w, "stco", 0, 0);
    w.u32(0);
}

void media(BoxWriter &w, const CmafTrack &t)
{
    Box mdia(w, "mdia");
    {
        Box mdhd(w, "mdhd", 0, 0);
        w.u32(0);
        w.u32(0);
        w.u32(t.timescale);
        w.u32(0);
        w.u16(0x55c4);  // language "und"
        w.u16(0);
    }
    {
        Box hdlr(w, "hdlr", 0, 0);
        w.u32(0);
        w.fourcc("vide");
        w.zeros(12);
        w.bytes(QByteArrayView("VideoHandler\0", 13));
    }
    Box minf(w, "minf");
    {
        Box vmhd(w, "vmhd", 0, 1);
        w.zeros(8);  // graphics mode, opcolor
    }
    {
        Box dinf(w, "dinf");
        Box dref(w, "dref", 0, 0);
        w.u32(1);
        Box url(w, "url ", 0, 1);  // the media is in this file
    }
    sampleTable(w, t);
}

}  // namespace

QByteArray cmafInitSegment(const CmafTrack &track)
{
    QByteArray out;
    BoxWriter w(out);
    {
        Box ftyp(w, "ftyp");
        w.fourcc("iso5");  // what FFmpeg's mp4 muxer writes for empty_moov + default_base_moof
        w.u32(512);
        w.fourcc("iso5");
        w.fourcc("iso6");
        w.fourcc("mp41");
    }
    Box moov(w, "moov");
    movieHeader(w);
    {
        Box trak(w, "trak");
        trackHeader(w, track);
        media(w, track);
    }
    Box mvex(w, "mvex");
    Box trex(w, "trex", 0, 0);
    w.u32(kTrackId);
    w.u32(1);  // default sample description index
    w.u32(0);
    w.u32(0);
    w.u32(0);
    return out;
}

QByteArray cmafFragment(quint32 sequence, quint64 decodeTime, const std::vector<CmafSample> &samples,
                        QByteArrayView payload)
{
    QByteArray out;
    out.reserve(120 + qsizetype(samples.size()) * 12 + 8 + payload.size());
    BoxWriter w(out);
    qsizetype dataOffsetAt = 0;
    {
        Box moof(w, "moof");
        {
            Box mfhd(w, "mfhd", 0, 0);
            w.u32(sequence);
        }
        Box traf(w, "traf");
        {
            Box tfhd(w, "tfhd", 0, kTfhdDefaultBaseIsMoof);
            w.u32(kTrackId);
        }
        {
            Box tfdt(w, "tfdt", 1, 0);
            w.u64(decodeTime);
        }
        Box trun(w, "trun", 0, kTrunFlags);
        w.u32(quint32(samples.size()));
        dataOffsetAt = w.size();
        w.u32(0);  // data offset, known once the moof is closed
        for (const CmafSample &s : samples) {
            w.u32(s.duration);
            w.u32(s.size);
            w.u32(s.key ? kSyncSample : kNonSyncSample);
        }
    }
    w.patchU32(dataOffsetAt, quint32(w.size() + 8));  // the first sample follows mdat's header
    w.u32(quint32(8 + payload.size()));
    w.fourcc("mdat");
    w.bytes(payload);
    return out;
}

}  // namespace hlscam
