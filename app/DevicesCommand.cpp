// `hlscam devices`: the V4L2 cameras of this machine, their formats and sizes.
#include "Commands.h"
#include "SettingsOptions.h"

#include "capture/DeviceCatalog.h"

#include <QTextStream>

namespace hlscam::app {

int devices(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("List the V4L2 cameras of this machine."));
    parser.addHelpOption();
    if (auto exit = parseOrExit(parser, args))
        return *exit;

    QTextStream out(stdout);
    const QList<DeviceInfo> found = listCaptureDevices();
    if (found.isEmpty()) {
        out << "No V4L2 capture device found under /dev (is the camera plugged in, and is this user\n"
               "in group 'video'?). `hlscam serve` streams the test pattern when device = auto.\n";
        return kExitOk;
    }
    for (const DeviceInfo &d : found) {
        out << d.path << "  " << d.card << "  (" << d.driver << ", " << d.bus << ")\n";
        // A stable name keeps naming this camera when it comes back as another /dev/videoN.
        for (const QString &name : d.stableNames)
            out << "    also " << name << "\n";
        for (const DeviceFormat &f : d.formats) {
            QStringList sizes;
            for (const QSize &s : f.sizes)
                sizes << QStringLiteral("%1x%2").arg(s.width()).arg(s.height());
            out << "    " << f.fourcc.leftJustified(5) << f.description << ": "
                << (sizes.isEmpty() ? QStringLiteral("(sizes not listed)") : sizes.join(QLatin1Char(' '))) << "\n";
        }
    }
    return kExitOk;
}

}  // namespace hlscam::app
