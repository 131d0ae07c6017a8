// Which of a camera's modes (pixel format, size, frame rate) to ask for, and how its picture is
// fitted into the size that is sent. Pure functions: no device here, so tests can hold them to
// tables of modes that real cameras offer.
#pragma once

#include <QList>
#include <QRect>
#include <QSize>
#include <QString>
#include <QtGlobal>

namespace hlscam {

// One size of one pixel format with the frame rates it offers.
struct CameraMode {
    quint32 fourcc = 0;  // V4L2_PIX_FMT_*
    QSize size;
    // Discrete rates; a driver that offers a range gives its ends. Empty: the driver does not
    // say (any rate is asked for and the driver picks the nearest).
    QList<double> rates;
    bool rateRange = false;  // rates holds the two ends of a range the driver offers

    bool operator==(const CameraMode &) const = default;
};

struct ModeRequest {
    QSize size;  // empty: the camera's own mode (width/height = auto)
    int fps = 25;
    // Pixel formats in the order they are preferred (the first is cheapest to handle); formats
    // not listed are not used at all.
    QList<quint32> formats;
    QSize current;  // the driver's current size: what "the camera's own mode" means
};

struct ModeChoice {
    quint32 fourcc = 0;  // 0: nothing usable
    QSize size;
    double fps = 0;  // the rate to ask for (the driver may still round it)
};

// The mode to ask for: the requested size and rate when offered; else the closest size of the
// same aspect ratio (a larger one before a smaller: scaling down loses nothing), else the
// smallest larger size, else the largest. Modes that give the asked rate (or more) come first:
// a smaller picture scaled up beats a slide show. Within a size, the rate closest to the asked
// one (higher before lower), then the preferred format.
ModeChoice chooseMode(const QList<CameraMode> &modes, const ModeRequest &request);

enum class Fit { Crop, Pad };

// Where the picture goes: `source` (a rectangle of the camera's picture) is scaled to `target`
// (a rectangle of the sent picture); with Pad, the rest of the sent picture is black. Both have
// even corners and sizes (I420's chroma is half size), and the aspect ratio is kept to within
// that rounding.
struct FitGeometry {
    QRect source;
    QRect target;
    bool scales() const { return source.size() != target.size(); }
};
FitGeometry fitGeometry(QSize camera, QSize sent, Fit fit);

// "YUYV", "MJPG", ...
QString fourccName(quint32 fourcc);

}  // namespace hlscam
