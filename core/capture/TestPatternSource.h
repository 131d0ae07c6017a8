// A synthetic camera: colour bars with moving parts, drawn by our own code (no filter library
// loaded), with the capture wall-clock time drawn on every frame twice (ClockOverlay): a clock
// anyone can read against their own, and a time code a program can read.
#pragma once

#include "capture/FramePacer.h"
#include "capture/Source.h"

namespace hlscam {

class TestPatternSource final : public Source {
public:
    TestPatternSource(int width, int height, int fps);
    ~TestPatternSource() override;

    Error open() override;
    ReadStatus read(Capture &out) override;
    QString description() const override;
    Error lastError() const override { return m_error; }

private:
    int m_width;
    int m_height;
    int m_fps;
    FramePacer m_pacer;
    qint64 m_frameIndex = 0;
    Picture m_picture;  // the buffer frames are drawn into
    QByteArray m_ramp;  // the grey ramp, twice over (see makeRamp)
    Error m_error;
};

}  // namespace hlscam
