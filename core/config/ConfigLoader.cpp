#include "config/ConfigLoader.h"

#include "capture/CommandLine.h"
#include "config/AddressRange.h"
#include "config/HostNames.h"
#include "config/IceServers.h"
#include "v4l2/V4l2Source.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QHostAddress>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QUrl>
#include <algorithm>
#include <cmath>

#include "Limits.h"
#include "Logging.h"

namespace hlscam {

namespace {

constexpr double kEpsilon = 1e-9;

QString listenProblem(const QString &value, ServerSettings &server);

const QString kSections = QStringLiteral("[server], [camera.NAME], [hls], [auth], [bans], [webrtc], [tls], [paths]");
const QString kSourceHelp =
    QStringLiteral("allowed: testpattern, auto, /dev/videoN, rpicam, exec:COMMAND, or the path of a media file");

QString quoted(const QString &value)
{
    if (value.isEmpty())
        return QStringLiteral("an empty value");
    return u'\'' + (value.size() > 80 ? value.left(77) + QStringLiteral("...") : value) + u'\'';
}

bool isDigits(const QString &s)
{
    return !s.isEmpty() && std::all_of(s.begin(), s.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}

// Seconds with a number of decimals, as written: "1", "0.5", ".25"; the result in seconds.
std::optional<double> readSeconds(const QString &v)
{
    static const QRegularExpression re(QStringLiteral("^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)$"));
    if (!re.match(v).hasMatch())
        return std::nullopt;
    return v.toDouble();
}

QString readInt(const QString &v, int min, int max, int &out, bool even = false)
{
    const QString allowed =
        (even ? QStringLiteral("(allowed: even numbers from %1 to %2)") : QStringLiteral("(allowed: %1 to %2)"))
            .arg(min)
            .arg(max);
    if (!isDigits(v))
        return quoted(v) + QStringLiteral(" is not a whole number ") + allowed;
    const int n = v.size() > 9 ? max + 1 : v.toInt();  // more digits would overflow an int
    if (n < min || n > max)
        return quoted(v) + QStringLiteral(" is out of range ") + allowed;
    if (even && n % 2 != 0)
        return quoted(v) + QStringLiteral(" is odd ") + allowed;
    out = n;
    return {};
}

// kbit/s, plain or with a k or M suffix: "800", "800k", "2M", "1.5M".
QString readBitrate(const QString &v, int &out)
{
    const QString allowed = QStringLiteral("(allowed: 100 to 20000 kbit/s, written as 800, 800k or 2M)");
    static const QRegularExpression re(QStringLiteral("^([0-9]+(?:\\.[0-9]+)?)\\s*([kKM]?)$"));
    const QRegularExpressionMatch m = re.match(v);
    if (!m.hasMatch())
        return quoted(v) + QStringLiteral(" is not a bitrate ") + allowed;
    const double kbps = m.captured(1).toDouble() * (m.captured(2) == u"M" ? 1000.0 : 1.0);
    if (std::fabs(kbps - std::round(kbps)) > kEpsilon)
        return quoted(v) + QStringLiteral(" is not a whole number of kbit/s ") + allowed;
    if (kbps < 100 || kbps > 20000)
        return quoted(v) + QStringLiteral(" is out of range ") + allowed;
    out = static_cast<int>(std::lround(kbps));
    return {};
}

// Paths in the file must be absolute: a service's working directory is nobody's guess.
QString readPath(const QString &v, QString &out, const char *emptyMeans)
{
    if (!v.isEmpty() && !QDir::isAbsolutePath(v))
        return quoted(v) + QStringLiteral(" is not an absolute path (write the full path, or leave it empty for %1)")
                               .arg(QLatin1String(emptyMeans));
    out = v;
    return {};
}

QString readDevice(const QString &v, QString &out)
{
    // exec:COMMAND runs a program that writes H.264 (split into words here, so a quoting
    // mistake is an error with its line now, not a camera that keeps failing later).
    if (v.startsWith(u"exec:")) {
        const Result<QStringList> words = splitCommand(v.mid(5));
        if (!words.ok())
            return quoted(v) + QStringLiteral(" is not a command: ") + words.error().message;
        if (words.value().first().contains(u'/') && !QDir::isAbsolutePath(words.value().first()))
            return quoted(v) + QStringLiteral(
                                   ": a program named with a / must be an absolute path (or give its name alone: it "
                                   "is looked up in PATH)");
        out = v;
        return {};
    }
    if (v != u"auto" && v != u"testpattern" && v != u"rpicam" && !QDir::isAbsolutePath(v))
        return quoted(v) + QStringLiteral(
                               " is not a device (allowed: auto, testpattern, /dev/videoN, /dev/v4l/by-id/... or "
                               "by-path/..., rpicam (the Raspberry Pi "
                               "camera module through rpicam-vid), exec:COMMAND (a program that writes H.264), or "
                               "the absolute path of a media file)");
    out = v;
    return {};
}

// A picture dimension, or "auto" (0) for the camera's own size.
QString readDimension(const QString &v, int max, int &out)
{
    if (v == u"auto") {
        out = 0;
        return {};
    }
    QString e = readInt(v, 16, max, out, true);
    if (!e.isEmpty())
        e.insert(e.lastIndexOf(u')'), QStringLiteral(", or auto for the camera's own size"));
    return e;
}

QString readChoice(const QString &v, const QStringList &names, const char *what, QString &out)
{
    if (!names.contains(v))
        return quoted(v) +
               QStringLiteral(" is not %1 (allowed: %2)").arg(QLatin1String(what), names.join(QStringLiteral(", ")));
    out = v;
    return {};
}

QString readEncoder(const QString &v, QString &out)
{
    static const QStringList names = {QStringLiteral("auto"), QStringLiteral("copy"), QStringLiteral("h264_v4l2m2m"),
                                      QStringLiteral("h264_omx"), QStringLiteral("libx264")};
    if (!names.contains(v))
        return quoted(v) + QStringLiteral(" is not an encoder (allowed: %1)").arg(names.join(QStringLiteral(", ")));
    out = v;
    return {};
}

// A duration the way fail2ban writes them: seconds, or a number with s, m, h, d or w
// ("3600", "10m", "1h", "1w"); "-1" (any negative) only where `negative` names what it means.
QString readDuration(const QString &v, qint64 min, qint64 max, qint64 &out, const char *negative = nullptr)
{
    static const QRegularExpression re(QStringLiteral("^(-?[0-9]{1,9})\\s*([smhdw]?)$"));
    QString allowed =
        QStringLiteral("(allowed: %1 to %2 seconds, or with a unit: 30s, 10m, 1h, 1d, 1w").arg(min).arg(max);
    if (negative)
        allowed += QStringLiteral("; -1 for %1").arg(QLatin1String(negative));
    allowed += u')';
    const QRegularExpressionMatch m = re.match(v);
    if (!m.hasMatch())
        return quoted(v) + QStringLiteral(" is not a duration ") + allowed;
    qint64 n = m.captured(1).toLongLong();
    if (n < 0) {
        if (!negative)
            return quoted(v) + QStringLiteral(" is negative ") + allowed;
        out = -1;
        return {};
    }
    static const QHash<QString, qint64> unit = {{QString(), 1},
                                                {QStringLiteral("s"), 1},
                                                {QStringLiteral("m"), 60},
                                                {QStringLiteral("h"), 3600},
                                                {QStringLiteral("d"), 86400},
                                                {QStringLiteral("w"), 604800}};
    n *= unit.value(m.captured(2));
    if (n < min || n > max)
        return quoted(v) + QStringLiteral(" is out of range ") + allowed;
    out = n;
    return {};
}

QString readBool(const QString &v, bool &out)
{
    static const QStringList yes = {QStringLiteral("true"), QStringLiteral("yes"), QStringLiteral("on"),
                                    QStringLiteral("1")};
    static const QStringList no = {QStringLiteral("false"), QStringLiteral("no"), QStringLiteral("off"),
                                   QStringLiteral("0")};
    if (yes.contains(v.toLower()))
        out = true;
    else if (no.contains(v.toLower()))
        out = false;
    else
        return quoted(v) + QStringLiteral(" is not true or false (allowed: true, false, yes, no, on, off)");
    return {};
}

// The entries of a list value, separated by spaces or commas.
QStringList splitList(const QString &v)
{
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    return v.split(separators, Qt::SkipEmptyParts);
}

// A camera's controls: key=value pairs ("brightness=140 white_balance_automatic=0"), separated
// by spaces or commas. Whether the camera has them is seen when it opens (a camera can change).
QString readControls(const QString &v, QMap<QString, qint64> &out)
{
    static const QRegularExpression pair(QStringLiteral("^([a-z0-9_]{1,64})=(-?[0-9]{1,19})$"));
    QMap<QString, qint64> controls;
    for (const QString &entry : splitList(v)) {
        const QRegularExpressionMatch m = pair.match(entry);
        bool ok = false;
        const qint64 value = m.hasMatch() ? m.captured(2).toLongLong(&ok) : 0;
        if (!ok)
            return quoted(entry) + QStringLiteral(
                                       " is not a control setting (allowed: key=integer pairs separated by spaces "
                                       "or commas, e.g. brightness=140 power_line_frequency=1; the keys are "
                                       "those GET /api/v1/cameras/NAME/controls lists)");
        if (controls.contains(m.captured(1)))
            return QStringLiteral("%1 is set twice: keep one").arg(quoted(m.captured(1)));
        controls.insert(m.captured(1), value);
    }
    out = controls;
    return {};
}

QString readAddressList(const QString &v, QStringList &out)
{
    const QStringList entries = splitList(v);
    for (const QString &entry : entries) {
        if (!parseAddressRange(entry))
            return quoted(entry) + QStringLiteral(
                                       " is not an IP address or CIDR range (allowed: addresses or ranges such as "
                                       "127.0.0.1, ::1, 10.0.0.0/8, separated by spaces or commas)");
    }
    out = entries;
    return {};
}

// A TURN username or password as it is sent in a Link header's quoted string: printable ASCII
// without quotes or backslashes (no escaping for the page to undo), or empty for none.
const QString kLinkParameterHelp =
    QStringLiteral("(allowed: up to 256 printable ASCII characters without spaces, \" or \\; empty for none)");
bool isLinkParameter(const QString &v)
{
    return v.size() <= 256 && std::all_of(v.begin(), v.end(), [](QChar c) {
               return c.unicode() > 0x20 && c.unicode() < 0x7f && c != u'"' && c != u'\\';
           });
}

// Host names: "cam.example.org", "*.example.org" or "*", separated by spaces or commas.
QString readHostnames(const QString &v, QStringList &out)
{
    static const QRegularExpression name(
        QStringLiteral("^(\\*|(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-"
                       "Za-z0-9])?)*)$"));
    const QStringList entries = splitList(v);
    for (const QString &entry : entries) {
        if (entry.size() > 253 || !name.match(entry).hasMatch())
            return quoted(entry) + QStringLiteral(
                                       " is not a host name (allowed: names such as cam.example.org, "
                                       "*.example.org for a domain and its subdomains, or * for "
                                       "any name; separated by spaces or commas)");
    }
    out = entries;
    return {};
}

// What the keys write to while a file is read.
struct State {
    Settings settings;
    // As written, for the part/segment check at the end (stored rounded to ms in settings).
    double segmentSeconds = settings.hls.segmentMs / 1000.0;
    double partSeconds = settings.hls.partMs / 1000.0;
};

using Handler = QString (*)(const QString &value, State &state);
struct KeyDef {
    const char *section;  // "camera" for every [camera.NAME]
    const char *key;
    Handler apply;
};

CameraSettings &camera(State &s) { return s.settings.cameras.last(); }

// The one list of keys: the parser, knownKeys() and the error messages all read it.
const KeyDef kKeys[] = {
    {"server", "listen",
     [](const QString &v, State &s) {
         return listenProblem(v, s.settings.server);
     }},
    {"server", "tls_cert",
     [](const QString &v, State &s) {
         return readPath(v, s.settings.server.tlsCert, "plain HTTP");
     }},
    {"server", "tls_key",
     [](const QString &v, State &s) {
         return readPath(v, s.settings.server.tlsKey, "plain HTTP");
     }},
    {"server", "metrics_token",
     [](const QString &v, State &s) -> QString {
         static const QRegularExpression token(QStringLiteral("^[A-Za-z0-9._~+/=-]{16,256}$"));
         if (!v.isEmpty() && !token.match(v).hasMatch())
             return QStringLiteral(
                 "is 16 to 256 letters, digits or ._~+/=- (a secret for Prometheus), "
                 "or empty for admins only");
         s.settings.server.metricsToken = v;
         return {};
     }},
    {"server", "trusted_proxies",
     [](const QString &v, State &s) {
         return readAddressList(v, s.settings.server.trustedProxies);
     }},
    {"server", "hostnames",
     [](const QString &v, State &s) {
         return readHostnames(v, s.settings.server.hostnames);
     }},
    {"server", "max_request_bytes",
     [](const QString &v, State &s) {
         return readInt(v, 1024, 1048576, s.settings.server.maxRequestBytes);
     }},
    {"server", "max_connections",
     [](const QString &v, State &s) {
         return readInt(v, 1, 100000, s.settings.server.maxConnections);
     }},
    {"server", "max_connections_per_address",
     [](const QString &v, State &s) {
         return readInt(v, 1, 100000, s.settings.server.maxConnectionsPerAddress);
     }},
    {"server", "max_connections_per_network",
     [](const QString &v, State &s) {
         return readInt(v, 1, 100000, s.settings.server.maxConnectionsPerNetwork);
     }},
    {"server", "header_timeout",
     [](const QString &v, State &s) {
         qint64 sec = 0;
         QString e = readDuration(v, 1, 3600, sec);
         if (e.isEmpty())
             s.settings.server.headerTimeoutS = int(sec);
         return e;
     }},
    {"server", "idle_timeout",
     [](const QString &v, State &s) {
         qint64 sec = 0;
         QString e = readDuration(v, 1, 86400, sec);
         if (e.isEmpty())
             s.settings.server.idleTimeoutS = int(sec);
         return e;
     }},
    {"server", "max_held_requests",
     [](const QString &v, State &s) {
         return readInt(v, 1, 100000, s.settings.server.maxHeldRequests);
     }},
    {"server", "announce",
     [](const QString &v, State &s) {
         return readBool(v, s.settings.server.announce);
     }},
    {"server", "announce_name",
     [](const QString &v, State &s) -> QString {
         // One DNS label: at most 63 bytes of UTF-8 (RFC 6763 §4.1.1), no control characters.
         const bool control =
             std::any_of(v.begin(), v.end(), [](QChar c) { return c.category() == QChar::Other_Control; });
         if (v.toUtf8().size() > 63 || control)
             return quoted(v) + QStringLiteral(
                                    " is not a service name (allowed: up to 63 bytes of UTF-8 "
                                    "text without control characters, e.g. Garden camera; "
                                    "empty for \"hlscam on <host name>\")");
         s.settings.server.announceName = v;
         return {};
     }},
    {"server", "announce_backend",
     [](const QString &v, State &s) -> QString {
         static const QHash<QString, DiscoveryBackend> names{{QStringLiteral("auto"), DiscoveryBackend::Auto},
                                                             {QStringLiteral("avahi"), DiscoveryBackend::Avahi},
                                                             {QStringLiteral("builtin"), DiscoveryBackend::Builtin}};
         if (!names.contains(v))
             return quoted(v) + QStringLiteral(" is not allowed (allowed: auto, avahi, builtin)");
         s.settings.server.announceBackend = names.value(v);
         return {};
     }},
    {"camera", "device",
     [](const QString &v, State &s) {
         return readDevice(v, camera(s).device);
     }},
    {"camera", "width",
     [](const QString &v, State &s) {
         return readDimension(v, 3840, camera(s).width);
     }},
    {"camera", "height",
     [](const QString &v, State &s) {
         return readDimension(v, 2160, camera(s).height);
     }},
    {"camera", "fps",
     [](const QString &v, State &s) {
         return readInt(v, 1, 60, camera(s).fps);
     }},
    {"camera", "fit",
     [](const QString &v, State &s) {
         return readChoice(v, {QStringLiteral("crop"), QStringLiteral("pad")}, "a fit", camera(s).fit);
     }},
    {"camera", "format",
     [](const QString &v, State &s) {
         return readChoice(v, QStringList{QStringLiteral("auto")} + V4l2Source::formatNames(), "a pixel format",
                           camera(s).format);
     }},
    {"camera", "bitrate",
     [](const QString &v, State &s) {
         return readBitrate(v, camera(s).bitrateKbps);
     }},
    {"camera", "encoder",
     [](const QString &v, State &s) {
         return readEncoder(v, camera(s).encoder);
     }},
    {"camera", "controls",
     [](const QString &v, State &s) {
         return readControls(v, camera(s).controls);
     }},
    {"camera", "mjpeg_max_clients",
     [](const QString &v, State &s) {
         return readInt(v, 0, 1000, camera(s).mjpegMaxClients);
     }},
    {"hls", "segment_duration",
     [](const QString &v, State &s) -> QString {
         const std::optional<double> sec = readSeconds(v);
         if (!sec || *sec < 0.5 - kEpsilon || *sec > 10 + kEpsilon)
             return quoted(v) +
                    (sec ? QStringLiteral(" is out of range") : QStringLiteral(" is not a number of seconds")) +
                    QStringLiteral(" (allowed: 0.5 to 10 seconds, e.g. 1 or 2.5)");
         s.segmentSeconds = *sec;
         s.settings.hls.segmentMs = static_cast<int>(std::lround(*sec * 1000));
         return {};
     }},
    // Range and divisibility depend on segment_duration, which may come later: checked at the end.
    {"hls", "part_duration",
     [](const QString &v, State &s) -> QString {
         const std::optional<double> sec = readSeconds(v);
         if (!sec)
             return quoted(v) +
                    QStringLiteral(" is not a number of seconds (allowed: 0.1 to segment_duration, e.g. 0.2)");
         s.partSeconds = *sec;
         s.settings.hls.partMs = static_cast<int>(std::lround(*sec * 1000));
         return {};
     }},
    {"hls", "window",
     [](const QString &v, State &s) {
         return readInt(v, 3, 60, s.settings.hls.windowSegments);
     }},
    {"auth", "users_file",
     [](const QString &v, State &s) {
         return readPath(v, s.settings.auth.usersFile, "the file users in state_dir");
     }},
    {"auth", "anonymous",
     [](const QString &v, State &s) -> QString {
         if (v == QLatin1String("none") || v == QLatin1String("viewer")) {
             s.settings.auth.anonymousViewers = v == QLatin1String("viewer");
             return {};
         }
         return quoted(v) + QStringLiteral(" is not allowed (allowed: none, viewer)");
     }},
    {"auth", "credential_cache_time",
     [](const QString &v, State &s) {
         qint64 sec = 0;
         QString e = readDuration(v, 0, 86400, sec);
         if (e.isEmpty())
             s.settings.auth.credentialCacheS = int(sec);
         return e;
     }},
    {"auth", "credential_cache_size",
     [](const QString &v, State &s) {
         return readInt(v, 1, 1000000, s.settings.auth.credentialCacheSize);
     }},
    {"auth", "max_password_checks",
     [](const QString &v, State &s) {
         return readInt(v, 1, 10000, s.settings.auth.maxPasswordChecks);
     }},
    {"auth", "token_lifetime",
     [](const QString &v, State &s) {
         return readDuration(v, limits::kMinTokenSeconds, 3650 * 86400LL, s.settings.auth.tokenLifetimeS);
     }},
    {"auth", "token_lifetime_max",
     [](const QString &v, State &s) {
         return readDuration(v, limits::kMinTokenSeconds, 3650 * 86400LL, s.settings.auth.tokenLifetimeMaxS);
     }},
    {"auth", "admin_token_lifetime_max",
     [](const QString &v, State &s) {
         // The desktop app's preview asks for a token of 12 hours.
         return readDuration(v, 86400, 3650 * 86400LL, s.settings.auth.adminTokenLifetimeMaxS);
     }},
    {"bans", "maxretry",
     [](const QString &v, State &s) {
         return readInt(v, 0, 1000000, s.settings.bans.maxRetry);
     }},
    {"bans", "findtime",
     [](const QString &v, State &s) {
         return readDuration(v, 1, 365 * 86400LL, s.settings.bans.findTimeS);
     }},
    {"bans", "bantime",
     [](const QString &v, State &s) {
         return readDuration(v, 1, 3650 * 86400LL, s.settings.bans.banTimeS, "a ban for ever");
     }},
    {"bans", "bantime_increment",
     [](const QString &v, State &s) {
         return readBool(v, s.settings.bans.banTimeIncrement);
     }},
    {"bans", "bantime_max",
     [](const QString &v, State &s) {
         return readDuration(v, 1, 3650 * 86400LL, s.settings.bans.banTimeMaxS);
     }},
    {"bans", "ignoreip",
     [](const QString &v, State &s) {
         return readAddressList(v, s.settings.bans.ignoreIp);
     }},
    {"bans", "ipv6_prefix",
     [](const QString &v, State &s) {
         return readInt(v, 32, 128, s.settings.bans.ipv6Prefix);
     }},
    {"webrtc", "enabled",
     [](const QString &v, State &s) {
         return readBool(v, s.settings.webrtc.enabled);
     }},
    {"webrtc", "udp_port",
     [](const QString &v, State &s) {
         int port = s.settings.webrtc.udpPort;
         QString e = readInt(v, 0, 65535, port);
         s.settings.webrtc.udpPort = quint16(port);  // unchanged on an error
         return e;
     }},
    {"webrtc", "tcp_port",
     [](const QString &v, State &s) -> QString {
         if (v.isEmpty()) {
             s.settings.webrtc.tcpPort.reset();
             return {};
         }
         int port = 0;
         QString e = readInt(v, 0, 65535, port);
         if (e.isEmpty())
             s.settings.webrtc.tcpPort = quint16(port);
         return e;
     }},
    {"webrtc", "public_address",
     [](const QString &v, State &s) -> QString {
         if (!v.isEmpty() && !isIpAddress(v) && !isHostName(v))
             return quoted(v) + QStringLiteral(
                                    " is neither an IP address nor a host name (allowed: the router's public "
                                    "address, e.g. 203.0.113.7, or a name such as cam.example.org; empty for none)");
         s.settings.webrtc.publicAddress = v;
         return {};
     }},
    {"webrtc", "stun_server",
     [](const QString &v, State &s) -> QString {
         if (v.isEmpty()) {
             s.settings.webrtc.stunHost.clear();
             return {};
         }
         // host, host:port, [IPv6]:port, or an IPv6 address alone.
         QString host = v;
         QString port = QStringLiteral("3478");
         if (v.startsWith(u'[')) {
             const qsizetype close = v.indexOf(u']');
             host = close > 0 ? v.mid(1, close - 1) : QString();
             const QString rest = close > 0 ? v.mid(close + 1) : QString();
             if (!rest.isEmpty())
                 port = rest.startsWith(u':') ? rest.mid(1) : QString();
         } else if (v.count(u':') == 1) {
             host = v.section(u':', 0, 0);
             port = v.section(u':', 1);
         }
         const QString allowed = QStringLiteral(
             "(allowed: host:port, e.g. stun.example.org:3478 or 192.0.2.1:3478, [IPv6]:port; the port is 3478 "
             "when left out; empty for none)");
         if (!isIpAddress(host) && !isHostName(host))
             return quoted(v) + QStringLiteral(" has no valid host ") + allowed;
         if (!isDigits(port) || port.size() > 5 || port.toInt() < 1 || port.toInt() > 65535)
             return quoted(v) + QStringLiteral(" has no valid port ") + allowed;
         s.settings.webrtc.stunHost = host;
         s.settings.webrtc.stunPort = quint16(port.toInt());
         return {};
     }},
    {"webrtc", "ice_servers",
     [](const QString &v, State &s) -> QString {
         const Result<QStringList> uris = parseIceServerList(v);
         if (!uris.ok())
             return uris.error().message;
         s.settings.webrtc.iceServers = uris.value();
         return {};
     }},
    {"webrtc", "turn_secret",
     [](const QString &v, State &s) -> QString {
         // Never quoted back: the message may end up in a log.
         if (!v.isEmpty() && v.size() < 16)
             return QStringLiteral(
                 "the secret is shorter than 16 characters, short enough to guess from one credential a viewer "
                 "sees (allowed: 16 or more, e.g. the output of openssl rand -hex 32; empty for none)");
         s.settings.webrtc.turnSecret = v;
         return {};
     }},
    {"webrtc", "turn_credential_lifetime",
     [](const QString &v, State &s) {
         return readDuration(v, 60, qint64{30} * 86400, s.settings.webrtc.turnCredentialLifetimeS);
     }},
    {"webrtc", "turn_username",
     [](const QString &v, State &s) -> QString {
         if (!isLinkParameter(v))
             return quoted(v.left(40)) + QStringLiteral(" is not allowed ") + kLinkParameterHelp;
         s.settings.webrtc.turnUsername = v;
         return {};
     }},
    {"webrtc", "turn_password",
     [](const QString &v, State &s) -> QString {
         if (!isLinkParameter(v))
             return QStringLiteral("the password is not allowed ") + kLinkParameterHelp;  // not quoted back
         s.settings.webrtc.turnPassword = v;
         return {};
     }},
    {"webrtc", "max_sessions",
     [](const QString &v, State &s) {
         return readInt(v, 1, 1000, s.settings.webrtc.maxSessions);
     }},
    {"webrtc", "max_sessions_per_address",
     [](const QString &v, State &s) {
         return readInt(v, 1, 1000, s.settings.webrtc.maxSessionsPerAddress);
     }},
    {"bans", "max_addresses",
     [](const QString &v, State &s) {
         return readInt(v, 100, 10000000, s.settings.bans.maxAddresses);
     }},
    {"server", "http_listen",
     [](const QString &v, State &s) -> QString {
         ServerSettings &server = s.settings.server;
         if (v.trimmed().isEmpty()) {
             server.httpListen = ServerSettings::HttpListen::Default;
             return {};
         }
         if (v.trimmed() == u"off") {
             server.httpListen = ServerSettings::HttpListen::Off;
             return {};
         }
         ServerSettings parsed;
         if (QString problem = listenProblem(v, parsed); !problem.isEmpty())
             return problem + QStringLiteral(", off, or empty for 0.0.0.0:80 with ACME and off without");
         server.httpListen = ServerSettings::HttpListen::On;
         server.httpAddress = parsed.address;
         server.httpPort = parsed.port;
         return {};
     }},
    {"tls", "acme_domain",
     [](const QString &v, State &s) -> QString {
         QStringList names;
         if (QString problem = readHostnames(v, names); !problem.isEmpty())
             return problem;
         for (const QString &n : std::as_const(names))
             if (n.contains(u'*') || !n.contains(u'.'))
                 return quoted(n) + QStringLiteral(
                                        " cannot be validated over HTTP-01 (allowed: full names such as "
                                        "cam.example.org, no wildcards)");
         s.settings.tls.acmeDomains = names;
         return {};
     }},
    {"tls", "acme_email",
     [](const QString &v, State &s) -> QString {
         static const QRegularExpression email(QStringLiteral("^[^@\\s,:]{1,64}@[A-Za-z0-9.-]{1,253}$"));
         if (!v.isEmpty() && !email.match(v).hasMatch())
             return quoted(v) + QStringLiteral(" is not an e-mail address (e.g. you@example.org), or empty for none");
         s.settings.tls.acmeEmail = v;
         return {};
     }},
    {"tls", "acme_directory",
     [](const QString &v, State &s) -> QString {
         const QUrl url(v, QUrl::StrictMode);
         if (!url.isValid() || url.scheme() != u"https" || url.host().isEmpty())
             return quoted(v) + QStringLiteral(
                                    " is not an https:// URL of an ACME directory (e.g. "
                                    "https://acme-staging-v02.api.letsencrypt.org/directory)");
         s.settings.tls.acmeDirectory = v;
         return {};
     }},
    {"tls", "acme_ca",
     [](const QString &v, State &s) {
         return readPath(v, s.settings.tls.acmeCa, "the system's CAs only");
     }},
    {"paths", "state_dir",
     [](const QString &v, State &s) {
         return readPath(v, s.settings.paths.stateDir, "the standard state directory");
     }},
    {"paths", "media_dir",
     [](const QString &v, State &s) {
         return readPath(v, s.settings.paths.mediaDir, "no media files through the API");
     }},
};

const KeyDef *findKey(const QString &section, const QString &key)
{
    for (const KeyDef &def : kKeys) {
        if (section == QLatin1String(def.section) && key == QLatin1String(def.key))
            return &def;
    }
    return nullptr;
}

QStringList keysOf(const QString &section)
{
    QStringList keys;
    for (const KeyDef &def : kKeys) {
        if (section == QLatin1String(def.section))
            keys.append(QLatin1String(def.key));
    }
    return keys;
}

// Part durations near `part` that divide the segment in whole milliseconds, for the hint.
QString partSuggestions(double segment, double part)
{
    const int segMs = static_cast<int>(std::lround(segment * 1000));
    QList<int> parts;
    for (int n = 1; segMs / n >= 100; ++n) {
        if (segMs % n == 0)
            parts.append(segMs / n);
    }
    const int partMs = static_cast<int>(std::lround(part * 1000));
    std::sort(parts.begin(), parts.end(),
              [partMs](int a, int b) { return std::abs(a - partMs) < std::abs(b - partMs); });
    QStringList text;
    for (int ms : parts.mid(0, 2))
        text.append(QString::number(ms / 1000.0));
    return text.join(QStringLiteral(" or "));
}

class Parser {
public:
    explicit Parser(const QString &file)
        : m_file(file)
    {}

    ConfigResult run(const QByteArray &text)
    {
        const QList<QByteArray> lines = text.split('\n');
        for (qsizetype i = 0; i < lines.size(); ++i) {
            QByteArray bytes = lines[i];
            if (i == 0 && bytes.startsWith("\xEF\xBB\xBF"))
                bytes.remove(0, 3);  // a byte order mark some editors write
            QStringDecoder decoder(QStringDecoder::Utf8, QStringConverter::Flag::Stateless);
            const QString line = decoder(bytes);
            const int number = static_cast<int>(i + 1);
            if (decoder.hasError())
                return failed(error(number, {}, QStringLiteral("not valid UTF-8: save the file as UTF-8")));
            if (auto e = parseLine(line.trimmed(), number))
                return failed(*e);
        }
        if (auto e = finish())
            return failed(*e);
        qCDebug(lcConfig) << "parsed" << m_file << "cameras:" << m_state.settings.cameras.size();
        return {m_state.settings, std::nullopt};
    }

private:
    static ConfigResult failed(const ConfigError &e) { return {Settings{}, e}; }
    ConfigError error(int line, const QString &key, const QString &message) const
    {
        return {m_file, line, key, message};
    }
    QString label(const QString &key) const { return u'[' + m_section + QStringLiteral("] ") + key; }

    std::optional<ConfigError> parseLine(const QString &line, int number)
    {
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            return std::nullopt;
        if (line.startsWith(u'[')) {
            if (!line.endsWith(u']'))
                return error(number, {},
                             quoted(line) +
                                 QStringLiteral(" is not a section header: write it alone on its line, e.g. [server]"));
            return parseSection(line.mid(1, line.size() - 2).trimmed(), number);
        }
        const qsizetype eq = line.indexOf(u'=');
        if (eq < 0)
            return error(number, {},
                         quoted(line) + QStringLiteral(" is not a [section], a key = value line, "
                                                       "or a comment (# or ; at the start)"));
        return parseKey(line.left(eq).trimmed(), line.mid(eq + 1).trimmed(), number);
    }

    std::optional<ConfigError> parseSection(const QString &name, int number)
    {
        const QString key = u'[' + name + u']';
        static const QRegularExpression cameraName(QStringLiteral("^[A-Za-z0-9_-]{1,32}$"));
        const bool isCamera = name.startsWith(QStringLiteral("camera."));
        if (isCamera && !cameraName.match(name.mid(7)).hasMatch())
            return error(number, key,
                         QStringLiteral("camera name '%1' is not allowed (allowed: 1 to 32 "
                                        "letters, digits, _ or -, e.g. [camera.cam0])")
                             .arg(name.mid(7)));
        if (!isCamera && (name == u"camera" || keysOf(name).isEmpty()))
            return error(number, key, QStringLiteral("unknown section (allowed: %1)").arg(kSections));
        if (const int first = m_sectionLines.value(name)) {
            return error(number, key,
                         QStringLiteral("the section appears twice, at lines %1 and %2: merge them into one")
                             .arg(first)
                             .arg(number));
        }
        m_sectionLines.insert(name, number);
        m_section = name;
        m_kind = isCamera ? QStringLiteral("camera") : name;
        if (isCamera) {
            // The file's cameras replace the built-in default camera.
            if (!m_sawCamera)
                m_state.settings.cameras.clear();
            m_sawCamera = true;
            CameraSettings cam;
            cam.name = name.mid(7);
            m_state.settings.cameras.append(cam);
        }
        return std::nullopt;
    }

    std::optional<ConfigError> parseKey(const QString &key, const QString &value, int number)
    {
        if (key.isEmpty())
            return error(number, {}, QStringLiteral("a line starting with = has no key: write key = value"));
        if (m_section.isEmpty())
            return error(number, key,
                         QStringLiteral("the key comes before any section: put it under its section (allowed: %1)")
                             .arg(kSections));
        const KeyDef *def = findKey(m_kind, key);
        if (!def)
            return error(number, label(key),
                         QStringLiteral("unknown key (allowed in [%1]: %2)")
                             .arg(m_section, keysOf(m_kind).join(QStringLiteral(", "))));
        const QString id = m_section + u'\n' + key;
        if (const int first = m_keyLines.value(id)) {
            return error(number, label(key),
                         QStringLiteral("the key is set twice, at lines %1 and %2: keep one").arg(first).arg(number));
        }
        m_keyLines.insert(id, number);
        QString message = def->apply(value, m_state);
        if (message.isEmpty())
            return std::nullopt;
        if (value.contains(u'#') || value.contains(u';'))
            message += QStringLiteral("; note that comments must be on their own line");
        return error(number, label(key), message);
    }

    // Checks that involve more than one key.
    std::optional<ConfigError> finish() const
    {
        const ServerSettings &server = m_state.settings.server;
        if (server.tlsCert.isEmpty() != server.tlsKey.isEmpty()) {
            const QString set = server.tlsCert.isEmpty() ? QStringLiteral("tls_key") : QStringLiteral("tls_cert");
            return error(m_keyLines.value(QStringLiteral("server\n") + set), QStringLiteral("[server] ") + set,
                         QStringLiteral("tls_cert and tls_key go together: set both for HTTPS, or "
                                        "neither for plain HTTP"));
        }
        if (m_state.settings.tls.acmeEnabled() && !server.tlsCert.isEmpty())
            return error(m_keyLines.value(QStringLiteral("tls\nacme_domain")), QStringLiteral("[tls] acme_domain"),
                         QStringLiteral("ACME and tls_cert/tls_key are two ways to get a certificate: keep one"));
        // A program's H.264 (rpicam, exec:) is passed through: core cannot decode it to encode again.
        for (const CameraSettings &c : m_state.settings.cameras) {
            const bool program = c.device == u"rpicam" || c.device.startsWith(u"exec:");
            if (program && c.encoder != u"auto" && c.encoder != u"copy") {
                const QString section = QStringLiteral("camera.") + c.name;
                return error(
                    m_keyLines.value(section + QStringLiteral("\nencoder")),
                    QStringLiteral("[%1] encoder").arg(section),
                    QStringLiteral("'%1': device %2 gives H.264, which is passed through (allowed: auto, copy)")
                        .arg(c.encoder, c.device == u"rpicam" ? c.device : QStringLiteral("exec:...")));
            }
        }
        for (const CameraSettings &c : m_state.settings.cameras) {
            if (c.device == u"rpicam" && c.width == 0 && c.height == 0) {  // rpicam-vid needs a size
                return error(m_keyLines.value(QStringLiteral("camera.%1\nwidth").arg(c.name)),
                             QStringLiteral("[camera.%1] width").arg(c.name),
                             QStringLiteral("device rpicam needs a size: rpicam-vid is told width and height"));
            }
            if ((c.width == 0) == (c.height == 0))
                continue;
            const QString key =
                c.width == 0 ? QStringLiteral("width") : QStringLiteral("height");  // the auto one, written
            return error(m_keyLines.value(QStringLiteral("camera.%1\n%2").arg(c.name, key)),
                         QStringLiteral("[camera.%1] %2").arg(c.name, key),
                         QStringLiteral("width and height are auto together (the camera's own size) or both numbers"));
        }
        if (auto e = checkTokenLifetimes())
            return e;
        if (auto e = checkTurnCredentials())
            return e;
        const double segment = m_state.segmentSeconds;
        const double part = m_state.partSeconds;
        const int partLine = m_keyLines.value(QStringLiteral("hls\npart_duration"));
        const int segmentLine = m_keyLines.value(QStringLiteral("hls\nsegment_duration"));
        if (part < 0.1 - kEpsilon || part > segment + kEpsilon) {
            return error(partLine, QStringLiteral("[hls] part_duration"),
                         QStringLiteral("'%1' is out of range (allowed: 0.1 to segment_duration, here %2 seconds)")
                             .arg(QString::number(part), QString::number(segment)));
        }
        const double parts = std::round(segment / part);
        if (std::fabs(segment - parts * part) > 0.001 + kEpsilon) {
            const bool onPart = partLine != 0 || segmentLine == 0;
            return error(onPart ? partLine : segmentLine,
                         onPart ? QStringLiteral("[hls] part_duration") : QStringLiteral("[hls] segment_duration"),
                         QStringLiteral("segment_duration (%1 s) must be a whole multiple of part_duration "
                                        "(%2 s): use a part duration that divides it, e.g. %3")
                             .arg(QString::number(segment), QString::number(part), partSuggestions(segment, part)));
        }
        return std::nullopt;
    }

    // token_lifetime <= token_lifetime_max <= admin_token_lifetime_max: a viewer who asks for
    // nothing gets a token it may have, and an admin may have what a viewer may.
    std::optional<ConfigError> checkTokenLifetimes() const
    {
        const AuthSettings &auth = m_state.settings.auth;
        const auto at = [this](const char *key) {
            return m_keyLines.value(QStringLiteral("auth\n") + QLatin1String(key));
        };
        const auto seconds = [](qint64 s) {
            return QString::number(s);
        };
        if (auth.tokenLifetimeS > auth.tokenLifetimeMaxS) {
            const bool onDefault = at("token_lifetime") != 0;
            return error(
                onDefault ? at("token_lifetime") : at("token_lifetime_max"),
                onDefault ? QStringLiteral("[auth] token_lifetime") : QStringLiteral("[auth] token_lifetime_max"),
                QStringLiteral("token_lifetime (%1 s) is longer than token_lifetime_max (%2 s): a token "
                               "asked for without a lifetime must be one a viewer may have")
                    .arg(seconds(auth.tokenLifetimeS), seconds(auth.tokenLifetimeMaxS)));
        }
        if (auth.tokenLifetimeMaxS > auth.adminTokenLifetimeMaxS) {
            const bool onViewer = at("token_lifetime_max") != 0;
            return error(onViewer ? at("token_lifetime_max") : at("admin_token_lifetime_max"),
                         onViewer ? QStringLiteral("[auth] token_lifetime_max")
                                  : QStringLiteral("[auth] admin_token_lifetime_max"),
                         QStringLiteral("token_lifetime_max (%1 s) is longer than admin_token_lifetime_max (%2 s): an "
                                        "admin may have any token a viewer may")
                             .arg(seconds(auth.tokenLifetimeMaxS), seconds(auth.adminTokenLifetimeMaxS)));
        }
        return std::nullopt;
    }

    // One way to give TURN credentials, and one for each turn: URI.
    std::optional<ConfigError> checkTurnCredentials() const
    {
        const WebRtcSettings &w = m_state.settings.webrtc;
        const auto at = [this](const char *key) {
            return m_keyLines.value(QStringLiteral("webrtc\n") + QLatin1String(key));
        };
        const bool staticSet = !w.turnUsername.isEmpty() || !w.turnPassword.isEmpty();
        if (!w.turnSecret.isEmpty() && staticSet) {
            const char *key = w.turnUsername.isEmpty() ? "turn_password" : "turn_username";
            return error(at(key), QStringLiteral("[webrtc] ") + QLatin1String(key),
                         QStringLiteral("turn_secret and turn_username/turn_password are two ways to give TURN "
                                        "credentials: keep one (turn_secret, if the TURN server has one)"));
        }
        if (w.turnUsername.isEmpty() != w.turnPassword.isEmpty()) {
            const char *key = w.turnUsername.isEmpty() ? "turn_password" : "turn_username";
            return error(at(key), QStringLiteral("[webrtc] ") + QLatin1String(key),
                         QStringLiteral("turn_username and turn_password go together: set both, or neither"));
        }
        if (!w.turnSecret.isEmpty() || staticSet)
            return std::nullopt;
        for (const QString &uri : w.iceServers) {
            if (isTurnUri(uri))
                return error(at("ice_servers"), QStringLiteral("[webrtc] ice_servers"),
                             QStringLiteral("'%1' needs credentials: set turn_secret (the TURN server's "
                                            "static-auth-secret) or turn_username and turn_password")
                                 .arg(uri));
        }
        return std::nullopt;
    }

    QString m_file;
    State m_state;
    QString m_section;  // as written: "server", "camera.cam0"
    QString m_kind;     // its entry in kKeys: "server", "camera"
    bool m_sawCamera = false;
    QHash<QString, int> m_sectionLines;  // section -> line
    QHash<QString, int> m_keyLines;      // "section\nkey" -> line
};

}  // namespace

QString ConfigError::toString() const
{
    QString where = file;
    if (line > 0)
        where += where.isEmpty() ? QStringLiteral("line %1").arg(line) : QStringLiteral(":%1").arg(line);
    QStringList parts;
    for (const QString &part : {where, key, message}) {
        if (!part.isEmpty())
            parts.append(part);
    }
    return parts.join(QStringLiteral(": "));
}

ConfigResult parseConfig(const QByteArray &text, const QString &fileName) { return Parser(fileName).run(text); }

ConfigResult loadConfigFile(const QString &path)
{
    const auto fail = [&path](const QString &message) {
        return ConfigResult{Settings{}, ConfigError{path, 0, {}, message}};
    };
    const QFileInfo info(path);
    if (!info.exists())
        return fail(QStringLiteral("no such file: check the path given with --config"));
    if (info.isDir())
        return fail(QStringLiteral("is a directory: give the path of the configuration file"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot be read (%1): check its permissions").arg(file.errorString()));
    const QByteArray text = file.read(limits::kConfigFileBytes + 1);
    if (text.size() > limits::kConfigFileBytes)
        return fail(QStringLiteral("is larger than 1 MiB: is this the configuration file?"));
    return parseConfig(text, path);
}

namespace {

// The parser's own convention, as for every key: what is wrong, empty when fine.
QString listenProblem(const QString &value, ServerSettings &server)
{
    const QString v = value.trimmed();
    const QString allowed =
        QStringLiteral("(allowed: ADDR:PORT, [IPV6]:PORT, :PORT or PORT, e.g. 127.0.0.1:8080, [::1]:8080, :8080)");
    QString address;
    QString port = v;
    if (v.startsWith(u'[')) {
        const qsizetype close = v.indexOf(QStringLiteral("]:"));
        if (close < 0)
            return quoted(v) + QStringLiteral(" has no :PORT after the bracketed address ") + allowed;
        address = v.mid(1, close - 1);
        port = v.mid(close + 2);
        if (!address.contains(u':'))
            return quoted(v) + QStringLiteral(": brackets are for IPv6 addresses ") + allowed;
    } else if (v.count(u':') > 1) {
        return quoted(v) + QStringLiteral(": write an IPv6 address in brackets ") + allowed;
    } else if (const qsizetype colon = v.indexOf(u':'); colon >= 0) {
        address = v.left(colon);
        port = v.mid(colon + 1);
    }
    if (!isDigits(port) || port.size() > 5 || port.toInt() > 65535)
        return quoted(v) + QStringLiteral(" has no valid port (ports are 0 to 65535, 0 lets the system pick one) ") +
               allowed;
    // 0.0.0.0 is how Qt spells QHostAddress::Any too: every address, IPv4 and IPv6.
    QHostAddress host(QHostAddress::Any);
    if (!address.isEmpty() && address != u"0.0.0.0") {
        // QHostAddress would take "10.1" as 10.0.0.1; a listen address is written in full.
        if ((!address.contains(u':') && !isDottedQuad(address)) || !host.setAddress(address))
            return quoted(address) + QStringLiteral(" is not an IP address (host names are not looked up) ") + allowed;
    }
    server.address = host;
    server.port = static_cast<quint16>(port.toInt());
    return {};
}

}  // namespace

Error applyListen(const QString &value, ServerSettings &server)
{
    if (QString problem = listenProblem(value, server); !problem.isEmpty())
        return {Fault::Config, problem};
    return {};
}

Error applySource(const QString &value, Settings &settings)
{
    static const QRegularExpression videoNode(QStringLiteral("^/dev/(video[0-9]+|v4l/by-(id|path)/[^/]+)$"));
    QString device = value;
    if (value.isEmpty())
        return {Fault::Config, QStringLiteral("the source is empty (%1)").arg(kSourceHelp)};
    // A /dev/videoN or stable name that is missing now may be plugged in later: the pipeline
    // waits for it.
    if (value == u"rpicam" || value.startsWith(u"exec:")) {
        if (settings.cameras.isEmpty())
            settings.cameras.append(CameraSettings{});
        if (QString e = readDevice(value, settings.cameras.first().device); !e.isEmpty())
            return {Fault::Config, e};
        return {};
    }
    if (value != u"testpattern" && value != u"auto" && !videoNode.match(value).hasMatch()) {
        const QFileInfo info(value);
        if (!info.exists())
            return {Fault::Config, QStringLiteral("%1 does not exist (%2)").arg(quoted(value), kSourceHelp)};
        if (info.isDir())
            return {Fault::Config, QStringLiteral("%1 is a directory (%2)").arg(quoted(value), kSourceHelp)};
        device = info.absoluteFilePath();
    }
    if (settings.cameras.isEmpty())
        settings.cameras.append(CameraSettings{});
    settings.cameras.first().device = device;
    return {};
}

QStringList knownKeys()
{
    QStringList keys;
    for (const KeyDef &def : kKeys) {
        const QString section = QLatin1String(def.section);
        keys.append((section == u"camera" ? QStringLiteral("camera.*") : section) + u'.' + QLatin1String(def.key));
    }
    return keys;
}

}  // namespace hlscam
