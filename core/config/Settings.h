// The settings of one hlscam service, as value types: what the INI file and the command line say.
// Defaults here are the documented defaults (resources/hlscam.conf lists every key).
#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

namespace hlscam {

struct CameraSettings {
    QString name = QStringLiteral("cam0");  // [camera.NAME]; URL path /cam/NAME/
    // "auto" (first V4L2 capture device, else the test pattern), "testpattern",
    // "/dev/videoN", or a media file path (played in a loop).
    QString device = QStringLiteral("auto");
    int width = 640;
    int height = 360;
    int fps = 25;
    int bitrateKbps = 800;
    // "auto" (copy when the camera gives H.264, else h264_v4l2m2m, h264_omx, libx264),
    // or one of "copy", "h264_v4l2m2m", "h264_omx", "libx264".
    QString encoder = QStringLiteral("auto");

    bool operator==(const CameraSettings &) const = default;
};

struct HlsSettings {
    int segmentMs = 1000;    // target segment duration; the encoder's GOP equals it
    int partMs = 200;        // LL-HLS part duration (fragments are cut at this size already)
    int windowSegments = 6;  // segments listed in the playlist and kept in memory

    bool operator==(const HlsSettings &) const = default;
};

struct ServerSettings {
    QHostAddress address = QHostAddress::Any;
    quint16 port = 8080;
    QString tlsCert;
    QString tlsKey;
    QStringList trustedProxies;
    // Names besides IP literals, localhost and this host's name (and NAME.local) that may stand
    // in the Host header: a defence against DNS rebinding. "*.example.org" for a domain and its
    // subdomains; "*" for any name (no defence).
    QStringList hostnames;
    QString metricsToken;  // Bearer token that may read /metrics (besides admins); empty: none
    // Limits against abuse (see resources/hlscam.conf for why these defaults).
    int maxRequestBytes = 16384;         // request line + headers (+ body) of one request
    int maxConnections = 512;            // open connections in all
    int maxConnectionsPerAddress = 32;   // from one client address (proxies exempt)
    int maxConnectionsPerNetwork = 128;  // from one IPv4 /24 or IPv6 /64 (proxies exempt); the
                                         // Listener never gives one more than half of maxConnections
    int headerTimeoutS = 10;             // to send a whole request once it has begun
    int idleTimeoutS = 60;               // a kept-alive connection with nothing to do
    // Multicast DNS service discovery (DnsSdAnnouncer): the service says on the LAN where it is.
    bool announce = true;
    QString announceName;  // the instance name people see; empty: "hlscam on <host name>"

    bool operator==(const ServerSettings &) const = default;
};

// fail2ban's jail options, with its names and meanings.
struct BanSettings {
    int maxRetry = 10;  // failures within findtime that ban; 0 never bans
    qint64 findTimeS = 3600;
    qint64 banTimeS = 3600;                  // negative: for ever
    bool banTimeIncrement = true;            // each repeat ban of an address doubles...
    qint64 banTimeMaxS = qint64{7} * 86400;  // ...up to this
    QStringList ignoreIp = {QStringLiteral("127.0.0.1/8"), QStringLiteral("::1")};
    // IPv6 clients are counted and banned per network of this prefix (one subscriber usually
    // holds a whole /64, so per address a ban costs an attacker nothing); 128: per address.
    int ipv6Prefix = 64;

    bool operator==(const BanSettings &) const = default;
};

struct AuthSettings {
    QString usersFile;  // empty: <state_dir>/users
    // Anyone may watch (page and media) without a password, like a public garden camera; the
    // API still needs credentials. Off by default.
    bool anonymousViewers = false;

    bool operator==(const AuthSettings &) const = default;
};

struct PathSettings {
    QString stateDir;  // empty: $STATE_DIRECTORY, else /var/lib/hlscam as root, else ~/.local/state/hlscam
    // The one directory whose media files the API may set as a camera's device; empty: none.
    QString mediaDir;
    // Where camera settings changed through the API are kept (CameraOverrides): set by the app
    // to the state dir's cameras.conf, not a config key.
    QString cameraOverrides;

    bool operator==(const PathSettings &) const = default;
};

struct Settings {
    ServerSettings server;
    QList<CameraSettings> cameras{CameraSettings{}};
    HlsSettings hls;
    AuthSettings auth;
    BanSettings bans;
    PathSettings paths;

    bool operator==(const Settings &) const = default;
};

}  // namespace hlscam
