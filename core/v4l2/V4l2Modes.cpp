#include "v4l2/V4l2Modes.h"

#include <cmath>
#include <limits>
#include <tuple>

namespace hlscam {

namespace {

bool sameAspect(QSize a, QSize b)
{
    // Within 1 %: 854x480 is 16:9 to anyone who looks at it.
    const double cross = double(a.width()) * b.height() - double(a.height()) * b.width();
    return std::abs(cross) <= 0.01 * double(a.width()) * b.height();
}

bool covers(QSize a, QSize b) { return a.width() >= b.width() && a.height() >= b.height(); }

double area(QSize s) { return double(s.width()) * s.height(); }

// Lower is better, compared in order.
using Score = std::tuple<bool, int, double, int, double, int>;

// How well a size matches: exact; same aspect and larger; same aspect and smaller; larger;
// anything else. The distance orders sizes within a class (the nearest first).
std::pair<int, double> sizeScore(QSize size, QSize wanted)
{
    if (size == wanted)
        return {0, 0};
    const bool aspect = sameAspect(size, wanted);
    const bool larger = covers(size, wanted);
    if (aspect && larger)
        return {1, area(size)};
    if (aspect)
        return {2, -area(size)};
    if (larger)
        return {3, area(size)};
    return {4, -area(size)};
}

// The rate to ask for within one mode, and how far it is from the wanted one.
struct RatePick {
    double fps;
    int penalty;  // 0 exact, 1 higher, 2 lower
    double distance;
};

RatePick pickRate(const CameraMode &mode, int wanted)
{
    if (mode.rates.isEmpty())
        return {double(wanted), 0, 0};
    if (mode.rateRange && mode.rates.size() == 2) {
        const double lo = qMin(mode.rates[0], mode.rates[1]);
        const double hi = qMax(mode.rates[0], mode.rates[1]);
        if (wanted >= lo - 0.01 && wanted <= hi + 0.01)
            return {double(wanted), 0, 0};
    }
    RatePick best{0, 3, std::numeric_limits<double>::max()};
    for (const double r : mode.rates) {
        const double d = std::abs(r - wanted);
        const RatePick pick{r, d < 0.01 ? 0 : (r > wanted ? 1 : 2), d};
        if (std::tie(pick.penalty, pick.distance) < std::tie(best.penalty, best.distance))
            best = pick;
    }
    return best;
}

int even(int v) { return qMax(2, v & ~1); }

}  // namespace

ModeChoice chooseMode(const QList<CameraMode> &modes, const ModeRequest &request)
{
    QSize wanted = request.size;
    if (wanted.isEmpty())
        wanted = request.current;
    ModeChoice best;
    Score bestScore{true, std::numeric_limits<int>::max(), 0, 0, 0, 0};
    for (const CameraMode &mode : modes) {
        const qsizetype rank = request.formats.indexOf(mode.fourcc);
        if (rank < 0 || mode.size.isEmpty())
            continue;
        // Without a wanted size (auto, and the driver says none), the largest.
        const std::pair<int, double> size =
            wanted.isEmpty() ? std::pair<int, double>{0, -area(mode.size)} : sizeScore(mode.size, wanted);
        const RatePick rate = pickRate(mode, request.fps);
        // A mode that cannot keep up with the rate comes after every mode that can.
        const Score score{rate.penalty == 2, size.first, size.second, rate.penalty, rate.distance, int(rank)};
        if (score < bestScore) {
            bestScore = score;
            best = {mode.fourcc, mode.size, rate.fps};
        }
    }
    return best;
}

FitGeometry fitGeometry(QSize camera, QSize sent, Fit fit)
{
    const QRect whole(QPoint(0, 0), QSize(even(sent.width()), even(sent.height())));
    const QRect wholeCamera(QPoint(0, 0), QSize(even(camera.width()), even(camera.height())));
    // Which way the camera's picture is wider than the sent one decides the cut (or the bars).
    const bool cameraWider = qint64(camera.width()) * sent.height() > qint64(sent.width()) * camera.height();
    if (fit == Fit::Crop) {
        QSize cut = wholeCamera.size();
        if (cameraWider)
            cut.setWidth(even(int(std::lround(double(camera.height()) * sent.width() / sent.height()))));
        else
            cut.setHeight(even(int(std::lround(double(camera.width()) * sent.height() / sent.width()))));
        cut = cut.boundedTo(wholeCamera.size());
        const QPoint at(((camera.width() - cut.width()) / 2) & ~1, ((camera.height() - cut.height()) / 2) & ~1);
        return {QRect(at, cut), whole};
    }
    QSize place = whole.size();
    if (cameraWider)
        place.setHeight(even(int(std::lround(double(sent.width()) * camera.height() / camera.width()))));
    else
        place.setWidth(even(int(std::lround(double(sent.height()) * camera.width() / camera.height()))));
    place = place.boundedTo(whole.size());
    const QPoint at(((sent.width() - place.width()) / 2) & ~1, ((sent.height() - place.height()) / 2) & ~1);
    return {wholeCamera, QRect(at, place)};
}

QString fourccName(quint32 fourcc)
{
    QString s;
    for (int i = 0; i < 4; ++i)
        s += QChar(char((fourcc >> (8 * i)) & 0x7f));
    return s.trimmed();
}

}  // namespace hlscam
