// The _HLS_msn/_HLS_part/_HLS_skip query of a playlist request, from an arbitrary query string:
// accepted values are in range and written out again parse to the same.
#include "FuzzCheck.h"
#include "http/LowLatencyQuery.h"

using namespace hlscam;
using namespace hlscam::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    const Result<LowLatencyQuery> parsed = parseLowLatencyQuery(QUrlQuery(QString::fromUtf8(input)));
    if (!parsed.ok())
        return 0;
    const LowLatencyQuery &ll = parsed.value();
    check(!ll.part || ll.msn, "_HLS_part comes with _HLS_msn", input);
    check(!ll.msn || (*ll.msn >= 0 && *ll.msn < 1000000000000000LL), "msn in range", input);
    check(!ll.part || (*ll.part >= 0 && *ll.part < 1000000), "part in range", input);

    QUrlQuery written;
    if (ll.msn)
        written.addQueryItem(QStringLiteral("_HLS_msn"), QString::number(*ll.msn));
    if (ll.part)
        written.addQueryItem(QStringLiteral("_HLS_part"), QString::number(*ll.part));
    if (ll.skip)
        written.addQueryItem(QStringLiteral("_HLS_skip"), QStringLiteral("YES"));
    const Result<LowLatencyQuery> again = parseLowLatencyQuery(written);
    check(again.ok() && again.value().msn == ll.msn && again.value().part == ll.part && again.value().skip == ll.skip,
          "written out again, parses the same", input);
    return 0;
}
