#include "hls/H264Bitstream.h"

#include <optional>

namespace hlscam::h264 {

namespace {

// Exp-Golomb reader over an RBSP (emulation prevention bytes 00 00 03 skipped as it reads).
class BitReader {
public:
    explicit BitReader(QByteArrayView nal)
        : m_data(nal)
    {}

    std::optional<quint32> bit()
    {
        if (m_bit == 0) {
            if (m_pos >= m_data.size())
                return std::nullopt;
            if (m_zeros >= 2 && quint8(m_data[m_pos]) == 3) {
                m_zeros = 0;
                if (++m_pos >= m_data.size())
                    return std::nullopt;
            }
            m_zeros = m_data[m_pos] == 0 ? m_zeros + 1 : 0;
        }
        const quint32 v = (quint8(m_data[m_pos]) >> (7 - m_bit)) & 1u;
        if (++m_bit == 8) {
            m_bit = 0;
            ++m_pos;
        }
        return v;
    }

    std::optional<quint32> ue()
    {
        int leadingZeros = 0;
        for (;;) {
            const auto b = bit();
            if (!b)
                return std::nullopt;
            if (*b)
                break;
            if (++leadingZeros > 31)
                return std::nullopt;
        }
        quint32 v = 0;
        for (int i = 0; i < leadingZeros; ++i) {
            const auto b = bit();
            if (!b)
                return std::nullopt;
            v = (v << 1) | *b;
        }
        return (1u << leadingZeros) - 1 + v;
    }

private:
    QByteArrayView m_data;
    qsizetype m_pos = 0;
    int m_bit = 0;
    int m_zeros = 0;
};

// Profiles whose avcC carries chroma format and bit depths (all but Baseline, Main, Extended).
bool hasFormatExtension(int profile) { return profile != 66 && profile != 77 && profile != 88; }

void appendLength(QByteArray &out, quint32 size)
{
    const char prefix[4] = {char(size >> 24), char(size >> 16), char(size >> 8), char(size)};
    out.append(prefix, 4);
}

void collect(ParameterSets &sets, QByteArrayView nal)
{
    if (nalType(nal) == kNalSps)
        sets.sps.append(nal.toByteArray());
    else if (nalType(nal) == kNalPps)
        sets.pps.append(nal.toByteArray());
}

}  // namespace

QList<QByteArrayView> splitAnnexB(QByteArrayView data)
{
    QList<QByteArrayView> nals;
    const auto *d = reinterpret_cast<const quint8 *>(data.data());
    const qsizetype n = data.size();
    qsizetype start = -1;
    for (qsizetype i = 0; i + 3 <= n;) {
        if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1) {
            if (start >= 0) {
                qsizetype end = i;
                while (end > start && d[end - 1] == 0)
                    --end;  // a four-byte start code's leading zero belongs to neither NAL
                if (end > start)
                    nals.append(data.sliced(start, end - start));
            }
            i += 3;
            start = i;
        } else {
            ++i;
        }
    }
    if (start >= 0 && start < n)
        nals.append(data.sliced(start));
    return nals;
}

QList<QByteArrayView> splitLengthPrefixed(QByteArrayView data, int lengthSize)
{
    QList<QByteArrayView> nals;
    qsizetype pos = 0;
    while (pos + lengthSize <= data.size()) {
        quint32 size = 0;
        for (int i = 0; i < lengthSize; ++i)
            size = (size << 8) | quint8(data[pos + i]);
        pos += lengthSize;
        if (size == 0 || size > data.size() - pos)
            break;
        nals.append(data.sliced(pos, size));
        pos += size;
    }
    return nals;
}

ParameterSets readExtradata(QByteArrayView extradata)
{
    ParameterSets sets;
    if (extradata.size() >= 7 && extradata[0] == 1) {
        // avcC: version, profile, compatibility, level, 6 bits + length size - 1, then the sets.
        sets.nalLengthSize = (quint8(extradata[4]) & 3) + 1;
        qsizetype pos = 5;
        for (int kind = 0; kind < 2; ++kind) {
            if (pos >= extradata.size())
                return {};
            const int count = kind == 0 ? quint8(extradata[pos]) & 0x1f : quint8(extradata[pos]);
            ++pos;
            for (int i = 0; i < count; ++i) {
                if (pos + 2 > extradata.size())
                    return {};
                const int size = quint8(extradata[pos]) << 8 | quint8(extradata[pos + 1]);
                pos += 2;
                if (pos + size > extradata.size())
                    return {};
                (kind == 0 ? sets.sps : sets.pps).append(extradata.sliced(pos, size).toByteArray());
                pos += size;
            }
        }
        return sets;
    }
    for (QByteArrayView nal : splitAnnexB(extradata))
        collect(sets, nal);
    return sets;
}

ParameterSets parameterSetsInBand(QByteArrayView annexB)
{
    ParameterSets sets;
    for (QByteArrayView nal : splitAnnexB(annexB))
        collect(sets, nal);
    return sets;
}

QByteArray decoderConfiguration(const ParameterSets &sets)
{
    if (sets.isEmpty() || sets.sps.first().size() < 4 || sets.sps.size() > 31 || sets.pps.size() > 255)
        return {};
    const QByteArray &sps = sets.sps.first();
    const int profile = quint8(sps[1]);
    QByteArray out;
    out.append(char(1));        // configurationVersion
    out.append(sps.mid(1, 3));  // profile, constraint flags, level, as the SPS says
    out.append(char(0xff));     // 6 reserved bits, lengthSizeMinusOne = 3
    out.append(char(0xe0 | sets.sps.size()));
    for (const QByteArray &s : sets.sps) {
        out.append(char(s.size() >> 8));
        out.append(char(s.size()));
        out.append(s);
    }
    out.append(char(sets.pps.size()));
    for (const QByteArray &p : sets.pps) {
        out.append(char(p.size() >> 8));
        out.append(char(p.size()));
        out.append(p);
    }
    if (hasFormatExtension(profile)) {
        BitReader r(QByteArrayView(sps).sliced(4));
        quint32 chroma = 1, lumaDepth = 0, chromaDepth = 0;
        if (!r.ue())  // seq_parameter_set_id
            return {};
        if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83 ||
            profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139 || profile == 134 ||
            profile == 135) {
            const auto c = r.ue();
            if (!c || *c > 3)
                return {};
            chroma = *c;
            if (chroma == 3 && !r.bit())  // separate_colour_plane_flag
                return {};
            const auto l = r.ue(), cd = r.ue();
            if (!l || !cd || *l > 6 || *cd > 6)
                return {};
            lumaDepth = *l;
            chromaDepth = *cd;
        }
        out.append(char(0xfc | chroma));
        out.append(char(0xf8 | lumaDepth));
        out.append(char(0xf8 | chromaDepth));
        out.append(char(0));  // numOfSequenceParameterSetExt
    }
    return out;
}

void appendLengthPrefixed(QByteArray &out, QByteArrayView packet, int nalLengthSize)
{
    if (nalLengthSize == 4) {
        out.append(packet.data(), packet.size());  // already what MP4 wants
        return;
    }
    const QList<QByteArrayView> nals =
        nalLengthSize == 0 ? splitAnnexB(packet) : splitLengthPrefixed(packet, nalLengthSize);
    for (QByteArrayView nal : nals) {
        appendLength(out, quint32(nal.size()));
        out.append(nal.data(), nal.size());
    }
}

}  // namespace hlscam::h264
