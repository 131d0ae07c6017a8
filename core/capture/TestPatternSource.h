// A synthetic camera: FFmpeg's moving testsrc2 pattern with the capture wall-clock time drawn on
// every frame (ClockOverlay), so anyone can eyeball glass-to-glass latency against a clock.
#pragma once

#include "capture/Source.h"
#include "capture/FramePacer.h"

namespace hlscam {

class TestPatternSource final : public Source {
public:
    TestPatternSource(int width, int height, int fps);
    ~TestPatternSource() override;

    QString open() override;
    ReadStatus read(Capture &out) override;
    QString description() const override;
    QString lastError() const override { return m_error; }

private:
    int m_width;
    int m_height;
    int m_fps;
    FramePacer m_pacer;
    ff::FilterGraphPtr m_graph;
    AVFilterContext *m_sink = nullptr;  // owned by m_graph
    QString m_error;
};

}  // namespace hlscam
