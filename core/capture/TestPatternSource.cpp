#include "capture/TestPatternSource.h"

#include "Logging.h"

#include <QDateTime>
#include <QFile>

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavutil/time.h>
}

namespace hlscam {

namespace {

// A bold monospace font keeps the digits from jumping around as they change.
QString fontOption()
{
    const char *file = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf";
    if (QFile::exists(QString::fromLatin1(file)))
        return QStringLiteral("fontfile=%1").arg(QString::fromLatin1(file));
    return QStringLiteral("font=monospace");
}

// drawtext option strings separate options with ':', so the clock's colons are escaped.
QByteArray stampText(qint64 wallUs)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(wallUs / 1000);
    return "text=" + t.toString(QStringLiteral("HH\\:mm\\:ss.zzz")).toLatin1();
}

}  // namespace

TestPatternSource::TestPatternSource(int width, int height, int fps)
    : m_width(width), m_height(height), m_fps(fps), m_pacer(fps)
{
}

TestPatternSource::~TestPatternSource() = default;

QString TestPatternSource::open()
{
    m_graph.reset(avfilter_graph_alloc());
    if (!m_graph)
        return QStringLiteral("out of memory");
    m_graph->nb_threads = 1;

    int err = avfilter_graph_create_filter(&m_sink, avfilter_get_by_name("buffersink"), "out",
                                           nullptr, nullptr, m_graph.get());
    if (err < 0)
        return QStringLiteral("test pattern: buffersink: %1").arg(ff::errorText(err));

    const int fontSize = qMax(12, m_height / 9);
    const QString description =
        QStringLiteral("testsrc2=size=%1x%2:rate=%3,format=yuv420p,"
                       "drawtext=%4:fontsize=%5:fontcolor=white:box=1:boxcolor=black@0.7:"
                       "boxborderw=%6:x=(w-text_w)/2:y=h-text_h-%6*2:text=00")
            .arg(m_width)
            .arg(m_height)
            .arg(m_fps)
            .arg(fontOption())
            .arg(fontSize)
            .arg(qMax(4, fontSize / 4));

    AVFilterInOut *inputs = avfilter_inout_alloc();
    inputs->name = av_strdup("out");
    inputs->filter_ctx = m_sink;
    inputs->pad_idx = 0;
    inputs->next = nullptr;
    AVFilterInOut *outputs = nullptr;
    err = avfilter_graph_parse_ptr(m_graph.get(), description.toUtf8().constData(), &inputs,
                                   &outputs, nullptr);
    avfilter_inout_free(&inputs);
    avfilter_inout_free(&outputs);
    if (err < 0)
        return QStringLiteral("test pattern: filter graph: %1").arg(ff::errorText(err));
    err = avfilter_graph_config(m_graph.get(), nullptr);
    if (err < 0)
        return QStringLiteral("test pattern: filter graph: %1").arg(ff::errorText(err));
    m_pacer.reset();
    return {};
}

ReadStatus TestPatternSource::read(Capture &out)
{
    out.monoUs = m_pacer.waitNext();
    out.wallUs = av_gettime();

    // testsrc2 makes a frame only when the sink asks, so the stamp is drawn at capture time.
    const QByteArray text = stampText(out.wallUs);
    char reply[64];
    avfilter_graph_send_command(m_graph.get(), "drawtext", "reinit", text.constData(), reply,
                                sizeof reply, 0);

    out.frame = ff::makeFrame();
    const int err = av_buffersink_get_frame(m_sink, out.frame.get());
    if (err < 0) {
        m_error = QStringLiteral("test pattern: %1").arg(ff::errorText(err));
        return ReadStatus::Failed;
    }
    return ReadStatus::Ok;
}

QString TestPatternSource::description() const
{
    return QStringLiteral("test pattern %1x%2@%3").arg(m_width).arg(m_height).arg(m_fps);
}

}  // namespace hlscam
