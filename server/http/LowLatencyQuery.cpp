#include "http/LowLatencyQuery.h"

namespace hlscam {

namespace {

// Decimal digits only, bounded: a sequence number fits 15 digits for millennia.
std::optional<qint64> readNumber(const QString &text, int maxDigits)
{
    if (text.isEmpty() || text.size() > maxDigits)
        return std::nullopt;
    qint64 n = 0;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        n = n * 10 + (c.unicode() - u'0');
    }
    return n;
}

}  // namespace

Result<LowLatencyQuery> parseLowLatencyQuery(const QUrlQuery &query)
{
    LowLatencyQuery out;
    const QString msnKey = QStringLiteral("_HLS_msn");
    const QString partKey = QStringLiteral("_HLS_part");
    const QString skipKey = QStringLiteral("_HLS_skip");
    for (const QString &key : {msnKey, partKey, skipKey})
        if (query.allQueryItemValues(key).size() > 1)
            return Error{Fault::InvalidValue, key + QStringLiteral(" is given more than once")};
    if (query.hasQueryItem(msnKey)) {
        out.msn = readNumber(query.queryItemValue(msnKey), 15);
        if (!out.msn)
            return Error{Fault::InvalidValue, QStringLiteral("_HLS_msn is not a media sequence number")};
    }
    if (query.hasQueryItem(partKey)) {
        if (!out.msn)
            return Error{Fault::InvalidValue, QStringLiteral("_HLS_part needs _HLS_msn")};
        const std::optional<qint64> part = readNumber(query.queryItemValue(partKey), 6);
        if (!part)
            return Error{Fault::InvalidValue, QStringLiteral("_HLS_part is not a part index")};
        out.part = int(*part);
    }
    if (query.hasQueryItem(skipKey)) {
        const QString value = query.queryItemValue(skipKey);
        if (value != QLatin1String("YES") && value != QLatin1String("v2"))
            return Error{Fault::InvalidValue, QStringLiteral("_HLS_skip is YES or v2")};
        out.skip = true;  // no date ranges here, so v2 is the same as YES
    }
    return out;
}

}  // namespace hlscam
