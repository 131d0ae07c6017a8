#include "webrtc/PublicAddresses.h"

#include "Logging.h"
#include "auth/AddressSet.h"

#include <QHostInfo>
#include <QRandomGenerator>

namespace hlscam {

namespace {

constexpr int kFirstRetryMs = 500;  // RFC 5389 7.2.1's RTO, doubled at each retry
constexpr int kAttempts = 4;        // 0, 0.5, 1.5, 3.5 s; given up at 7.5 s until the next round

QString text(const QList<QHostAddress> &addresses)
{
    QStringList out;
    for (const QHostAddress &a : addresses)
        out << a.toString();
    return out.join(u", ");
}

}  // namespace

PublicAddresses::PublicAddresses(const WebRtcSettings &settings, Send send, QObject *parent)
    : QObject(parent),
      m_publicAddress(settings.publicAddress),
      m_stunHost(settings.stunHost),
      m_stunPort(settings.stunPort),
      m_send(std::move(send))
{
    m_refresh.setInterval(kRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, &PublicAddresses::refresh);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &PublicAddresses::sendRequest);
    // An IP address needs no look-up: known at once, for the first viewer.
    if (const QHostAddress literal(m_publicAddress); !m_publicAddress.isEmpty() && !literal.isNull())
        m_addresses = {canonicalAddress(literal)};
}

void PublicAddresses::start()
{
    refresh();
    m_refresh.start();
}

void PublicAddresses::refresh()
{
    if (!m_publicAddress.isEmpty() && QHostAddress(m_publicAddress).isNull())
        QHostInfo::lookupHost(m_publicAddress, this, &PublicAddresses::resolved);
    if (!m_stunHost.isEmpty()) {
        if (const QHostAddress literal(m_stunHost); !literal.isNull())
            stunResolved(QHostInfo());  // nothing to look up
        else
            QHostInfo::lookupHost(m_stunHost, this, &PublicAddresses::stunResolved);
    }
}

void PublicAddresses::resolved(const QHostInfo &info)
{
    QList<QHostAddress> found;
    for (const QHostAddress &a : info.addresses())
        if (found.size() < kMaxAddresses && !found.contains(canonicalAddress(a)))
            found.append(canonicalAddress(a));
    if (found.isEmpty()) {
        // Keep what the name said last: a resolver's bad minute must not cut viewers off.
        qCWarning(lcHttp).noquote() << "WebRTC: [webrtc] public_address" << m_publicAddress
                                    << "could not be looked up:" << info.errorString()
                                    << (m_addresses.isEmpty()
                                            ? QStringLiteral("(offered when it can)")
                                            : QStringLiteral("(still offering %1)").arg(text(m_addresses)));
        return;
    }
    if (found != m_addresses)
        qCInfo(lcHttp).noquote() << "WebRTC public address" << m_publicAddress << "is" << text(found);
    m_addresses = found;
}

void PublicAddresses::stunResolved(const QHostInfo &info)
{
    QHostAddress server(m_stunHost);
    if (server.isNull()) {
        const QList<QHostAddress> all = info.addresses();
        // IPv4 first: the media socket's IPv4 mapping is the one most viewers need.
        const auto v4 = std::find_if(all.cbegin(), all.cend(), [](const QHostAddress &a) {
            return a.protocol() == QAbstractSocket::IPv4Protocol;
        });
        server = v4 != all.cend() ? *v4 : all.value(0);
    }
    if (server.isNull()) {
        qCWarning(lcHttp).noquote() << "WebRTC: [webrtc] stun_server" << m_stunHost
                                    << "could not be looked up:" << info.errorString();
        return;
    }
    m_stunServer = canonicalAddress(server);
    m_attempt = 0;
    m_transactionId.resize(12);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_transactionId.data()), 3);
    sendRequest();
}

void PublicAddresses::sendRequest()
{
    if (m_transactionId.isEmpty())
        return;
    if (m_attempt >= kAttempts) {
        qCWarning(lcHttp).noquote() << "WebRTC: no answer from the STUN server" << m_stunHost << "port" << m_stunPort
                                    << "(asking again in 5 minutes)";
        m_transactionId.clear();
        return;
    }
    m_send(stun::plainBindingRequest(m_transactionId), m_stunServer, m_stunPort);
    m_retry.start(kFirstRetryMs << m_attempt);
    ++m_attempt;
}

bool PublicAddresses::takeResponse(const stun::Message &response, const QHostAddress &from, quint16 port)
{
    if (m_transactionId.isEmpty() || response.transactionId != m_transactionId ||
        canonicalAddress(from) != m_stunServer || port != m_stunPort)
        return false;
    m_transactionId.clear();
    m_retry.stop();
    if (response.mappedAddress.isNull() || response.mappedPort == 0) {
        qCWarning(lcHttp).noquote() << "WebRTC: the STUN server" << m_stunHost << "answered without an address";
        return true;
    }
    const Mapped mapped{canonicalAddress(response.mappedAddress), response.mappedPort};
    if (!m_mapped || m_mapped->address != mapped.address || m_mapped->port != mapped.port)
        qCInfo(lcHttp).noquote() << "WebRTC public address from the STUN server"
                                 << m_stunHost + u':' + QString::number(m_stunPort) << "is"
                                 << mapped.address.toString() + u':' + QString::number(mapped.port);
    m_mapped = mapped;
    return true;
}

}  // namespace hlscam
