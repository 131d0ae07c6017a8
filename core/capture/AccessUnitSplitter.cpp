#include "capture/AccessUnitSplitter.h"

#include "hls/H264Bitstream.h"

namespace hlscam {

namespace {

const QByteArrayView kStartCode("\x00\x00\x01", 3);
const QByteArray kLongStartCode("\x00\x00\x00\x01", 4);

QString megabytes(qsizetype bytes) { return QString::number(double(bytes) / (1024 * 1024), 'g', 3); }

// NAL units that, after a picture's slices, begin the next access unit (7.4.1.2.3).
bool beginsAccessUnit(int type)
{
    return type == h264::kNalAud || type == h264::kNalSei || type == h264::kNalSps || type == h264::kNalPps ||
           (type >= 14 && type <= 18);
}

}  // namespace

AccessUnitSplitter::AccessUnitSplitter(qsizetype maxBytes)
    : m_maxBytes(maxBytes)
{}

Error AccessUnitSplitter::append(QByteArrayView bytes)
{
    if (m_error)
        return m_error;
    m_buffer.append(bytes.data(), bytes.size());
    for (;;) {
        const qsizetype at = m_buffer.indexOf(kStartCode, m_scanned);
        if (at < 0)
            break;
        if (m_started) {
            qsizetype end = at;
            while (end > 0 && m_buffer[end - 1] == 0)
                --end;  // a four-byte start code's zero, or trailing_zero_8bits: in no NAL unit
            if (Error e = addNal(QByteArrayView(m_buffer).first(end))) {
                m_error = e;
                return e;
            }
        } else {
            m_skipped += at;
        }
        m_started = true;
        m_buffer.remove(0, at + kStartCode.size());
        m_scanned = 0;
    }
    m_scanned = qMax<qsizetype>(0, m_buffer.size() - (kStartCode.size() - 1));
    if (!m_started) {
        // Nothing to keep before the first start code but the bytes that may begin one.
        m_skipped += m_scanned;
        m_buffer.remove(0, m_scanned);
        m_scanned = 0;
        if (m_skipped > m_maxBytes)
            m_error = {Fault::UnsupportedFormat,
                       QStringLiteral("no H.264 start code in the first %1 MB: this is not an H.264 Annex B stream")
                           .arg(megabytes(m_maxBytes))};
    } else if (m_current.data.size() + m_buffer.size() > m_maxBytes) {
        m_error = {Fault::UnsupportedFormat,
                   QStringLiteral("a picture larger than %1 MB: this is not an H.264 stream, or its bitrate is far "
                                  "too high")
                       .arg(megabytes(m_maxBytes))};
    }
    return m_error;
}

Error AccessUnitSplitter::addNal(QByteArrayView nal)
{
    if (nal.isEmpty())
        return {};
    if (quint8(nal[0]) & 0x80)
        return {Fault::UnsupportedFormat,
                QStringLiteral("a NAL unit with its forbidden bit set: this is not an H.264 stream")};
    const int type = h264::nalType(nal);
    std::optional<h264::SliceStart> slice;
    if (h264::isVcl(type)) {
        slice = h264::sliceStart(nal);
        if (!slice)
            return {Fault::UnsupportedFormat,
                    QStringLiteral("a slice header that cannot be read: this is not an H.264 stream")};
    }
    if (m_currentHasSlice && (beginsAccessUnit(type) || (slice && slice->firstMb == 0)))
        closeAccessUnit();
    if (m_current.data.size() + kLongStartCode.size() + nal.size() > m_maxBytes)
        return {Fault::UnsupportedFormat,
                QStringLiteral("a picture larger than %1 MB: this is not an H.264 stream, or its bitrate is far "
                               "too high")
                    .arg(megabytes(m_maxBytes))};
    m_current.data.append(kLongStartCode);
    m_current.data.append(nal.data(), nal.size());
    if (slice) {
        m_currentHasSlice = true;
        m_current.key = m_current.key || type == h264::kNalIdr;
        m_current.bidirectional = m_current.bidirectional || slice->sliceType == 1;
    }
    return {};
}

void AccessUnitSplitter::closeAccessUnit()
{
    m_ready.push_back(std::move(m_current));
    m_current = AnnexBAccessUnit{};
    m_currentHasSlice = false;
}

std::optional<AnnexBAccessUnit> AccessUnitSplitter::next()
{
    if (m_ready.empty())
        return std::nullopt;
    AnnexBAccessUnit unit = std::move(m_ready.front());
    m_ready.pop_front();
    return unit;
}

std::optional<AnnexBAccessUnit> AccessUnitSplitter::finish()
{
    if (!m_error && m_started) {
        qsizetype end = m_buffer.size();
        while (end > 0 && m_buffer[end - 1] == 0)
            --end;
        m_error = addNal(QByteArrayView(m_buffer).first(end));
        m_buffer.clear();
        m_started = false;
    }
    if (m_currentHasSlice)
        closeAccessUnit();
    return next();
}

}  // namespace hlscam
