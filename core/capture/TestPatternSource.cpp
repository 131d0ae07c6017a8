#include "capture/TestPatternSource.h"

#include "capture/ClockOverlay.h"

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavutil/time.h>
}

namespace hlscam {


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

    const QString description = QStringLiteral("testsrc2=size=%1x%2:rate=%3,format=yuv420p")
                                    .arg(m_width)
                                    .arg(m_height)
                                    .arg(m_fps);

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

    out.frame = ff::makeFrame();
    int err = av_buffersink_get_frame(m_sink, out.frame.get());
    if (err >= 0)
        err = av_frame_make_writable(out.frame.get());
    if (err < 0) {
        m_error = QStringLiteral("test pattern: %1").arg(ff::errorText(err));
        return ReadStatus::Failed;
    }
    drawClock(out.frame.get(), out.wallUs);  // the capture time, drawn into the picture itself
    drawTimeCode(out.frame.get(), out.wallUs);
    return ReadStatus::Ok;
}

QString TestPatternSource::description() const
{
    return QStringLiteral("test pattern %1x%2@%3").arg(m_width).arg(m_height).arg(m_fps);
}

}  // namespace hlscam
