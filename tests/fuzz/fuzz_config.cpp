// The INI config parser on arbitrary text: an error names a real line of the file, and what it
// accepts is usable: cameras reachable under /cam/NAME/, a part no longer than a segment, and
// address lists AddressSet reads the way the parser checked them.
#include "AddressInvariants.h"
#include "FuzzCheck.h"
#include "config/ConfigLoader.h"
#include "http/MediaPath.h"

#include <QSet>

using namespace hlscam;
using namespace hlscam::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    const QString fileName = QStringLiteral("fuzz.conf");
    const ConfigResult result = parseConfig(input, fileName);
    if (result.error) {
        const ConfigError &e = *result.error;
        check(!e.message.isEmpty(), "an error says what is wrong", input);
        check(e.file == fileName, "an error names the file", input);
        check(e.line >= 0 && e.line <= input.count('\n') + 1, "an error's line is in the file", input);
        return 0;
    }
    const Settings &s = result.settings;
    check(!s.cameras.isEmpty(), "there is a camera", input);
    QSet<QString> names;
    for (const CameraSettings &camera : s.cameras) {
        check(!names.contains(camera.name), "camera names are unique", input);
        names.insert(camera.name);
        const MediaPath path = parseMediaPath(QStringLiteral("/cam/%1/index.m3u8").arg(camera.name));
        check(path.kind == MediaPath::Kind::Playlist && path.camera == camera.name,
              "every camera is reachable under /cam/NAME/", input);
    }
    check(s.hls.partMs >= 100 && s.hls.partMs <= s.hls.segmentMs, "0.1 s <= part <= segment", input);
    check(s.hls.windowSegments >= 1, "the window holds a segment", input);
    checkAcceptedAddresses(s.server.trustedProxies, input);
    checkAcceptedAddresses(s.bans.ignoreIp, input);
    return 0;
}
