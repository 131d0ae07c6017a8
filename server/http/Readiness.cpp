#include "http/Readiness.h"

#include <QtGlobal>

namespace hlscam {

Readiness playlistReadiness(const StorePosition &at, const LowLatencyQuery &ll, const HlsSettings &hls)
{
    const bool started = at.firstMsn >= 0 && (at.lastComplete || at.lastMsn > at.firstMsn);
    if (!started)
        return Readiness::Wait;  // not one complete segment yet
    if (!ll.msn)
        return Readiness::Ready;
    const qint64 msn = *ll.msn;
    const int partsPerSegment = qMax(1, hls.segmentMs / qMax(1, hls.partMs));
    const int advanceParts = qMax(3, 3000 / qMax(1, hls.partMs));
    const qint64 lastPart =
        at.lastComplete ? (at.lastMsn + 1) * partsPerSegment - 1 : at.lastMsn * partsPerSegment + at.lastParts - 1;
    const qint64 wanted = msn * partsPerSegment + ll.part.value_or(partsPerSegment - 1);
    if (msn > at.lastMsn + 2 || wanted - lastPart > advanceParts)
        return Readiness::Never;
    if (msn < at.lastMsn)
        return Readiness::Ready;
    if (msn > at.lastMsn)
        return Readiness::Wait;
    // The newest segment: ready when complete, or when it has the part asked for.
    return at.lastComplete || (ll.part && *ll.part < at.lastParts) ? Readiness::Ready : Readiness::Wait;
}

Readiness partReadiness(const std::optional<std::pair<int, bool>> &progress, const StorePosition &at, qint64 msn,
                        int part)
{
    if (progress) {
        const auto [stored, complete] = *progress;
        if (part < stored)
            return Readiness::Ready;
        return !complete && part == stored ? Readiness::Wait : Readiness::Never;
    }
    return at.lastMsn >= 0 && msn == at.lastMsn + 1 && part == 0 ? Readiness::Wait : Readiness::Never;
}

}  // namespace hlscam
