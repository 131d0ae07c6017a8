#include "Error.h"

namespace hlscam {

QString faultName(Fault fault)
{
    switch (fault) {
    case Fault::None: return QStringLiteral("none");
    case Fault::NoDevice: return QStringLiteral("no-device");
    case Fault::Busy: return QStringLiteral("busy");
    case Fault::NoPermission: return QStringLiteral("no-permission");
    case Fault::Stalled: return QStringLiteral("stalled");
    case Fault::UnsupportedFormat: return QStringLiteral("unsupported-format");
    case Fault::ModuleMissing: return QStringLiteral("module-missing");
    case Fault::Encoder: return QStringLiteral("encoder");
    case Fault::Io: return QStringLiteral("io");
    case Fault::InvalidValue: return QStringLiteral("invalid-value");
    case Fault::Config: return QStringLiteral("config");
    case Fault::Other: return QStringLiteral("other");
    }
    return QStringLiteral("other");
}

}  // namespace hlscam
