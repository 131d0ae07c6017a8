// Cuts an H.264 Annex B byte stream, arriving in pieces of any size (a pipe), into access units:
// one coded picture each, with the SPS/PPS/SEI in front of it. A pipe carries no packet
// boundaries, so the cut follows the standard's rules (7.4.1.2.3): an access unit delimiter, or
// an SPS, PPS or SEI after a picture's slices, or a slice that starts a new picture
// (first_mb_in_slice 0) begins the next one. An access unit is known to be complete only when
// the next one begins, so each is handed out one picture late.
#pragma once

#include "Error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <deque>
#include <optional>

namespace hlscam {

struct AnnexBAccessUnit {
    QByteArray data;             // the NAL units, each after a four-byte start code
    bool key = false;            // holds an IDR slice
    bool bidirectional = false;  // holds a B slice (passthrough packaging cannot reorder)
};

class AccessUnitSplitter {
public:
    // maxBytes bounds an access unit, and the bytes read before the first start code: a stream
    // that is not H.264 fails instead of filling the memory.
    explicit AccessUnitSplitter(qsizetype maxBytes);

    // Takes the next bytes of the stream; fails (and stays failed) on what H.264 cannot be.
    Error append(QByteArrayView bytes);
    // The next complete access unit, if one is.
    std::optional<AnnexBAccessUnit> next();
    // The stream ended: the access unit in progress is complete.
    std::optional<AnnexBAccessUnit> finish();

private:
    Error addNal(QByteArrayView nal);
    void closeAccessUnit();

    qsizetype m_maxBytes;
    QByteArray m_buffer;      // bytes not yet cut into NAL units
    qsizetype m_scanned = 0;  // m_buffer before this holds no start code
    bool m_started = false;   // a start code was seen; m_buffer begins with a NAL unit
    qsizetype m_skipped = 0;  // bytes before the first start code
    AnnexBAccessUnit m_current;
    bool m_currentHasSlice = false;
    std::deque<AnnexBAccessUnit> m_ready;
    Error m_error;
};

}  // namespace hlscam
