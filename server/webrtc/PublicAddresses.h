// Where viewers outside reach the WebRTC ports: `[webrtc] public_address` (an IP address, or a
// DNS name looked up at start and every 5 minutes, for dynamic DNS) and the address a STUN
// server (`[webrtc] stun_server`) sees our UDP port at. The STUN request leaves from the media
// socket itself (the mapping viewers will use), through the `send` function WebRtcServer gives;
// WebRtcServer hands binding responses back to takeResponse(). Bounded: at most a few addresses,
// one request in flight, retried at 0.5, 1 and 2 s, then again at the next round. Lives on
// WebRtcServer's thread.
#pragma once

#include "config/Settings.h"
#include "webrtc/Stun.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>
#include <functional>
#include <optional>

class QHostInfo;

namespace hlscam {

class PublicAddresses : public QObject {
    Q_OBJECT
public:
    static constexpr int kRefreshMs = 5 * 60 * 1000;
    static constexpr int kMaxAddresses = 4;  // of a name's answer

    struct Mapped {
        QHostAddress address;
        quint16 port = 0;
    };
    using Send = std::function<void(const QByteArray &datagram, const QHostAddress &to, quint16 port)>;

    PublicAddresses(const WebRtcSettings &settings, Send send, QObject *parent = nullptr);

    // The first look-up and request; then every kRefreshMs.
    void start();
    // public_address: the IP address, or what its name resolved to last.
    QList<QHostAddress> addresses() const { return m_addresses; }
    // What the STUN server answered last, if it has.
    std::optional<Mapped> mapped() const { return m_mapped; }
    // A binding success that came to the media socket from `from`:`port`: true when it is the
    // answer to our request (and taken), false when it is none of ours.
    bool takeResponse(const stun::Message &response, const QHostAddress &from, quint16 port);

private:
    void refresh();
    void resolved(const QHostInfo &info);
    void stunResolved(const QHostInfo &info);
    void sendRequest();

    QString m_publicAddress;
    QString m_stunHost;
    quint16 m_stunPort;
    Send m_send;
    QTimer m_refresh;
    QTimer m_retry;
    QList<QHostAddress> m_addresses;
    std::optional<Mapped> m_mapped;
    QHostAddress m_stunServer;   // resolved
    QByteArray m_transactionId;  // of the request in flight; empty when none
    int m_attempt = 0;
};

}  // namespace hlscam
