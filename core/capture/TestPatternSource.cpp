#include "capture/TestPatternSource.h"

#include "capture/ClockOverlay.h"

#include "Clock.h"

#include <array>
#include <cstring>

namespace hlscam {

namespace {

struct Yuv {
    quint8 y, u, v;
};

// 75 % colour bars in video-range BT.601: white, yellow, cyan, green, magenta, red, blue.
constexpr std::array<Yuv, 7> kBars = {
    {{180, 128, 128}, {162, 44, 142}, {131, 156, 44}, {112, 72, 58}, {84, 184, 198}, {65, 100, 212}, {35, 212, 114}}};

void fill(Picture &f, int x, int y, int w, int h, Yuv c)
{
    x &= ~1;
    y &= ~1;
    w = qMin(w, f.width - x) & ~1;
    h = qMin(h, f.height - y) & ~1;
    if (w <= 0 || h <= 0)
        return;
    for (int row = y; row < y + h; ++row)
        std::memset(f.plane(0) + qsizetype(row) * f.stride(0) + x, c.y, size_t(w));
    for (int row = y / 2; row < (y + h) / 2; ++row) {
        std::memset(f.plane(1) + qsizetype(row) * f.stride(1) + x / 2, c.u, size_t(w / 2));
        std::memset(f.plane(2) + qsizetype(row) * f.stride(2) + x / 2, c.v, size_t(w / 2));
    }
}

// Bars over the upper two thirds; below, a grey ramp that scrolls and a square that sweeps
// across, so every frame differs as a camera's would and motion is easy to judge.
// The grey ramp's period twice over: each row of a frame is a window into it, so scrolling the
// ramp costs a copy per row, not a division per pixel (that was a quarter of the service's CPU).
QByteArray makeRamp(int w)
{
    QByteArray ramp(2 * qsizetype(w), Qt::Uninitialized);
    for (int x = 0; x < 2 * w; ++x)
        ramp[x] = char(quint8(16 + x % w * 219 / w));
    return ramp;
}

void drawPattern(Picture &f, const QByteArray &ramp, qint64 index)
{
    const int w = f.width, h = f.height;
    const int barsH = (h * 2 / 3) & ~1;
    for (int i = 0; i < int(kBars.size()); ++i) {
        const int x0 = w * i / int(kBars.size());
        const int x1 = w * (i + 1) / int(kBars.size());
        fill(f, x0, 0, x1 - x0 + 1, barsH, kBars[size_t(i)]);
    }
    const char *window = ramp.constData() + index * 4 % w;
    for (int row = barsH; row < h; ++row)
        std::memcpy(f.plane(0) + qsizetype(row) * f.stride(0), window, size_t(w));
    for (int row = barsH / 2; row < h / 2; ++row) {
        std::memset(f.plane(1) + qsizetype(row) * f.stride(1), 128, size_t(w / 2));
        std::memset(f.plane(2) + qsizetype(row) * f.stride(2), 128, size_t(w / 2));
    }
    const int side = qMax(8, h / 8) & ~1;
    const int travel = qMax(1, w - side);
    const int x = int(index * 6 % (2 * qint64(travel)));
    fill(f, x < travel ? x : 2 * travel - x, barsH - side / 2, side, side, Yuv{235, 128, 128});
}

}  // namespace

TestPatternSource::TestPatternSource(int width, int height, int fps)
    : m_width(width),
      m_height(height),
      m_fps(fps),
      m_pacer(fps)
{}

TestPatternSource::~TestPatternSource() = default;

Error TestPatternSource::open()
{
    if (m_width < 16 || m_height < 16 || m_width % 2 || m_height % 2)
        return {Fault::UnsupportedFormat,
                QStringLiteral("test pattern: %1x%2 is not an even size of at least 16x16").arg(m_width).arg(m_height)};
    m_pacer.reset();
    return {};
}

ReadStatus TestPatternSource::read(Capture &out)
{
    out.monoUs = m_pacer.waitNext();
    out.wallUs = wallClockUs();

    // Every pixel is drawn again, so one buffer serves every frame; while a consumer still holds
    // the previous picture (the snapshot tap keeps the newest), a new one is allocated instead
    // of detached: a copy of pixels about to be overwritten would be wasted.
    if (m_ramp.isEmpty())
        m_ramp = makeRamp(m_width);
    if (m_picture.isNull() || !m_picture.data.isDetached())
        m_picture = Picture::allocate(m_width, m_height);
    drawPattern(m_picture, m_ramp, m_frameIndex++);
    drawClock(m_picture, out.wallUs);  // the capture time, drawn into the picture itself
    drawTimeCode(m_picture, out.wallUs);
    out.picture = m_picture;
    return ReadStatus::Ok;
}

QString TestPatternSource::description() const
{
    return QStringLiteral("test pattern %1x%2@%3").arg(m_width).arg(m_height).arg(m_fps);
}

}  // namespace hlscam
