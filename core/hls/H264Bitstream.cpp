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

    std::optional<qint32> se()
    {
        const auto k = ue();
        if (!k)
            return std::nullopt;
        const qint64 magnitude = (qint64(*k) + 1) / 2;
        return qint32(*k % 2 ? magnitude : -magnitude);
    }

    // Skips n bits; false when the data ends first.
    bool skip(int n)
    {
        for (int i = 0; i < n; ++i) {
            if (!bit())
                return false;
        }
        return true;
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

// scaling_list() of an SPS (7.3.2.1.1.1): only read past, its values do not matter here.
bool skipScalingList(BitReader &r, int size)
{
    qint32 last = 8, next = 8;
    for (int j = 0; j < size; ++j) {
        if (next != 0) {
            const auto delta = r.se();
            if (!delta || *delta < -128 || *delta > 127)
                return false;
            next = (last + *delta + 256) % 256;
        }
        last = next == 0 ? last : next;
    }
    return true;
}

bool hasChromaFormat(int profile)
{
    return profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83 ||
           profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139 || profile == 134 ||
           profile == 135;
}

}  // namespace

std::optional<PictureSize> pictureSize(QByteArrayView sps)
{
    // seq_parameter_set_data() (7.3.2.1.1), read as far as the frame cropping.
    if (nalType(sps) != kNalSps || sps.size() < 5)
        return std::nullopt;
    const int profile = quint8(sps[1]);
    BitReader r(sps.sliced(4));
    quint32 chroma = 1;
    bool separatePlanes = false;
    if (!r.ue())  // seq_parameter_set_id
        return std::nullopt;
    if (hasChromaFormat(profile)) {
        const auto c = r.ue();
        if (!c || *c > 3)
            return std::nullopt;
        chroma = *c;
        if (chroma == 3) {
            const auto separate = r.bit();
            if (!separate)
                return std::nullopt;
            separatePlanes = *separate;
        }
        const auto lumaDepth = r.ue(), chromaDepth = r.ue();
        const auto bypass = r.bit(), scalingMatrix = r.bit();
        if (!lumaDepth || !chromaDepth || !bypass || !scalingMatrix)
            return std::nullopt;
        if (*scalingMatrix) {
            for (int i = 0; i < (chroma != 3 ? 8 : 12); ++i) {
                const auto present = r.bit();
                if (!present || (*present && !skipScalingList(r, i < 6 ? 16 : 64)))
                    return std::nullopt;
            }
        }
    }
    if (!r.ue())  // log2_max_frame_num_minus4
        return std::nullopt;
    const auto pocType = r.ue();
    if (!pocType || *pocType > 2)
        return std::nullopt;
    if (*pocType == 0 && !r.ue())  // log2_max_pic_order_cnt_lsb_minus4
        return std::nullopt;
    if (*pocType == 1) {
        const auto alwaysZero = r.bit();
        const auto nonRef = r.se(), topToBottom = r.se();
        const auto cycle = r.ue();
        if (!alwaysZero || !nonRef || !topToBottom || !cycle || *cycle > 255)
            return std::nullopt;
        for (quint32 i = 0; i < *cycle; ++i) {
            if (!r.se())
                return std::nullopt;
        }
    }
    const auto refFrames = r.ue();
    const auto gaps = r.bit();
    const auto widthMbs = r.ue(), heightMapUnits = r.ue();
    const auto frameMbsOnly = r.bit();
    if (!refFrames || !gaps || !widthMbs || !heightMapUnits || !frameMbsOnly || *widthMbs > 1023 ||
        *heightMapUnits > 1023)
        return std::nullopt;
    if (!*frameMbsOnly && !r.skip(1))  // mb_adaptive_frame_field_flag
        return std::nullopt;
    const auto direct8x8 = r.bit(), cropping = r.bit();
    if (!direct8x8 || !cropping)
        return std::nullopt;
    const int fieldFactor = *frameMbsOnly ? 1 : 2;
    PictureSize size{int(*widthMbs + 1) * 16, fieldFactor * int(*heightMapUnits + 1) * 16};
    if (*cropping) {
        const auto left = r.ue(), right = r.ue(), top = r.ue(), bottom = r.ue();
        if (!left || !right || !top || !bottom)
            return std::nullopt;
        // Crop units (7-19 to 7-22): chroma samples for 4:2:0 and 4:2:2, luma ones otherwise.
        const bool monochromeLike = chroma == 0 || separatePlanes;
        const int unitX = monochromeLike || chroma == 3 ? 1 : 2;
        const int unitY = (monochromeLike || chroma != 1 ? 1 : 2) * fieldFactor;
        const qint64 cropX = qint64(unitX) * (qint64(*left) + *right);
        const qint64 cropY = qint64(unitY) * (qint64(*top) + *bottom);
        if (cropX >= size.width || cropY >= size.height)
            return std::nullopt;
        size.width -= int(cropX);
        size.height -= int(cropY);
    }
    return size;
}

std::optional<SliceStart> sliceStart(QByteArrayView vcl)
{
    if (!isVcl(nalType(vcl)))
        return std::nullopt;
    BitReader r(vcl.sliced(1));
    const auto firstMb = r.ue(), type = r.ue();
    if (!firstMb || !type || *type > 9)
        return std::nullopt;
    return SliceStart{*firstMb, *type % 5};
}

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
        if (hasChromaFormat(profile)) {
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
