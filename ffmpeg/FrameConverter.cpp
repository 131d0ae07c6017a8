#include "FrameConverter.h"

namespace hlscam {

Picture FrameConverter::convert(const AVFrame *frame)
{
    // sws_getCachedContext keeps the context while the input stays the same; it copies without
    // scaling when size and format already match.
    m_scaler.reset(sws_getCachedContext(m_scaler.release(), frame->width, frame->height, AVPixelFormat(frame->format),
                                        m_width, m_height, AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr,
                                        nullptr));
    if (!m_scaler)
        return {};
    Picture picture = Picture::allocate(m_width, m_height);
    uint8_t *planes[4] = {picture.plane(0), picture.plane(1), picture.plane(2), nullptr};
    const int strides[4] = {picture.stride(0), picture.stride(1), picture.stride(2), 0};
    sws_scale(m_scaler.get(), frame->data, frame->linesize, 0, frame->height, planes, strides);
    return picture;
}

}  // namespace hlscam
