// One running hlscam service: state (users, bans, token key), the cameras' cameras and the
// HTTP server on its listener. `hlscam serve` runs one; the desktop app's local mode runs one
// in-process and manages it through its HTTP API like any remote board.
#pragma once

#include "Error.h"
#include "ServiceSettings.h"
#include "config/Settings.h"

#include <QHostAddress>
#include <QList>
#include <QString>
#include <memory>
#include <optional>

namespace hlscam {

class Authenticator;
class BanStore;
class HttpServer;
class Listener;
class Camera;
class Pipeline;
class WebRtcServer;
class AcmeCertificate;
class HttpPort;

class Service {
public:
    // `settings` as assembled from `sources` (see assembleSettings); paths not yet created.
    // The sources are read again by reload().
    Service(Settings settings, SettingsSources sources);
    ~Service();
    Service(const Service &) = delete;
    Service &operator=(const Service &) = delete;

    // Creates the state, the first admin (see firstRunPassword), loads TLS files, the token key
    // and the bans, listens, then starts the cameras. Fails with a sentence a person can act on:
    // Fault::Config for a mistake in the settings (TLS files), else Fault::Io.
    Error start();
    // Stops the cameras (the HTTP server goes with the object).
    void stop();

    // The password of the 'admin' user created by this start, when there was no users file.
    const std::optional<QString> &firstRunPassword() const { return m_firstRunPassword; }
    QString scheme() const;
    // With HTTPS: the SHA-256 fingerprint of the served certificate (what clients that trust on
    // first use show); else empty.
    QString certificateFingerprint() const { return m_fingerprint; }
    QHostAddress address() const;
    quint16 port() const;

    const Settings &settings() const { return m_settings; }
    const QList<Camera *> &cameras() const { return m_cameras; }
    HttpServer *http() const { return m_http.get(); }
    Authenticator *authenticator() const { return m_auth.get(); }
    BanStore *bans() const { return m_bans.get(); }
    WebRtcServer *webrtc() const { return m_webrtc.get(); }  // null when [webrtc] enabled = false
    // The plain-HTTP port (challenges and redirects), or 0 when there is none.
    quint16 httpPort() const;

    // SIGHUP: the users and bans files read again (they are also watched), and the settings
    // assembled again from their sources: a camera whose settings changed restarts on its own
    // (its viewers see a discontinuity), what needs a restart is named in the log, and a
    // config with a mistake changes nothing. Logs what it did.
    void reload();

private:
    Settings m_settings;
    SettingsSources m_sources;
    std::optional<QString> m_firstRunPassword;
    bool m_tls = false;
    QString m_fingerprint;
    std::unique_ptr<BanStore> m_bans;
    std::unique_ptr<Authenticator> m_auth;
    std::vector<std::unique_ptr<Pipeline>> m_owned;
    QList<Camera *> m_cameras;
    std::unique_ptr<WebRtcServer> m_webrtc;
    std::unique_ptr<HttpServer> m_http;
    std::unique_ptr<AcmeCertificate> m_acme;  // with [tls] acme_domain
    std::unique_ptr<HttpPort> m_httpPort;     // [server] http_listen
    Listener *m_listener = nullptr;           // owned by m_http
};

// Where a person can open the page: the bound address, or for a wildcard, this machine's own.
QStringList openUrls(const QString &scheme, const QHostAddress &bound, quint16 port);
// Any address of this machine (0.0.0.0, ::).
bool isWildcard(const QHostAddress &address);
// "[::1]" for IPv6, the address itself otherwise.
QString urlHost(const QHostAddress &address);

}  // namespace hlscam
