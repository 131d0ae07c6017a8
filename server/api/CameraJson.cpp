#include "api/CameraJson.h"

namespace hlscam {

QJsonObject cameraJson(const CameraSettings &c)
{
    return {{QStringLiteral("name"), c.name},       {QStringLiteral("device"), c.device},
            {QStringLiteral("width"), c.width},     {QStringLiteral("height"), c.height},
            {QStringLiteral("fps"), c.fps},         {QStringLiteral("bitrate"), c.bitrateKbps},
            {QStringLiteral("encoder"), c.encoder}, {QStringLiteral("fit"), c.fit},
            {QStringLiteral("format"), c.format}};
}

}  // namespace hlscam
