#include "webrtc/WebRtcServer.h"

#include "Clock.h"
#include "Logging.h"
#include "auth/AddressSet.h"
#include "auth/BanStore.h"
#include "camera/Camera.h"
#include "webrtc/DtlsIdentity.h"
#include "webrtc/IceTcpListener.h"
#include "webrtc/PublicAddresses.h"
#include "webrtc/Rtcp.h"
#include "webrtc/SrtpSession.h"
#include "webrtc/Stun.h"

#include <QDateTime>
#include <QNetworkDatagram>
#include <QRandomGenerator>
#include <QUdpSocket>

namespace hlscam {

namespace {

constexpr int kTickMs = 50;              // DTLS retransmission timers, sender reports, reaping
constexpr int kReportIntervalMs = 1000;  // RTCP sender reports
constexpr int kMaxDatagram = 2048;
constexpr int kMaxDatagramsPerRead = 256;  // then the event loop gets a turn
constexpr int kMaxEndpointsPerSession = 8;

QString endpointKey(const WebRtcEndpoint &e)
{
    return canonicalAddress(e.address).toString() + u'|' + QString::number(e.port) + u'|' + QString::number(e.tcp);
}

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

bool inNetwork(const QHostAddress &address, const QHostAddress &network, int prefix)
{
    return canonicalAddress(address).isInSubnet(network, prefix);
}

}  // namespace

WebRtcServer::WebRtcServer(const WebRtcSettings &settings, const QList<Camera *> &cameras, BanStore *bans,
                           QObject *parent)
    : QObject(parent),
      m_settings(settings),
      m_cameras(cameras),
      m_bans(bans)
{
    m_timer.setInterval(kTickMs);
    connect(&m_timer, &QTimer::timeout, this, &WebRtcServer::tick);
    if (m_bans)
        connect(m_bans, &BanStore::banned, this, &WebRtcServer::dropNetwork);
}

WebRtcServer::~WebRtcServer()
{
    // No camera thread may call into us once we are gone.
    for (auto it = m_subscriptions.cbegin(); it != m_subscriptions.cend(); ++it)
        it.key()->feed()->unsubscribe(it.value());
}

Error WebRtcServer::start()
{
    if (Error e = SrtpSession::initLibrary())
        return e;
    Result<std::shared_ptr<DtlsIdentity>> identity = DtlsIdentity::create();
    if (!identity.ok())
        return identity.error();
    m_identity = identity.value();
    m_socket = new QUdpSocket(this);
    if (!m_socket->bind(QHostAddress::Any, m_settings.udpPort)) {
        return Error{Fault::Io, QStringLiteral("cannot bind the WebRTC UDP port %1: %2 (set [webrtc] udp_port, or "
                                               "enabled = false)")
                                    .arg(m_settings.udpPort)
                                    .arg(m_socket->errorString())};
    }
    m_socket->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, 1 << 20);
    connect(m_socket, &QUdpSocket::readyRead, this, &WebRtcServer::readDatagrams);
    if (Error e = startTcp()) {
        delete m_socket;
        m_socket = nullptr;
        return e;
    }
    m_public = new PublicAddresses(
        m_settings,
        [this](const QByteArray &datagram, const QHostAddress &to, quint16 toPort) {
            m_socket->writeDatagram(datagram, to, toPort);
        },
        this);
    m_public->start();
    m_timer.start();
    qCInfo(lcHttp) << "WebRTC (WHEP) media on UDP port" << port();
    if (m_tcp)
        qCInfo(lcHttp) << "WebRTC (WHEP) ICE-TCP on TCP port" << tcpPort();
    return {};
}

Error WebRtcServer::startTcp()
{
    // By default on the UDP port's number (the one the system picked, when it picked).
    const quint16 wanted = m_settings.tcpPort.value_or(m_settings.udpPort == 0 ? port() : m_settings.udpPort);
    if (wanted == 0)
        return {};
    // A viewer opens one connection per candidate pair it tries: twice the sessions allowed.
    const IceTcpListener::Limits limits{2 * m_settings.maxSessions, 2 * m_settings.maxSessionsPerAddress};
    const auto listen = [this, limits](quint16 tcpPort) {
        delete m_tcp;
        m_tcp = new IceTcpListener(
            limits, [this](const QHostAddress &a) { return m_bans && m_bans->isBanned(a); }, this);
        return m_tcp->listen(tcpPort);
    };
    Error e = listen(wanted);
    if (e && !m_settings.tcpPort && m_settings.udpPort == 0)
        e = listen(0);  // the number the system gave UDP is taken over TCP: any other will do
    if (e) {
        delete m_tcp;
        m_tcp = nullptr;
        if (m_settings.tcpPort)
            return e;  // asked for: as for the UDP port, WebRTC does not start without it
        // Not asked for (it follows udp_port): WebRTC runs on over UDP.
        qCWarning(lcHttp).noquote() << "WebRTC: no ICE-TCP:" << e.message;
        return {};
    }
    connect(m_tcp, &IceTcpListener::frame, this, &WebRtcServer::handleTcpFrame);
    connect(m_tcp, &IceTcpListener::closed, this, &WebRtcServer::forgetTcp);
    return {};
}

quint16 WebRtcServer::port() const { return m_socket ? m_socket->localPort() : 0; }

quint16 WebRtcServer::tcpPort() const { return m_tcp ? m_tcp->port() : 0; }

Camera *WebRtcServer::cameraNamed(const QString &name) const
{
    for (Camera *c : m_cameras)
        if (c->name() == name)
            return c;
    return nullptr;
}

Result<WebRtcServer::Answer> WebRtcServer::open(const Request &request)
{
    Camera *camera = cameraNamed(request.camera);
    if (!camera)
        return Error{Fault::NoDevice, QStringLiteral("no camera named %1").arg(request.camera)};
    if (!m_socket)
        return Error{Fault::Busy, QStringLiteral("WebRTC is not running")};
    if (int(m_sessions.size()) >= m_settings.maxSessions)
        return Error{Fault::Busy, QStringLiteral("too many WebRTC viewers ([webrtc] max_sessions = %1): try again "
                                                 "later, or watch over HLS")
                                      .arg(m_settings.maxSessions)};
    const QHostAddress client = canonicalAddress(request.client);
    int fromClient = 0;
    for (const auto &[id, s] : m_sessions)
        fromClient += s->client == client ? 1 : 0;
    if (fromClient >= m_settings.maxSessionsPerAddress)
        return Error{Fault::Busy, QStringLiteral("too many WebRTC viewers from %1 ([webrtc] "
                                                 "max_sessions_per_address = %2)")
                                      .arg(client.toString())
                                      .arg(m_settings.maxSessionsPerAddress)};

    const h264::ParameterSets sets = camera->feed()->parameterSets();
    const sdp::H264Profile profile =
        sets.sps.isEmpty() ? sdp::H264Profile{0x42, 0xe0, 0x1f} : sdp::profileOfSps(sets.sps.first());
    Result<sdp::Offer> offer = sdp::parseOffer(request.offer, profile);
    if (!offer.ok())
        return offer.error();

    QByteArray id(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(id.data()), 4);
    id = id.toHex();
    auto session =
        std::make_unique<WebRtcSession>(id, request.camera, request.owner, client, offer.value(), m_identity, nowMs());
    if (m_byUfrag.contains(session->localUfrag))
        return Error{Fault::Busy, QStringLiteral("try again")};  // 47 bits of chance: never, in practice

    sdp::AnswerParameters ours;
    ours.iceUfrag = session->localUfrag;
    ours.icePwd = session->localPwd;
    ours.fingerprint = m_identity->fingerprint();
    QHostAddress local = canonicalAddress(request.localAddress);
    if (local.isNull() || local == QHostAddress::Any || local == QHostAddress::AnyIPv4 ||
        local == QHostAddress::AnyIPv6)
        local = QHostAddress(QHostAddress::LocalHost);
    // The address the request came in on, then where viewers outside reach us. UDP first: the
    // viewer should prefer it.
    QList<QHostAddress> addresses{local};
    for (const QHostAddress &a : m_public->addresses())
        if (!addresses.contains(a))
            addresses.append(a);
    const std::optional<PublicAddresses::Mapped> mapped = m_public->mapped();
    for (const QHostAddress &a : addresses)
        ours.candidates.append({a, port(), false});
    if (mapped && !(addresses.contains(mapped->address) && mapped->port == port()))
        ours.candidates.append({mapped->address, mapped->port, false});
    if (mapped && !addresses.contains(mapped->address))
        addresses.append(mapped->address);  // its TCP port: forwarded like the UDP one, we assume
    if (m_tcp)
        for (const QHostAddress &a : addresses)
            ours.candidates.append({a, tcpPort(), true});
    ours.ssrc = session->ssrc;
    ours.profile = profile;
    ours.streamId = request.camera.toLatin1();
    ours.sessionId = QRandomGenerator::system()->generate64() >> 2;
    const QByteArray answer = sdp::buildAnswer(offer.value(), ours);

    m_byUfrag.insert(session->localUfrag, session.get());
    if (!m_subscriptions.contains(camera)) {
        const int subscription = camera->feed()->subscribe([this, camera](const AccessUnitPtr &unit) {
            // The camera's thread: hand the unit to ours and return.
            QMetaObject::invokeMethod(
                this, [this, camera, unit] { deliver(camera, unit); }, Qt::QueuedConnection);
        });
        m_subscriptions.insert(camera, subscription);
    }
    qCInfo(lcHttp).noquote() << "WebRTC session" << id.left(8) << "for" << request.camera << "from" << client.toString()
                             << (request.owner.size() > 40 ? QStringLiteral("(token)") : request.owner);
    const QByteArray clock = "rtp=" + QByteArray::number(session->rtpTimestampAt(monotonicUs())) +
                             "; unix-ms=" + QByteArray::number(wallClockUs() / 1000);
    m_sessions.emplace(id, std::move(session));
    // A new viewer starts at a key frame. Asked for now, it is encoded while ICE and DTLS run
    // (a few round trips) and held for the session (WebRtcSession::hold) until SRTP is up.
    camera->requestKeyFrame();
    return Answer{id, answer, clock};
}

bool WebRtcServer::close(const QString &camera, const QByteArray &sessionId, const QString &owner, bool admin)
{
    const auto it = m_sessions.find(sessionId);
    if (it == m_sessions.end() || it->second->camera != camera || (!admin && it->second->owner != owner))
        return false;
    end(sessionId, "closed by the viewer (DELETE)");
    return true;
}

void WebRtcServer::end(const QByteArray &sessionId, const char *why)
{
    const auto it = m_sessions.find(sessionId);
    if (it == m_sessions.end())
        return;
    WebRtcSession *s = it->second.get();
    qCInfo(lcHttp).noquote() << "WebRTC session" << sessionId.left(8) << "of" << s->camera << "ended:" << why;
    WebRtcCounters &closed = m_closed[s->camera];
    closed.packets += s->counters.packets;
    closed.bytes += s->counters.bytes;
    closed.nacks += s->counters.nacks;
    closed.retransmitted += s->counters.retransmitted;
    closed.pictureLoss += s->counters.pictureLoss;
    m_byUfrag.remove(s->localUfrag);
    m_byEndpoint.removeIf([s](const auto &e) { return e.value() == s; });
    const QList<WebRtcEndpoint> endpoints = s->endpoints;
    const QString camera = s->camera;
    m_sessions.erase(it);
    // Its ICE-TCP connections go with it (their closed() finds no session left).
    for (const WebRtcEndpoint &e : endpoints)
        if (e.tcp && m_tcp)
            m_tcp->close(e.tcp);
    // The last viewer of a camera gone: its feed stops copying access units for us.
    Camera *cam = cameraNamed(camera);
    const bool others = std::any_of(m_sessions.begin(), m_sessions.end(),
                                    [&camera](const auto &entry) { return entry.second->camera == camera; });
    if (cam && !others && m_subscriptions.contains(cam))
        cam->feed()->unsubscribe(m_subscriptions.take(cam));
}

WebRtcCameraStats WebRtcServer::stats(const QString &camera) const
{
    WebRtcCameraStats out;
    out.counters = m_closed.value(camera);
    for (const auto &[id, s] : m_sessions) {
        if (s->camera != camera)
            continue;
        ++out.sessions;
        out.counters.packets += s->counters.packets;
        out.counters.bytes += s->counters.bytes;
        out.counters.nacks += s->counters.nacks;
        out.counters.retransmitted += s->counters.retransmitted;
        out.counters.pictureLoss += s->counters.pictureLoss;
    }
    return out;
}

void WebRtcServer::readDatagrams()
{
    for (int i = 0; i < kMaxDatagramsPerRead && m_socket->hasPendingDatagrams(); ++i) {
        const QNetworkDatagram d = m_socket->receiveDatagram(kMaxDatagram);
        if (d.isValid())
            handleDatagram(d.data(), {canonicalAddress(d.senderAddress()), quint16(d.senderPort()), 0});
    }
    if (m_socket->hasPendingDatagrams())
        QMetaObject::invokeMethod(this, &WebRtcServer::readDatagrams, Qt::QueuedConnection);
}

void WebRtcServer::handleTcpFrame(quint64 connection, const QHostAddress &peer, quint16 port, const QByteArray &bytes,
                                  bool bound)
{
    const WebRtcEndpoint from{peer, port, connection};
    if (bound) {
        handleDatagram(bytes, from);
        return;
    }
    // Not yet bound: only a valid check of a session may keep the connection open.
    if (m_bans && m_bans->isBanned(peer)) {
        m_tcp->close(connection);
        return;
    }
    if (handleStun(bytes, from))
        m_tcp->bind(connection);
    else
        m_tcp->close(connection);
}

void WebRtcServer::forgetTcp(quint64 connection)
{
    for (auto &[id, s] : m_sessions) {
        const auto gone = std::find_if(s->endpoints.cbegin(), s->endpoints.cend(),
                                       [connection](const WebRtcEndpoint &e) { return e.tcp == connection; });
        if (gone == s->endpoints.cend())
            continue;
        m_byEndpoint.remove(endpointKey(*gone));
        s->endpoints.erase(gone);
        // The viewer's nominated path is gone: the newest other one that passed a check, if any.
        if (s->remote && s->remote->tcp == connection)
            s->remote = s->endpoints.isEmpty() ? std::nullopt : std::optional(s->endpoints.last());
    }
}

void WebRtcServer::handleDatagram(const QByteArray &data, const WebRtcEndpoint &from)
{
    if (data.isEmpty() || (m_bans && m_bans->isBanned(from.address)))
        return;
    const quint8 first = quint8(data[0]);
    if (first < 4) {  // RFC 7983: STUN
        handleStun(data, from);
        return;
    }
    WebRtcSession *s = m_byEndpoint.value(endpointKey(from));
    if (!s)
        return;                        // no session knows this address: dropped before any cryptography
    if (first >= 20 && first <= 63) {  // DTLS
        const bool wasConnected = s->dtls().state() == DtlsTransport::State::Connected;
        sendAll(*s, s->dtls().receive(data));
        const DtlsTransport::State state = s->dtls().state();
        if (state == DtlsTransport::State::Failed || state == DtlsTransport::State::Closed) {
            qCInfo(lcHttp).noquote() << "WebRTC session" << s->id.left(8) << "DTLS:" << s->dtls().error();
            if (state == DtlsTransport::State::Failed && s->restartDtls())
                return;
            end(s->id, "DTLS ended");
            return;
        }
        if (!wasConnected && state == DtlsTransport::State::Connected) {
            if (const Error e = s->startSrtp()) {
                end(s->id, "SRTP could not start");
                return;
            }
            startMedia(*s);
        }
        return;
    }
    if (first >= 128 && first <= 191 && rtcp::looksLikeRtcp(data)) {
        const std::optional<rtcp::Feedback> fb = s->feedback(data);
        if (!fb)
            return;
        if (!fb->nacked.isEmpty() && s->remote)
            for (const QByteArray &p : s->retransmissions(fb->nacked))
                send(*s->remote, p);
        if (fb->pictureLoss)
            if (Camera *camera = cameraNamed(s->camera))
                camera->requestKeyFrame();
    }
    // RTP from the viewer (it sends none for a receive-only transceiver): ignored.
}

bool WebRtcServer::handleStun(const QByteArray &data, const WebRtcEndpoint &from)
{
    const Result<stun::Message> parsed = stun::parse(data);
    if (parsed.ok() && parsed.value().type == stun::kBindingSuccess && !from.tcp && m_public) {
        m_public->takeResponse(parsed.value(), from.address, from.port);  // our STUN server's, or dropped
        return false;
    }
    if (!parsed.ok() || parsed.value().type != stun::kBindingRequest)
        return false;
    const stun::Message &m = parsed.value();
    const qsizetype colon = m.username.indexOf(':');
    if (colon <= 0)
        return false;
    WebRtcSession *s = m_byUfrag.value(m.username.left(colon));
    if (!s || m.username.mid(colon + 1) != s->remoteUfrag || m.integrityOffset < 0)
        return false;  // not one of our sessions' checks: no HMAC computed for it
    if (!stun::integrityMatches(data, m, s->localPwd))
        return false;
    s->lastConsentMs = nowMs();
    if (!s->endpoints.contains(from)) {
        if (s->endpoints.size() >= kMaxEndpointsPerSession)
            return false;
        s->endpoints.append(from);
        m_byEndpoint.insert(endpointKey(from), s);
    }
    // ICE-lite: the controlling viewer nominates; until then the first pair that works.
    if (m.useCandidate || !s->remote)
        s->remote = from;
    send(from, stun::bindingSuccess(m, from.address, from.port, s->localPwd));
    return true;
}

void WebRtcServer::startMedia(WebRtcSession &s)
{
    Camera *camera = cameraNamed(s.camera);
    if (!camera)
        return;
    const QList<AccessUnitPtr> held = s.takeHeld(monotonicUs());
    if (held.isEmpty() || !s.remote) {
        camera->requestKeyFrame();  // none came in time (or it is too old by now): ask again
        return;
    }
    const h264::ParameterSets sets = camera->feed()->parameterSets();
    for (const AccessUnitPtr &unit : held)
        for (const QByteArray &p : s.media(*unit, sets))
            send(*s.remote, p);
}

void WebRtcServer::deliver(Camera *camera, const AccessUnitPtr &unit)
{
    const QString name = camera->name();
    h264::ParameterSets sets;
    bool setsRead = false;
    for (auto &[id, s] : m_sessions) {
        if (s->camera != name)
            continue;
        if (!s->connected()) {
            s->hold(unit);
            continue;
        }
        if (!s->remote)
            continue;
        if (!setsRead) {
            sets = camera->feed()->parameterSets();
            setsRead = true;
        }
        for (const QByteArray &p : s->media(*unit, sets))
            send(*s->remote, p);
    }
}

void WebRtcServer::tick()
{
    const qint64 now = nowMs();
    const bool report = now - m_lastReportMs >= kReportIntervalMs;
    if (report)
        m_lastReportMs = now;
    QList<std::pair<QByteArray, const char *>> ending;
    for (auto &[id, s] : m_sessions) {
        if (now - s->lastConsentMs > kConsentTimeoutMs) {
            ending.append({id, "no consent check for 30 s (the viewer went away)"});
            continue;
        }
        if (s->dtls().state() == DtlsTransport::State::Handshaking && s->remote) {
            sendAll(*s, s->dtls().tick());
            if (s->dtls().state() == DtlsTransport::State::Failed && !s->restartDtls())
                ending.append({id, "the DTLS handshake failed"});
        }
        if (report && s->connected() && s->remote) {
            const QByteArray sr = s->senderReport(monotonicUs(), wallClockUs());
            if (!sr.isEmpty())
                send(*s->remote, sr);
        }
    }
    for (const auto &[id, why] : ending)
        end(id, why);
}

void WebRtcServer::send(const WebRtcEndpoint &to, const QByteArray &datagram)
{
    if (to.tcp) {
        if (m_tcp)
            m_tcp->send(to.tcp, datagram);  // dropped when the viewer is too far behind
        return;
    }
    m_socket->writeDatagram(datagram, to.address, to.port);
}

void WebRtcServer::sendAll(WebRtcSession &session, const QList<QByteArray> &datagrams)
{
    if (!session.remote)
        return;
    for (const QByteArray &d : datagrams)
        send(*session.remote, d);
}

void WebRtcServer::dropNetwork(const QHostAddress &network, int prefix)
{
    QList<QByteArray> ending;
    for (const auto &[id, s] : m_sessions) {
        bool inside = inNetwork(s->client, network, prefix);
        for (const WebRtcEndpoint &e : s->endpoints)
            inside = inside || inNetwork(e.address, network, prefix);
        if (inside)
            ending.append(id);
    }
    for (const QByteArray &id : ending)
        end(id, "its address was banned");
    if (m_tcp)
        m_tcp->dropNetwork(network, prefix);
}

}  // namespace hlscam
