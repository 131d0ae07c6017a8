#include "FfmpegLog.h"

#include "Logging.h"

extern "C" {
#include <libavutil/log.h>
}

#include <cstdio>

namespace hlscam::ff {

namespace {
thread_local QString t_lastError;

void forward(void *avcl, int level, const char *format, va_list args)
{
    if (level > AV_LOG_VERBOSE)
        return;
    char line[1024];
    int prefix = 1;
    av_log_format_line2(avcl, level, format, args, line, sizeof line, &prefix);
    QString text = QString::fromUtf8(line).trimmed();
    if (text.isEmpty())
        return;
    if (level <= AV_LOG_WARNING && t_lastError.isEmpty()) {
        // The first complaint is the cause ("Could not find a valid device"); later lines are
        // consequences ("can't configure encoder"). Keep the part after "[tag @ 0x...] ".
        const qsizetype close = text.indexOf(QLatin1String("] "));
        t_lastError = close >= 0 ? text.mid(close + 2) : text;
    }
    qCDebug(lcFfmpeg).noquote() << text;
}
}  // namespace

void installLogging()
{
    static const bool installed = [] {
        av_log_set_callback(forward);
        return true;
    }();
    Q_UNUSED(installed);
}

QString lastError() { return t_lastError; }

void clearLastError() { t_lastError.clear(); }

}  // namespace hlscam::ff
