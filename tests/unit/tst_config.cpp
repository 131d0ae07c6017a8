// The configuration loader: good files, every error with its line and key, the shipped
// resources/hlscam.conf and the README's key table and failure reasons against the code, and the
// command-line overrides.
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

#include "auth/Authenticator.h"
#include "config/ConfigLoader.h"

using namespace hlscam;

Q_DECLARE_METATYPE(hlscam::Settings)

namespace {

const QString kFile = QStringLiteral("test.conf");

QString addressText(const QHostAddress &a)
{
    // Any and AnyIPv4 both print as 0.0.0.0; tell them apart.
    return a == QHostAddress(QHostAddress::Any) ? QStringLiteral("any") : a.toString();
}

// Every field, one line per struct, so that QCOMPARE shows what differs.
QString describe(const Settings &s)
{
    QStringList lines;
    lines << QStringLiteral("server %1 port %2 cert '%3' key '%4' proxies [%5]")
                 .arg(addressText(s.server.address))
                 .arg(s.server.port)
                 .arg(s.server.tlsCert, s.server.tlsKey, s.server.trustedProxies.join(QStringLiteral(" ")));
    for (const CameraSettings &c : s.cameras) {
        lines << QStringLiteral("camera %1 device '%2' %3x%4 fps %5 bitrate %6 encoder %7")
                     .arg(c.name, c.device)
                     .arg(c.width)
                     .arg(c.height)
                     .arg(c.fps)
                     .arg(c.bitrateKbps)
                     .arg(c.encoder);
    }
    lines << QStringLiteral("tls acme [%1] email '%2' directory '%3' ca '%4' http_listen %5 %6:%7")
                 .arg(s.tls.acmeDomains.join(u' '), s.tls.acmeEmail, s.tls.acmeDirectory, s.tls.acmeCa)
                 .arg(int(s.server.httpListen))
                 .arg(addressText(s.server.httpAddress))
                 .arg(s.server.httpPort);
    lines << QStringLiteral("hls segment %1 ms part %2 ms window %3")
                 .arg(s.hls.segmentMs)
                 .arg(s.hls.partMs)
                 .arg(s.hls.windowSegments);
    lines << QStringLiteral("limits request %1 conns %2 per-address %3 per-network %6 header %4 s idle %5 s held %7")
                 .arg(s.server.maxRequestBytes)
                 .arg(s.server.maxConnections)
                 .arg(s.server.maxConnectionsPerAddress)
                 .arg(s.server.headerTimeoutS)
                 .arg(s.server.idleTimeoutS)
                 .arg(s.server.maxConnectionsPerNetwork)
                 .arg(s.server.maxHeldRequests);
    lines << QStringLiteral("auth cache %1 s size %2 checks %3 tokens %4 s max %5 s admin %6 s")
                 .arg(s.auth.credentialCacheS)
                 .arg(s.auth.credentialCacheSize)
                 .arg(s.auth.maxPasswordChecks)
                 .arg(s.auth.tokenLifetimeS)
                 .arg(s.auth.tokenLifetimeMaxS)
                 .arg(s.auth.adminTokenLifetimeMaxS);
    lines << QStringLiteral("bans maxretry %1 findtime %2 bantime %3 increment %4 max %5 ignore [%6] addresses %7")
                 .arg(s.bans.maxRetry)
                 .arg(s.bans.findTimeS)
                 .arg(s.bans.banTimeS)
                 .arg(s.bans.banTimeIncrement)
                 .arg(s.bans.banTimeMaxS)
                 .arg(s.bans.ignoreIp.join(QStringLiteral(" ")))
                 .arg(s.bans.maxAddresses);
    lines << QStringLiteral("users '%1' anonymous %2 state '%3'")
                 .arg(s.auth.usersFile)
                 .arg(s.auth.anonymousViewers)
                 .arg(s.paths.stateDir);
    return lines.join(u'\n');
}

Settings with(const std::function<void(Settings &)> &change)
{
    Settings s;
    change(s);
    return s;
}

CameraSettings camera(const QString &name)
{
    CameraSettings c;
    c.name = name;
    return c;
}

QString shippedConfig() { return QStringLiteral(HLSCAM_SOURCE_DIR "/resources/hlscam.conf"); }

QString readSourceFile(const QString &relativePath)
{
    QFile file(QStringLiteral(HLSCAM_SOURCE_DIR "/") + relativePath);
    return file.open(QIODevice::ReadOnly | QIODevice::Text) ? QString::fromUtf8(file.readAll()) : QString();
}

// The text of a "## heading" section of a Markdown file, up to the next "## "; empty if none.
QString markdownSection(const QString &text, const QString &heading)
{
    const QString start = QStringLiteral("\n## ") + heading + u'\n';
    const qsizetype from = text.indexOf(start);
    if (from < 0)
        return {};
    const qsizetype to = text.indexOf(QStringLiteral("\n## "), from + start.size());
    return text.mid(from + 1, to < 0 ? -1 : to - from - 1);
}

// The `quoted` words of a piece of Markdown, in order.
QStringList codeSpans(const QString &markdown)
{
    static const QRegularExpression span(QStringLiteral("`([^`]*)`"));
    QStringList words;
    for (const QRegularExpressionMatch &m : span.globalMatch(markdown))
        words << m.captured(1);
    return words;
}

// The reasons a failed login is logged and counted with ("wrong-password", ...): every outcome
// outcomeName() knows (they count up from 0; past the last it says "?") that is a failure.
QStringList failureReasons()
{
    QStringList reasons;
    for (int i = 0; i < 64; ++i) {
        AuthResult result;
        result.outcome = static_cast<AuthResult::Outcome>(i);
        const QString name = outcomeName(result.outcome);
        if (name == u"?")
            break;
        if (result.isFailure())
            reasons << name;
    }
    return reasons;
}

}  // namespace

class TestConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void goodFiles_data();
    void goodFiles();
    void errors_data();
    void errors();
    void errorToString();
    void loadFile();
    void loadFileErrors();
    void shippedConfigIsDefaults();
    void shippedConfigDocumentsEveryKey();
    void readmeTableListsEveryKeyWithItsDefault();
    void documentedFailureReasonsAreTheLoggedOnes();
    void listen_data();
    void listen();
    void listenErrors_data();
    void listenErrors();
    void source();
    void sourceErrors();
};

void TestConfig::goodFiles_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Settings>("expected");

    QTest::newRow("empty") << QByteArray() << Settings{};
    QTest::newRow("comments only") << QByteArray("# a\n; b\n\n   \n\t# c\n") << Settings{};
    QTest::newRow("minimal") << QByteArray("[camera.cam0]\ndevice = /dev/video2\n")
                             << with([](Settings &s) { s.cameras[0].device = QStringLiteral("/dev/video2"); });
    QTest::newRow("full") << QByteArray(
                                 "[server]\n"
                                 "listen = 127.0.0.1:9000\n"
                                 "tls_cert = /etc/ssl/cam.pem\n"
                                 "tls_key = /etc/ssl/cam.key\n"
                                 "trusted_proxies = 127.0.0.1, ::1 10.0.0.0/8\n"
                                 "[camera.front]\n"
                                 "device = testpattern\n"
                                 "width = 1280\n"
                                 "height = 720\n"
                                 "fps = 30\n"
                                 "bitrate = 2500\n"
                                 "encoder = h264_v4l2m2m\n"
                                 "[hls]\n"
                                 "segment_duration = 2\n"
                                 "part_duration = 0.5\n"
                                 "window = 10\n"
                                 "[auth]\n"
                                 "users_file = /srv/hlscam/users\n"
                                 "[paths]\n"
                                 "state_dir = /srv/hlscam\n")
                          << with([](Settings &s) {
                                 s.server.address = QHostAddress(QStringLiteral("127.0.0.1"));
                                 s.server.port = 9000;
                                 s.server.tlsCert = QStringLiteral("/etc/ssl/cam.pem");
                                 s.server.tlsKey = QStringLiteral("/etc/ssl/cam.key");
                                 s.server.trustedProxies = {QStringLiteral("127.0.0.1"), QStringLiteral("::1"),
                                                            QStringLiteral("10.0.0.0/8")};
                                 CameraSettings c = camera(QStringLiteral("front"));
                                 c.device = QStringLiteral("testpattern");
                                 c.width = 1280;
                                 c.height = 720;
                                 c.fps = 30;
                                 c.bitrateKbps = 2500;
                                 c.encoder = QStringLiteral("h264_v4l2m2m");
                                 s.cameras = {c};
                                 s.hls = {2000, 500, 10};
                                 s.auth.usersFile = QStringLiteral("/srv/hlscam/users");
                                 s.paths.stateDir = QStringLiteral("/srv/hlscam");
                             });
    QTest::newRow("several cameras, in file order, unset keys default")
        << QByteArray(
               "[camera.front]\n"
               "width = 1920\n"
               "height = 1080\n"
               "[hls]\n"
               "window = 3\n"
               "[camera.back]\n"
               "device = /srv/loop.mp4\n"
               "[camera.Garage_2-b]\n")
        << with([](Settings &s) {
               CameraSettings front = camera(QStringLiteral("front"));
               front.width = 1920;
               front.height = 1080;
               CameraSettings back = camera(QStringLiteral("back"));
               back.device = QStringLiteral("/srv/loop.mp4");
               s.cameras = {front, back, camera(QStringLiteral("Garage_2-b"))};
               s.hls.windowSegments = 3;
           });
    QTest::newRow("bitrate suffixes") << QByteArray(
                                             "[camera.a]\n"
                                             "bitrate = 800k\n"
                                             "[camera.b]\n"
                                             "bitrate = 2M\n"
                                             "[camera.c]\n"
                                             "bitrate = 1.5M\n"
                                             "[camera.d]\n"
                                             "bitrate = 20000\n"
                                             "[camera.e]\n"
                                             "bitrate = 100 K\n")
                                      << with([](Settings &s) {
                                             s.cameras.clear();
                                             const QList<QPair<const char *, int>> rates = {
                                                 {"a", 800}, {"b", 2000}, {"c", 1500}, {"d", 20000}, {"e", 100}};
                                             for (const auto &[name, kbps] : rates) {
                                                 CameraSettings c = camera(QLatin1String(name));
                                                 c.bitrateKbps = kbps;
                                                 s.cameras.append(c);
                                             }
                                         });
    QTest::newRow("limits") << QByteArray(
                                   "[server]\n"
                                   "max_held_requests = 3\n"
                                   "[auth]\n"
                                   "credential_cache_time = 0\n"
                                   "credential_cache_size = 1\n"
                                   "max_password_checks = 10000\n"
                                   "token_lifetime = 10m\n"
                                   "token_lifetime_max = 1h\n"
                                   "admin_token_lifetime_max = 1d\n"
                                   "[bans]\n"
                                   "max_addresses = 100\n")
                            << with([](Settings &s) {
                                   s.server.maxHeldRequests = 3;
                                   s.auth.credentialCacheS = 0;
                                   s.auth.credentialCacheSize = 1;
                                   s.auth.maxPasswordChecks = 10000;
                                   s.auth.tokenLifetimeS = 600;
                                   s.auth.tokenLifetimeMaxS = 3600;
                                   s.auth.adminTokenLifetimeMaxS = 86400;
                                   s.bans.maxAddresses = 100;
                               });
    QTest::newRow("token lifetimes all equal")
        << QByteArray("[auth]\ntoken_lifetime = 2d\ntoken_lifetime_max = 2d\nadmin_token_lifetime_max = 2d\n")
        << with([](Settings &s) {
               s.auth.tokenLifetimeS = qint64{2} * 86400;
               s.auth.tokenLifetimeMaxS = qint64{2} * 86400;
               s.auth.adminTokenLifetimeMaxS = qint64{2} * 86400;
           });
    QTest::newRow("IPv6 listen") << QByteArray("[server]\nlisten = [::1]:8443\n") << with([](Settings &s) {
        s.server.address = QHostAddress(QHostAddress::LocalHostIPv6);
        s.server.port = 8443;
    });
    QTest::newRow("ACME and the plain-HTTP port")
        << QByteArray(
               "[server]\nlisten = :443\nhttp_listen = 127.0.0.1:8080\n[tls]\nacme_domain = cam.example.org, "
               "cam.example.net\nacme_email = me@example.org\nacme_directory = "
               "https://acme-staging-v02.api.letsencrypt.org/directory\nacme_ca = /etc/ssl/private-ca.pem\n")
        << with([](Settings &s) {
               s.server.port = 443;
               s.server.httpListen = ServerSettings::HttpListen::On;
               s.server.httpAddress = QHostAddress(QHostAddress::LocalHost);
               s.server.httpPort = 8080;
               s.tls.acmeDomains = {QStringLiteral("cam.example.org"), QStringLiteral("cam.example.net")};
               s.tls.acmeEmail = QStringLiteral("me@example.org");
               s.tls.acmeDirectory = QStringLiteral("https://acme-staging-v02.api.letsencrypt.org/directory");
               s.tls.acmeCa = QStringLiteral("/etc/ssl/private-ca.pem");
           });
    QTest::newRow("http_listen off") << QByteArray("[server]\nhttp_listen = off\n") << with([](Settings &s) {
        s.server.httpListen = ServerSettings::HttpListen::Off;
    });
    QTest::newRow("listen port only, port 0")
        << QByteArray("[server]\nlisten = 0\n") << with([](Settings &s) { s.server.port = 0; });
    QTest::newRow("whitespace, CRLF, byte order mark")
        << QByteArray("\xEF\xBB\xBF  [ hls ]  \r\n\tsegment_duration\t=\t2.5 \r\n part_duration=.5\r\n")
        << with([](Settings &s) {
               s.hls.segmentMs = 2500;
               s.hls.partMs = 500;
           });
    QTest::newRow("part divides segment within 1 ms")
        << QByteArray("[hls]\npart_duration = 0.333\nsegment_duration = 1.0\n")
        << with([](Settings &s) { s.hls.partMs = 333; });
    QTest::newRow("bans and limits, fail2ban-style durations")
        << QByteArray(
               "[server]\n"
               "max_request_bytes = 8192\n"
               "max_connections = 100\n"
               "max_connections_per_address = 4\n"
               "max_connections_per_network = 16\n"
               "header_timeout = 30s\n"
               "idle_timeout = 2m\n"
               "[bans]\n"
               "maxretry = 3\n"
               "findtime = 10m\n"
               "bantime = -1\n"
               "bantime_increment = no\n"
               "bantime_max = 2d\n"
               "ignoreip = 192.168.0.0/16, fd00::/8\n")
        << with([](Settings &s) {
               s.server.maxRequestBytes = 8192;
               s.server.maxConnections = 100;
               s.server.maxConnectionsPerAddress = 4;
               s.server.maxConnectionsPerNetwork = 16;
               s.server.headerTimeoutS = 30;
               s.server.idleTimeoutS = 120;
               s.bans.maxRetry = 3;
               s.bans.findTimeS = 600;
               s.bans.banTimeS = -1;
               s.bans.banTimeIncrement = false;
               s.bans.banTimeMaxS = qint64{2} * 86400;
               s.bans.ignoreIp = {QStringLiteral("192.168.0.0/16"), QStringLiteral("fd00::/8")};
           });
    QTest::newRow("anonymous viewers") << QByteArray("[auth]\nanonymous = viewer\n")
                                       << with([](Settings &s) { s.auth.anonymousViewers = true; });
    QTest::newRow("empty ignoreip ignores nobody")
        << QByteArray("[bans]\nignoreip =\nbantime = 1w\n") << with([](Settings &s) {
               s.bans.ignoreIp.clear();
               s.bans.banTimeS = 604800;
           });
    QTest::newRow("empty optional values, UTF-8 path")
        << QByteArray(
               "[server]\n"
               "tls_cert =\n"
               "tls_key =\n"
               "trusted_proxies =\n"
               "[paths]\n"
               "state_dir = /srv/caméra\n")
        << with([](Settings &s) { s.paths.stateDir = QStringLiteral("/srv/caméra"); });
}

void TestConfig::goodFiles()
{
    QFETCH(QByteArray, text);
    QFETCH(Settings, expected);
    const ConfigResult result = parseConfig(text, kFile);
    QVERIFY2(result.ok(),
             qPrintable(result.ok() ? QString() : result.error->toString()));  // QVERIFY2 evaluates its message always
    QCOMPARE(describe(result.settings), describe(expected));
}

void TestConfig::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("message");  // a part of the message

    const auto row = [](const char *tag, const QByteArray &text, int line, const char *key, const char *message) {
        QTest::newRow(tag) << text << line << QString::fromUtf8(key) << QString::fromUtf8(message);
    };
    // Lines and sections
    row("neither section nor key", "[server]\nlisten 8080\n", 2, "",
        "'listen 8080' is not a [section], a key = value line, or a comment");
    row("unterminated header", "# x\n[server\n", 2, "", "is not a section header");
    row("unknown section", "\n[ban]\n", 2, "[ban]",
        "unknown section (allowed: [server], [camera.NAME], [hls], [auth], [bans], [webrtc], [tls], [paths])");
    row("section names are case-sensitive", "[Server]\n", 1, "[Server]", "unknown section");
    // ACME and the plain-HTTP port
    row("acme wildcard", "[tls]\nacme_domain = *.example.org\n", 2, "[tls] acme_domain",
        "cannot be validated over HTTP-01");
    row("acme bare name", "[tls]\nacme_domain = cam\n", 2, "[tls] acme_domain", "cannot be validated over HTTP-01");
    row("acme directory over http", "[tls]\nacme_directory = http://acme.example.org/dir\n", 2, "[tls] acme_directory",
        "is not an https:// URL of an ACME directory");
    row("acme email", "[tls]\nacme_email = not an address\n", 2, "[tls] acme_email", "is not an e-mail address");
    row("acme ca relative", "[tls]\nacme_ca = ca.pem\n", 2, "[tls] acme_ca", "is not an absolute path");
    row("acme and tls files", "[server]\ntls_cert = /c.pem\ntls_key = /k.pem\n[tls]\nacme_domain = cam.example.org\n",
        5, "[tls] acme_domain", "two ways to get a certificate");
    row("http_listen", "[server]\nhttp_listen = 80:80:80\n", 2, "[server] http_listen",
        "or empty for 0.0.0.0:80 with ACME");
    row("camera without name", "[camera]\nfps = 5\n", 1, "[camera]", "unknown section");
    row("camera name with space", "[camera.my cam]\n", 1, "[camera.my cam]",
        "camera name 'my cam' is not allowed (allowed: 1 to 32 letters, digits, _ or -");
    row("camera name too long", "[camera.abcdefghijklmnopqrstuvwxyz0123456]\n", 1,
        "[camera.abcdefghijklmnopqrstuvwxyz0123456]", "is not allowed");
    row("camera name empty", "[camera.]\n", 1, "[camera.]", "camera name '' is not allowed");
    row("key before any section", "# hi\nfps = 25\n", 2, "fps", "before any section");
    row("key without name", "[server]\n= 1\n", 2, "", "has no key");
    row("unknown camera key", "[camera.cam0]\nframerate = 25\n", 2, "[camera.cam0] framerate",
        "unknown key (allowed in [camera.cam0]: device, width, height, fps, fit, format, bitrate, encoder, controls, "
        "mjpeg_max_clients)");
    row("unknown server key", "[server]\nport = 80\n", 2, "[server] port",
        "allowed in [server]: listen, tls_cert, tls_key, metrics_token, trusted_proxies");
    row("keys are case-sensitive", "[hls]\nWindow = 6\n", 2, "[hls] Window", "unknown key");
    row("duplicate section", "[hls]\nwindow = 6\n[server]\n[hls]\n", 4, "[hls]", "appears twice, at lines 1 and 4");
    row("duplicate camera", "[camera.a]\n\n[camera.a]\n", 3, "[camera.a]", "lines 1 and 3");
    row("duplicate key, CRLF", "[hls]\r\nwindow = 6\r\n\r\nwindow = 7\r\n", 4, "[hls] window",
        "set twice, at lines 2 and 4");
    row("invalid UTF-8", "[server]\n# caf\xE9\n", 2, "", "not valid UTF-8");
    // [camera.*]
    row("fps too high", "[camera.cam0]\nfps = 90\n", 2, "[camera.cam0] fps", "'90' is out of range (allowed: 1 to 60)");
    row("fps zero", "[camera.cam0]\nfps = 0\n", 2, "[camera.cam0] fps", "'0' is out of range");
    row("fps not a number", "[camera.x]\nfps = abc\n", 2, "[camera.x] fps",
        "'abc' is not a whole number (allowed: 1 to 60)");
    row("fps negative", "[camera.x]\nfps = -5\n", 2, "[camera.x] fps", "'-5' is not a whole");
    row("fps decimal", "[camera.x]\nfps = 29.97\n", 2, "[camera.x] fps", "not a whole number");
    row("fps empty", "[camera.x]\nfps =\n", 2, "[camera.x] fps", "an empty value is not a whole number");
    row("fps huge", "[camera.x]\nfps = 99999999999\n", 2, "[camera.x] fps", "out of range");
    row("width odd", "[camera.x]\nwidth = 641\n", 2, "[camera.x] width",
        "'641' is odd (allowed: even numbers from 16 to 3840, or auto for the camera's own size)");
    row("width too wide", "[camera.x]\nwidth = 4096\n", 2, "[camera.x] width", "out of range");
    row("height too small", "[camera.x]\nheight = 8\n", 2, "[camera.x] height",
        "'8' is out of range (allowed: even numbers from 16 to 2160, or auto for the camera's own size)");
    row("height too tall", "[camera.x]\nheight = 2162\n", 2, "[camera.x] height", "out of range");
    row("bitrate too low", "[camera.x]\nbitrate = 50\n", 2, "[camera.x] bitrate",
        "'50' is out of range (allowed: 100 to 20000 kbit/s");
    row("bitrate in bit/s", "[camera.x]\nbitrate = 2000000\n", 2, "[camera.x] bitrate", "out of range");
    row("bitrate too high with suffix", "[camera.x]\nbitrate = 25M\n", 2, "[camera.x] bitrate",
        "'25M' is out of range");
    row("bitrate unknown suffix", "[camera.x]\nbitrate = 2G\n", 2, "[camera.x] bitrate",
        "'2G' is not a bitrate (allowed: 100 to 20000 kbit/s, written as 800, 800k or 2M)");
    row("bitrate fraction of kbit/s", "[camera.x]\nbitrate = 800.5k\n", 2, "[camera.x] bitrate",
        "not a whole number of kbit/s");
    row("encoder", "[camera.x]\nencoder = h265\n", 2, "[camera.x] encoder",
        "'h265' is not an encoder (allowed: auto, copy, h264_v4l2m2m, h264_omx, libx264)");
    row("device relative", "[camera.x]\ndevice = video0\n", 2, "[camera.x] device",
        "'video0' is not a device (allowed: auto, testpattern");
    row("device empty", "[camera.x]\ndevice =\n", 2, "[camera.x] device", "is not a device");
    row("inline comment", "[camera.x]\nfps = 25 # smooth\n", 2, "[camera.x] fps", "comments must be on their own line");
    row("error in second camera", "[camera.a]\nfps = 5\n[camera.b]\nfps = 61\n", 4, "[camera.b] fps",
        "'61' is out of range");
    // [hls]
    row("segment too short", "[hls]\nsegment_duration = 0.4\n", 2, "[hls] segment_duration",
        "'0.4' is out of range (allowed: 0.5 to 10 seconds");
    row("segment too long", "[hls]\nsegment_duration = 11\n", 2, "[hls] segment_duration", "out of range");
    row("segment with unit", "[hls]\nsegment_duration = 1s\n", 2, "[hls] segment_duration",
        "'1s' is not a number of seconds");
    row("part too short", "[hls]\n\npart_duration = 0.05\n", 3, "[hls] part_duration",
        "'0.05' is out of range (allowed: 0.1 to segment_duration, here 1 seconds)");
    row("part longer than segment", "[hls]\nsegment_duration = 1\npart_duration = 2\n", 3, "[hls] part_duration",
        "out of range");
    row("part does not divide segment", "[hls]\npart_duration = 0.3\n", 2, "[hls] part_duration",
        "must be a whole multiple of part_duration (0.3 s): use a part duration that divides it, "
        "e.g. 0.25 or 0.2");
    row("part off by more than 1 ms", "[hls]\npart_duration = 0.332\n", 2, "[hls] part_duration", "e.g. 0.25 or 0.2");
    row("part checked against a later segment", "[hls]\npart_duration = 0.5\nsegment_duration = 0.75\n", 2,
        "[hls] part_duration", "segment_duration (0.75 s) must be a whole multiple");
    row("segment does not fit default part", "[hls]\nwindow = 6\nsegment_duration = 0.5\n", 3, "[hls] segment_duration",
        "part_duration (0.2 s)");
    row("part not a number", "[hls]\npart_duration = fast\n", 2, "[hls] part_duration", "is not a number of seconds");
    row("window too small", "[hls]\nwindow = 2\n", 2, "[hls] window", "'2' is out of range (allowed: 3 to 60)");
    row("window too large", "[hls]\nwindow = 61\n", 2, "[hls] window", "out of range");
    // [server], [auth], [paths]
    row("listen host name", "[server]\nlisten = localhost:8080\n", 2, "[server] listen",
        "'localhost' is not an IP address");
    row("listen bad port", "[server]\nlisten = 0.0.0.0:99999\n", 2, "[server] listen", "has no valid port");
    row("listen empty", "[server]\nlisten =\n", 2, "[server] listen", "has no valid port");
    row("tls cert without key", "[server]\ntls_cert = /etc/ssl/a.pem\n", 2, "[server] tls_cert",
        "tls_cert and tls_key go together");
    row("tls key without cert", "[server]\ntls_key = /etc/ssl/a.key\ntls_cert =\n", 2, "[server] tls_key",
        "set both for HTTPS, or neither");
    row("tls cert relative", "[server]\ntls_cert = a.pem\ntls_key = /a.key\n", 2, "[server] tls_cert",
        "'a.pem' is not an absolute path");
    row("trusted proxy not an address", "[server]\ntrusted_proxies = 10.0.0.0/8, 10.0.0.300 ::1\n", 2,
        "[server] trusted_proxies", "'10.0.0.300' is not an IP address or CIDR range");
    row("trusted proxy prefix too long", "[server]\ntrusted_proxies = 1.2.3.4/33\n", 2, "[server] trusted_proxies",
        "'1.2.3.4/33' is not an IP address");
    row("bantime with an unknown unit", "[bans]\nbantime = 1y\n", 2, "[bans] bantime",
        "'1y' is not a duration (allowed: 1 to 315360000 seconds, or with a unit: 30s, 10m, 1h, "
        "1d, 1w; -1 for a ban for ever)");
    row("findtime cannot be negative", "[bans]\nfindtime = -1\n", 2, "[bans] findtime", "'-1' is negative");
    row("findtime zero", "[bans]\nfindtime = 0\n", 2, "[bans] findtime", "'0' is out of range");
    row("trusted proxy short IPv4", "[server]\ntrusted_proxies = 127.1\n", 2, "[server] trusted_proxies",
        "'127.1' is not an IP address or CIDR range");
    row("ignoreip bare number", "[bans]\nignoreip = 10\n", 2, "[bans] ignoreip",
        "'10' is not an IP address or CIDR range");
    row("ignoreip leading zero", "[bans]\nignoreip = 010.0.0.1\n", 2, "[bans] ignoreip",
        "'010.0.0.1' is not an IP address or CIDR range");
    row("ignoreip NUL inside", QByteArray("[bans]\nignoreip = 10.0.0.1") + '\0' + "x\n", 2, "[bans] ignoreip",
        "is not an IP address or CIDR range");
    row("trusted proxy empty scope", "[server]\ntrusted_proxies = ::ffff:f:0%/0\n", 2, "[server] trusted_proxies",
        "'::ffff:f:0%/0' is not an IP address or CIDR range");
    row("ignoreip host name", "[bans]\nignoreip = 127.0.0.1 myphone.lan\n", 2, "[bans] ignoreip",
        "'myphone.lan' is not an IP address or CIDR range");
    row("anonymous admin", "[auth]\nanonymous = admin\n", 2, "[auth] anonymous",
        "'admin' is not allowed (allowed: none, viewer)");
    row("increment not a bool", "[bans]\nbantime_increment = maybe\n", 2, "[bans] bantime_increment",
        "'maybe' is not true or false");
    row("maxretry negative", "[bans]\nmaxretry = -5\n", 2, "[bans] maxretry", "is not a whole number");
    row("metrics token too short", "[server]\nmetrics_token = abc\n", 2, "[server] metrics_token",
        "is 16 to 256 letters, digits or ._~+/=- (a secret for Prometheus), or empty for admins only");
    row("network limit zero", "[server]\nmax_connections_per_network = 0\n", 2, "[server] max_connections_per_network",
        "'0' is out of range (allowed: 1 to 100000)");
    row("request limit too small", "[server]\nmax_request_bytes = 100\n", 2, "[server] max_request_bytes",
        "'100' is out of range (allowed: 1024 to 1048576)");
    row("held requests zero", "[server]\nmax_held_requests = 0\n", 2, "[server] max_held_requests",
        "'0' is out of range (allowed: 1 to 100000)");
    row("held requests too many", "[server]\nmax_held_requests = 100001\n", 2, "[server] max_held_requests",
        "out of range");
    row("credential cache for a week", "[auth]\ncredential_cache_time = 1w\n", 2, "[auth] credential_cache_time",
        "'1w' is out of range (allowed: 0 to 86400 seconds");
    row("credential cache negative", "[auth]\ncredential_cache_time = -1\n", 2, "[auth] credential_cache_time",
        "is negative");
    row("credential cache size zero", "[auth]\ncredential_cache_size = 0\n", 2, "[auth] credential_cache_size",
        "'0' is out of range (allowed: 1 to 1000000)");
    row("password checks not a number", "[auth]\nmax_password_checks = many\n", 2, "[auth] max_password_checks",
        "'many' is not a whole number (allowed: 1 to 10000)");
    row("token lifetime under a minute", "[auth]\ntoken_lifetime = 30s\n", 2, "[auth] token_lifetime",
        "'30s' is out of range (allowed: 60 to 315360000 seconds");
    row("admin tokens shorter than the preview's", "[auth]\ntoken_lifetime_max = 1h\nadmin_token_lifetime_max = 12h\n",
        3, "[auth] admin_token_lifetime_max", "'12h' is out of range (allowed: 86400 to");
    row("default token longer than a viewer may have", "[auth]\ntoken_lifetime = 2w\n", 2, "[auth] token_lifetime",
        "token_lifetime (1209600 s) is longer than token_lifetime_max (604800 s)");
    row("viewer maximum below the default", "[auth]\n\ntoken_lifetime_max = 1h\n", 3, "[auth] token_lifetime_max",
        "token_lifetime (86400 s) is longer than token_lifetime_max (3600 s)");
    row("viewer maximum above the admin's", "[auth]\ntoken_lifetime_max = 400d\n", 2, "[auth] token_lifetime_max",
        "token_lifetime_max (34560000 s) is longer than admin_token_lifetime_max (31536000 s)");
    row("admin maximum below the viewer's", "[auth]\nadmin_token_lifetime_max = 2d\n", 2,
        "[auth] admin_token_lifetime_max", "is longer than admin_token_lifetime_max (172800 s)");
    row("ban list too small", "[bans]\nmax_addresses = 99\n", 2, "[bans] max_addresses",
        "'99' is out of range (allowed: 100 to 10000000)");
    row("users_file relative", "[auth]\nusers_file = users\n", 2, "[auth] users_file", "not an absolute path");
    row("state_dir with tilde", "[paths]\nstate_dir = ~/hlscam\n", 2, "[paths] state_dir",
        "'~/hlscam' is not an absolute path");
}

void TestConfig::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(QString, key);
    QFETCH(QString, message);
    const ConfigResult result = parseConfig(text, kFile);
    QVERIFY(!result.ok());
    const ConfigError &e = *result.error;
    QCOMPARE(e.file, kFile);
    QCOMPARE(e.line, line);
    QCOMPARE(e.key, key);
    QVERIFY2(e.message.contains(message), qPrintable(e.message));
    QVERIFY(e.toString().startsWith(QStringLiteral("test.conf:%1: ").arg(line)));
    // On error nothing half-parsed leaks out.
    QCOMPARE(describe(result.settings), describe(Settings{}));
}

void TestConfig::errorToString()
{
    QByteArray text = "# line 1\n[camera.cam0]\n";
    for (int i = 3; i < 12; ++i)
        text += "\n";
    text += "fps = 90\n";
    const ConfigResult result = parseConfig(text, QStringLiteral("/etc/hlscam/hlscam.conf"));
    QVERIFY(!result.ok());
    QCOMPARE(result.error->toString(),
             QStringLiteral("/etc/hlscam/hlscam.conf:12: [camera.cam0] fps: '90' is out of range "
                            "(allowed: 1 to 60)"));
    QCOMPARE((ConfigError{{}, 0, {}, QStringLiteral("m")}.toString()), QStringLiteral("m"));
    QCOMPARE((ConfigError{QStringLiteral("f"), 0, {}, QStringLiteral("m")}.toString()), QStringLiteral("f: m"));
    QCOMPARE((ConfigError{QStringLiteral("f"), 3, {}, QStringLiteral("m")}.toString()), QStringLiteral("f:3: m"));
}

void TestConfig::loadFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("hlscam.conf"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[hls]\nwindow = 12\n[camera.door]\nfps = 0\n");
    file.close();
    ConfigResult result = loadConfigFile(path);
    QVERIFY(!result.ok());
    QCOMPARE(result.error->file, path);
    QCOMPARE(result.error->line, 4);
    QCOMPARE(result.error->key, QStringLiteral("[camera.door] fps"));

    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("[hls]\nwindow = 12\n[camera.door]\nfps = 10\n");
    file.close();
    result = loadConfigFile(path);
    QVERIFY2(result.ok(),
             qPrintable(result.ok() ? QString() : result.error->toString()));  // QVERIFY2 evaluates its message always
    QCOMPARE(result.settings.hls.windowSegments, 12);
    QCOMPARE(result.settings.cameras.size(), 1);
    QCOMPARE(result.settings.cameras[0].name, QStringLiteral("door"));
    QCOMPARE(result.settings.cameras[0].fps, 10);
}

void TestConfig::loadFileErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath(QStringLiteral("nope.conf"));
    ConfigResult result = loadConfigFile(missing);
    QVERIFY(!result.ok());
    QCOMPARE(result.error->file, missing);
    QCOMPARE(result.error->line, 0);
    QVERIFY(result.error->message.contains(QStringLiteral("no such file")));
    QVERIFY(result.error->toString().startsWith(missing + QStringLiteral(": ")));

    result = loadConfigFile(dir.path());
    QVERIFY(!result.ok());
    QCOMPARE(result.error->file, dir.path());
    QVERIFY(result.error->message.contains(QStringLiteral("directory")));

    const QString big = dir.filePath(QStringLiteral("big.conf"));
    QFile file(big);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(1024 * 1024 + 1, '#'));
    file.close();
    result = loadConfigFile(big);
    QVERIFY(!result.ok());
    QVERIFY(result.error->message.contains(QStringLiteral("larger than 1 MiB")));
}

void TestConfig::shippedConfigIsDefaults()
{
    const ConfigResult result = loadConfigFile(shippedConfig());
    QVERIFY2(result.ok(),
             qPrintable(result.ok() ? QString() : result.error->toString()));  // QVERIFY2 evaluates its message always
    QCOMPARE(describe(result.settings), describe(Settings{}));
}

// Documentation and code cannot drift: the shipped file sets exactly the keys the parser
// knows, each under a comment.
void TestConfig::shippedConfigDocumentsEveryKey()
{
    QFile file(shippedConfig());
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    QStringList fileKeys;
    QString section;
    bool documented = false;  // the key lines since the last comment have one
    int number = 0;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        ++number;
        if (line.startsWith(u'#') || line.startsWith(u';')) {
            documented = true;
        } else if (line.startsWith(u'[')) {
            section = line.mid(1, line.size() - 2).trimmed();
            if (section.startsWith(QStringLiteral("camera.")))
                section = QStringLiteral("camera.*");
            documented = false;
        } else if (line.contains(u'=')) {
            const QString key = section + u'.' + line.section(u'=', 0, 0).trimmed();
            QVERIFY2(documented,
                     qPrintable(QStringLiteral("line %1: %2 has no comment above it").arg(number).arg(key)));
            fileKeys << key;
        } else {
            documented = false;
        }
    }
    QStringList known = knownKeys();
    QCOMPARE(QSet<QString>(known.begin(), known.end()).size(), known.size());
    QCOMPARE(QSet<QString>(fileKeys.begin(), fileKeys.end()).size(), fileKeys.size());
    known.sort();
    fileKeys.sort();
    QCOMPARE(fileKeys, known);
    QVERIFY(known.contains(QStringLiteral("camera.*.fps")));
    QVERIFY(known.contains(QStringLiteral("server.trusted_proxies")));
}

// The README's configuration table (section, key, default, meaning) lists exactly the keys the
// parser knows, and each default it gives, read by the parser, is the default.
void TestConfig::readmeTableListsEveryKeyWithItsDefault()
{
    const QString table = markdownSection(readSourceFile(QStringLiteral("README.md")), QStringLiteral("Configuration"));
    QVERIFY2(!table.isEmpty(), "README.md has no \"## Configuration\" section");
    QStringList readmeKeys;
    QString section;
    for (const QString &line : table.split(u'\n')) {
        const QStringList cells = line.split(u'|');
        if (!line.startsWith(u'|') || cells.size() < 5 || cells.at(2).contains(QStringLiteral("---")) ||
            cells.at(2).trimmed() == u"key")
            continue;
        if (const QStringList named = codeSpans(cells.at(1)); !named.isEmpty()) {
            section = named.first().mid(1, named.first().size() - 2);  // "[server]" -> "server"
            if (section.startsWith(QStringLiteral("camera.")))
                section = QStringLiteral("camera.*");
        }
        QVERIFY2(!section.isEmpty(), qPrintable(QStringLiteral("a row before any section: ") + line));
        const QStringList keys = codeSpans(cells.at(2));
        QVERIFY2(!keys.isEmpty(), qPrintable(QStringLiteral("a row without a key: ") + line));
        for (const QString &key : keys)
            readmeKeys << section + u'.' + key;

        // "`640`, `360`" for "`width`, `height`"; "empty"; or words ("see above", "`<...>`").
        const QString defaultCell = cells.at(3).trimmed();
        QStringList defaults = codeSpans(defaultCell);
        if (defaultCell == u"empty")
            defaults = QStringList(keys.size(), QString());
        if (defaults.size() != keys.size() || defaultCell.contains(u'<'))
            continue;
        const QString header = section == u"camera.*" ? QStringLiteral("camera.cam0") : section;
        for (qsizetype i = 0; i < keys.size(); ++i) {
            const QString text = QStringLiteral("[%1]\n%2 = %3\n").arg(header, keys.at(i), defaults.at(i));
            const ConfigResult result = parseConfig(text.toUtf8(), QStringLiteral("README.md"));
            QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error->toString()));
            QVERIFY2(result.settings == Settings{},
                     qPrintable(QStringLiteral("the README gives [%1] %2 the default '%3', the code another")
                                    .arg(section, keys.at(i), defaults.at(i))));
        }
    }
    const QSet<QString> documented(readmeKeys.begin(), readmeKeys.end());
    QCOMPARE(documented.size(), readmeKeys.size());
    const QStringList known = knownKeys();
    const QSet<QString> parsed(known.begin(), known.end());
    QStringList missing = (parsed - documented).values(), unknown = (documented - parsed).values();
    missing.sort();
    unknown.sort();
    QVERIFY2(missing.isEmpty() && unknown.isEmpty(),
             qPrintable(QStringLiteral("README.md's configuration table lacks [%1] and lists unknown [%2]")
                            .arg(missing.join(QStringLiteral(", ")), unknown.join(QStringLiteral(", ")))));
}

// The reasons a failure is logged with are the ones the README's Bans section and the fail2ban
// filter name, and the filter matches a failure line of each.
void TestConfig::documentedFailureReasonsAreTheLoggedOnes()
{
    QStringList reasons = failureReasons();
    QVERIFY(reasons.contains(QStringLiteral("wrong-password")));
    QVERIFY(!reasons.contains(QStringLiteral("no-credentials")));  // a prompt, not a failure
    reasons.sort();

    const QString bans = markdownSection(readSourceFile(QStringLiteral("README.md")), QStringLiteral("Bans"));
    const qsizetype said = bans.indexOf(QStringLiteral("Reasons are "));
    QVERIFY2(said >= 0, "README.md's Bans section does not say \"Reasons are ...\"");
    QStringList readme = codeSpans(bans.mid(said, bans.indexOf(u'.', said) - said));
    readme.sort();
    QCOMPARE(readme, reasons);
    // Its example lines show real reasons.
    static const QRegularExpression example(QStringLiteral("authentication failure from \\S+: ([a-z-]+) \\("));
    int examples = 0;
    for (const QRegularExpressionMatch &m : example.globalMatch(bans)) {
        QVERIFY2(reasons.contains(m.captured(1)), qPrintable(m.captured(0)));
        ++examples;
    }
    QVERIFY(examples > 0);

    const QString filter = readSourceFile(QStringLiteral("resources/fail2ban/filter.d/hlscam.conf"));
    const QRegularExpressionMatch listed = QRegularExpression(QStringLiteral("# Reasons: ([^.]*)\\.")).match(filter);
    QVERIFY2(listed.hasMatch(), "the fail2ban filter does not list the reasons (\"# Reasons: ...\")");
    QStringList filterReasons = listed.captured(1).split(QStringLiteral(", "));
    filterReasons.sort();
    QCOMPARE(filterReasons, reasons);
    // fail2ban's <ADDR> tag stands for an IPv4 or IPv6 address; Python's regex syntax is PCRE's here.
    const QRegularExpressionMatch rule = QRegularExpression(QStringLiteral("(?m)^failregex = (.*)$")).match(filter);
    QVERIFY(rule.hasMatch());
    const QRegularExpression failregex(
        rule.captured(1).trimmed().replace(QStringLiteral("<ADDR>"), QStringLiteral("[0-9a-fA-F.:]+")));
    QVERIFY2(failregex.isValid(), qPrintable(failregex.errorString()));
    for (const QString &reason : std::as_const(reasons)) {
        const QString line =
            QStringLiteral("hlscam.auth: authentication failure from 203.0.113.7: %1 (3 of 10)").arg(reason);
        QVERIFY2(failregex.match(line).hasMatch(), qPrintable(line));
    }
    QVERIFY(!failregex
                 .match(QStringLiteral("hlscam.auth: authentication failure from 127.0.0.1: wrong-password "
                                       "(ignoreip, never banned)"))
                 .hasMatch());
}

void TestConfig::listen_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("address");  // addressText() of the result
    QTest::addColumn<int>("port");

    QTest::newRow("IPv4") << "192.168.1.5:8080"
                          << "192.168.1.5" << 8080;
    QTest::newRow("0.0.0.0 is every address") << "0.0.0.0:8080"
                                              << "any" << 8080;
    QTest::newRow("loopback") << "127.0.0.1:80"
                              << "127.0.0.1" << 80;
    QTest::newRow("IPv6 loopback") << "[::1]:8443"
                                   << "::1" << 8443;
    QTest::newRow("IPv6 any") << "[::]:8080"
                              << "::" << 8080;
    QTest::newRow("IPv6 full") << "[2001:db8::7]:65535"
                               << "2001:db8::7" << 65535;
    QTest::newRow(":PORT") << ":9000"
                           << "any" << 9000;
    QTest::newRow("PORT") << "9000"
                          << "any" << 9000;
    QTest::newRow("port 0") << "127.0.0.1:0"
                            << "127.0.0.1" << 0;
    QTest::newRow("spaces around") << "  :81 "
                                   << "any" << 81;
}

void TestConfig::listen()
{
    QFETCH(QString, value);
    QFETCH(QString, address);
    QFETCH(int, port);
    ServerSettings server;
    server.address = QHostAddress(QHostAddress::LocalHost);
    server.port = 1;
    const Error error = applyListen(value, server);
    QVERIFY2(!error.failed(), qPrintable(error.message));
    QCOMPARE(addressText(server.address), address);
    QCOMPARE(int(server.port), port);
}

void TestConfig::listenErrors_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << ""
                           << "has no valid port";
    QTest::newRow("words") << "abc"
                           << "has no valid port";
    QTest::newRow("port too large") << "65536"
                                    << "ports are 0 to 65535";
    QTest::newRow("negative port") << "-1"
                                   << "has no valid port";
    QTest::newRow("no port") << "127.0.0.1:"
                             << "has no valid port";
    QTest::newRow("host name") << "localhost:80"
                               << "'localhost' is not an IP address";
    QTest::newRow("short IPv4") << "10.1:80"
                                << "'10.1' is not an IP address";
    QTest::newRow("bad IPv4") << "256.1.1.1:80"
                              << "is not an IP address";
    QTest::newRow("IPv6 without brackets") << "::1:8080"
                                           << "in brackets";
    QTest::newRow("IPv6 without port") << "[::1]"
                                       << "has no :PORT";
    QTest::newRow("IPv4 in brackets") << "[1.2.3.4]:80"
                                      << "brackets are for IPv6";
    QTest::newRow("bad IPv6") << "[::g]:80"
                              << "is not an IP address";
}

void TestConfig::listenErrors()
{
    QFETCH(QString, value);
    QFETCH(QString, message);
    ServerSettings server;
    const Error e = applyListen(value, server);
    QCOMPARE(e.fault, Fault::Config);
    const QString &error = e.message;
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("allowed: ADDR:PORT")), qPrintable(error));
    QCOMPARE(addressText(server.address), QStringLiteral("any"));  // left unchanged
    QCOMPARE(server.port, ServerSettings{}.port);
}

void TestConfig::source()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString media = dir.filePath(QStringLiteral("loop.mp4"));
    QFile file(media);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();

    const QList<QPair<QString, QString>> cases = {
        {QStringLiteral("testpattern"), QStringLiteral("testpattern")},
        {QStringLiteral("auto"), QStringLiteral("auto")},
        {QStringLiteral("/dev/video0"), QStringLiteral("/dev/video0")},  // may come later
        {QStringLiteral("/dev/video12"), QStringLiteral("/dev/video12")},
        {media, media},
        {QDir::current().relativeFilePath(media), media},
    };
    for (const auto &[value, device] : cases) {
        Settings s = with([](Settings &x) { x.cameras.append(camera(QStringLiteral("second"))); });
        QCOMPARE(applySource(value, s).message, QString());
        QCOMPARE(s.cameras[0].device, device);
        QCOMPARE(s.cameras[1].device, QStringLiteral("auto"));  // only the first camera
    }
}

void TestConfig::sourceErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QStringList values = {QString(), dir.filePath(QStringLiteral("missing.mp4")), dir.path(),
                                QStringLiteral("/dev/videoX"), QStringLiteral("test-pattern")};
    for (const QString &value : values) {
        Settings s;
        const Error e = applySource(value, s);
        QCOMPARE(e.fault, Fault::Config);
        const QString &error = e.message;
        QVERIFY2(error.contains(QStringLiteral("allowed: testpattern, auto, /dev/videoN")),
                 qPrintable(value + QStringLiteral(": ") + error));
        QCOMPARE(s.cameras[0].device, QStringLiteral("auto"));
    }
    Settings s;
    QVERIFY(applySource(dir.path(), s).message.contains(QStringLiteral("is a directory")));
    QVERIFY(applySource(QStringLiteral("nope.mp4"), s).message.contains(QStringLiteral("does not exist")));
}

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
