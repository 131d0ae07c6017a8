// The settings of one hlscam service, as value types: what the INI file and the command line say.
// Defaults here are the documented defaults (resources/hlscam.conf lists every key).
#pragma once

#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace hlscam {

struct CameraSettings {
    QString name = QStringLiteral("cam0");  // [camera.NAME]; URL path /cam/NAME/
    // "auto" (first V4L2 capture device, else the test pattern), "testpattern",
    // "/dev/videoN", or a media file path (played in a loop).
    QString device = QStringLiteral("auto");
    // The size that is sent; 0 for both ("auto"): a V4L2 camera's own size (a file's own size,
    // the test pattern's default).
    int width = 640;
    int height = 360;
    int fps = 25;
    // How a V4L2 camera's picture of another shape fills width x height, never stretched:
    // "crop" (fills it, cutting the sides or the top and bottom) or "pad" (all of it, with black bars).
    QString fit = QStringLiteral("crop");
    // The pixel format asked of a V4L2 camera: "auto" (H.264, raw, then MJPEG, whichever gives the
    // size and rate), or one of h264, mjpeg, yuyv, uyvy, nv12, yu12.
    QString format = QStringLiteral("auto");
    int bitrateKbps = 800;
    // "auto" (copy when the camera gives H.264, else h264_v4l2m2m, h264_omx, libx264),
    // or one of "copy", "h264_v4l2m2m", "h264_omx", "libx264".
    QString encoder = QStringLiteral("auto");
    // The device's controls to set whenever it opens, by key ("brightness" -> 140): see
    // core/camera/CameraControl.h. Empty: the driver's own values.
    QMap<QString, qint64> controls;
    // Watchers of /cam/NAME/stream.mjpg at once; more get 503 (each costs a connection and the
    // bytes of every frame it is sent; the JPEG encoding is shared by all of them).
    int mjpegMaxClients = 10;

    bool operator==(const CameraSettings &) const = default;
};

struct HlsSettings {
    int segmentMs = 1000;    // target segment duration; the encoder's GOP equals it
    int partMs = 200;        // LL-HLS part duration (fragments are cut at this size already)
    int windowSegments = 6;  // segments listed in the playlist and kept in memory

    bool operator==(const HlsSettings &) const = default;
};

// Who speaks mDNS/DNS-SD for hlscam: avahi-daemon through its D-Bus API (Avahi), the responder
// and querier of our own on UDP 5353 (Builtin), or Avahi when it is on the system bus and the
// built-in one otherwise (Auto).
enum class DiscoveryBackend { Auto, Avahi, Builtin };

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
    int maxHeldRequests = 1024;          // playlist and part requests held until ready, in all
    // Multicast DNS service discovery (LanAnnouncer): the service says on the LAN where it is.
    bool announce = true;
    QString announceName;  // the instance name people see; empty: "hlscam on <host name>"
    DiscoveryBackend announceBackend = DiscoveryBackend::Auto;  // through avahi-daemon or our own responder
    // The plain-HTTP port (http_listen): answers ACME HTTP-01 challenges and redirects everything
    // else to HTTPS. Default: on at 0.0.0.0:80 when ACME is on, else off.
    enum class HttpListen { Default, Off, On };
    HttpListen httpListen = HttpListen::Default;
    QHostAddress httpAddress = QHostAddress::Any;  // "0.0.0.0": IPv4 and IPv6, as for listen
    quint16 httpPort = 80;

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
    // Addresses (and IPv6 networks) remembered at most, banned or counting failures; past it the
    // quietest unbanned ones are forgotten, so a flood from many addresses cannot grow memory.
    int maxAddresses = 20000;

    bool operator==(const BanSettings &) const = default;
};

struct AuthSettings {
    QString usersFile;  // empty: <state_dir>/users
    // Anyone may watch (page and media) without a password, like a public garden camera; the
    // API still needs credentials. Off by default.
    bool anonymousViewers = false;
    // A successful password check is remembered this long (a slow hash per request would sink a
    // small board), for at most this many name and password pairs; 0 seconds: never.
    int credentialCacheS = 300;
    int credentialCacheSize = 4096;
    int maxPasswordChecks = 32;  // slow hashes waiting for a thread; more get 503 (try again)
    // URL tokens (POST /api/v1/tokens): the lifetime when none is asked for, and the longest a
    // viewer and an admin may ask for.
    qint64 tokenLifetimeS = 86400;
    qint64 tokenLifetimeMaxS = qint64{7} * 86400;
    qint64 adminTokenLifetimeMaxS = qint64{365} * 86400;

    bool operator==(const AuthSettings &) const = default;
};

// WebRTC viewing over WHEP (server/webrtc): one UDP port for every viewer's ICE, DTLS and SRTP.
struct WebRtcSettings {
    bool enabled = true;
    quint16 udpPort = 8189;  // all sessions share it (ICE-lite host candidates); 0: the system picks
    // ICE-TCP (RFC 6544 passive candidates) for viewers whose network blocks UDP. Unset: the
    // UDP port's number (the system's pick when udp_port is 0); 0: no ICE-TCP.
    std::optional<quint16> tcpPort;
    int maxSessions = 32;           // WebRTC viewers in all
    int maxSessionsPerAddress = 4;  // from one client address
    // The address viewers outside reach the ports at (a router that forwards them): an IP
    // address, or a DNS name looked up at start and every 5 minutes (dynamic DNS); offered as
    // more host candidates. Empty: only the address the page was loaded from.
    QString publicAddress;
    // A STUN server asked (RFC 5389, from the UDP port) at which address and port the UDP port
    // is seen from outside, offered as a host candidate too (ICE-lite has no srflx candidates).
    // Empty host: none.
    QString stunHost;
    quint16 stunPort = 3478;
    // STUN and TURN servers the viewers' browsers are told of (Link headers of the WHEP answer
    // and of an authenticated OPTIONS, RFC 9725 4.6), for viewers whose network lets nothing
    // reach the ports: "stun:host[:port]", "turn:host[:port][?transport=udp|tcp]", "turns:...".
    QStringList iceServers;
    // The TURN server's shared secret (coturn's static-auth-secret): each viewer gets a username
    // "<expiry>:<user>" and its HMAC-SHA1 as the password, valid for turnCredentialLifetimeS.
    QString turnSecret;
    qint64 turnCredentialLifetimeS = 86400;
    // Static TURN credentials instead, for servers without a secret (every viewer sees them).
    QString turnUsername;
    QString turnPassword;

    bool operator==(const WebRtcSettings &) const = default;
};

// Certificates from an ACME server (RFC 8555; Let's Encrypt by default): [tls].
struct TlsSettings {
    QStringList acmeDomains;  // the names the certificate is for; empty: no ACME
    QString acmeEmail;        // the account's contact (expiry notices); empty: none
    QString acmeDirectory = QStringLiteral("https://acme-v02.api.letsencrypt.org/directory");
    QString acmeCa;  // a PEM CA trusted (besides the system's) for the directory: a private ACME server

    bool acmeEnabled() const { return !acmeDomains.isEmpty(); }
    bool operator==(const TlsSettings &) const = default;
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
    WebRtcSettings webrtc;
    TlsSettings tls;
    PathSettings paths;

    bool operator==(const Settings &) const = default;
};

}  // namespace hlscam
