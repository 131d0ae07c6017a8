// Converts decoded FFmpeg frames (any size and pixel format: MJPEG's yuvj422p, a camera's YUYV,
// a file's yuv420p) to the I420 picture of the configured size that the encoders take.
#pragma once

#include "Ffmpeg.h"
#include "capture/Picture.h"

namespace hlscam {

class FrameConverter {
public:
    FrameConverter(int width, int height)
        : m_width(width),
          m_height(height)
    {}
    // A null picture when swscale cannot convert this input.
    Picture convert(const AVFrame *frame);
    int width() const { return m_width; }
    int height() const { return m_height; }

private:
    int m_width;
    int m_height;
    ff::SwsPtr m_scaler;
};

}  // namespace hlscam
