#include "webrtc/Sdp.h"

#include <algorithm>

#include <QHash>
#include <optional>

namespace hlscam::sdp {

namespace {

Error bad(const QString &why) { return Error{Fault::Other, QStringLiteral("unusable SDP offer: ") + why}; }

// ice-char (RFC 8839): what ufrag and pwd may hold; also what we accept as a mid (a token we echo).
bool isIceChars(QByteArrayView v)
{
    for (char c : v)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/'))
            return false;
    return true;
}

bool isToken(QByteArrayView v)
{
    if (v.isEmpty() || v.size() > 32)
        return false;
    for (char c : v)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return false;
    return true;
}

// How well a decoder for `offered` plays our stream: -1 not at all, higher is a closer match.
int profileScore(const H264Profile &offered, const H264Profile &ours)
{
    const bool oursConstrainedBaseline = ours.profile == 66 && (ours.constraints & 0x40);
    const bool offeredConstrainedBaseline = offered.profile == 66 && (offered.constraints & 0x40);
    if (offered.profile == ours.profile && offeredConstrainedBaseline == oursConstrainedBaseline)
        return 3;
    // Constrained Baseline is a subset of Baseline, Main and High; Main a subset of High.
    if (oursConstrainedBaseline && (offered.profile == 66 || offered.profile == 77 || offered.profile == 100))
        return 2;
    if (ours.profile == 77 && offered.profile == 100)
        return 1;
    return -1;
}

std::optional<H264Profile> parseProfileLevelId(QByteArrayView hex)
{
    bool ok = false;
    const uint v = QByteArray(hex.data(), hex.size()).toUInt(&ok, 16);
    if (hex.size() != 6 || !ok)
        return std::nullopt;
    return H264Profile{quint8(v >> 16), quint8(v >> 8), quint8(v)};
}

struct Format {
    bool h264 = false;
    QHash<QByteArray, QByteArray> parameters;  // from a=fmtp
};

}  // namespace

QByteArray H264Profile::hex() const
{
    return QByteArray::number((uint(profile) << 16) | (uint(constraints) << 8) | level, 16).rightJustified(6, '0');
}

H264Profile profileOfSps(QByteArrayView sps)
{
    if (sps.size() < 4)
        return {};
    return H264Profile{quint8(sps[1]), quint8(sps[2]), quint8(sps[3])};
}

QByteArray fingerprintText(QByteArrayView digest) { return digest.toByteArray().toHex(':').toUpper(); }

QByteArray parseFingerprint(QByteArrayView text)
{
    if (text.size() != 32 * 3 - 1)
        return {};
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); i += 3) {
        if (i + 2 < text.size() && text[i + 2] != ':')
            return {};
        bool ok = false;
        const uint v = QByteArray(text.data() + i, 2).toUInt(&ok, 16);
        if (!ok)
            return {};
        out.append(char(v));
    }
    return out;
}

Result<Offer> parseOffer(QByteArrayView text, const H264Profile &ours)
{
    if (text.size() > kMaxOfferBytes)
        return bad(QStringLiteral("longer than %1 bytes").arg(kMaxOfferBytes));
    Offer offer;
    QList<QHash<int, Format>> formats;  // per media section
    QByteArray sessionUfrag, sessionPwd, sessionFingerprint, sessionSetup;
    int lines = 0;
    qsizetype pos = 0;
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.size();
        QByteArrayView line = text.sliced(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        if (++lines > kMaxLines)
            return bad(QStringLiteral("more than %1 lines").arg(kMaxLines));
        if (line.size() > kMaxLineBytes)
            return bad(QStringLiteral("a line longer than %1 bytes").arg(kMaxLineBytes));
        if (line.size() < 2 || line[1] != '=')
            return bad(QStringLiteral("a line that is not <type>=<value>"));
        const char type = line[0];
        const QByteArrayView value = line.sliced(2);
        const bool inMedia = !offer.media.isEmpty();
        if (type == 'm') {
            // Its kind, protocol and first format are echoed in the answer when it is rejected:
            // printable ASCII only, so nothing it holds can break or add a line there.
            if (std::any_of(value.begin(), value.end(), [](char c) { return c < 0x20 || c > 0x7e; }))
                return bad(QStringLiteral("an m= line with a byte that is not printable ASCII"));
            if (offer.media.size() >= kMaxMedia)
                return bad(QStringLiteral("more than %1 media sections").arg(kMaxMedia));
            const QList<QByteArray> fields = value.toByteArray().split(' ');
            if (fields.size() < 4)
                return bad(QStringLiteral("an m= line without a format"));
            Media m;
            m.kind = fields[0];
            m.proto = fields[2];
            m.formats = fields.mid(3).join(' ');
            offer.media.append(m);
            formats.append(QHash<int, Format>());
            continue;
        }
        if (type != 'a')
            continue;
        const qsizetype colon = value.indexOf(':');
        const QByteArrayView name = colon < 0 ? value : value.first(colon);
        const QByteArrayView arg = colon < 0 ? QByteArrayView() : value.sliced(colon + 1);
        auto take = [&arg](QByteArray &into) {
            into = arg.toByteArray();
        };
        if (name == "ice-ufrag") {
            take(inMedia ? offer.iceUfrag : sessionUfrag);
        } else if (name == "ice-pwd") {
            take(inMedia ? offer.icePwd : sessionPwd);
        } else if (name == "fingerprint") {
            take(inMedia ? offer.fingerprint : sessionFingerprint);
        } else if (name == "setup") {
            take(inMedia ? offer.setup : sessionSetup);
        } else if (!inMedia) {
            continue;
        } else if (name == "mid") {
            if (!isToken(arg))
                return bad(QStringLiteral("a mid that is not a short token"));
            offer.media.last().mid = arg.toByteArray();
        } else if (name == "rtcp-mux") {
            offer.media.last().rtcpMux = true;
        } else if (name == "rtpmap" || name == "fmtp") {
            const qsizetype space = arg.indexOf(' ');
            bool ok = false;
            const int pt = arg.first(space < 0 ? arg.size() : space).toByteArray().toInt(&ok);
            if (!ok || pt < 0 || pt > 127 || space < 0)
                return bad(QStringLiteral("an a=%1 line without a payload type").arg(QString::fromLatin1(name)));
            const QByteArrayView rest = arg.sliced(space + 1);
            Format &f = formats.last()[pt];
            if (name == "rtpmap") {
                f.h264 = rest.toByteArray().toUpper() == "H264/90000";
            } else {
                for (const QByteArray &kv : rest.toByteArray().split(';')) {
                    const qsizetype eq = kv.indexOf('=');
                    if (eq > 0 && f.parameters.size() < 16)
                        f.parameters.insert(kv.first(eq).trimmed().toLower(), kv.sliced(eq + 1).trimmed());
                }
            }
        }
    }
    if (offer.iceUfrag.isEmpty())
        offer.iceUfrag = sessionUfrag;
    if (offer.icePwd.isEmpty())
        offer.icePwd = sessionPwd;
    if (offer.setup.isEmpty())
        offer.setup = sessionSetup;
    const QByteArray fingerprint = offer.fingerprint.isEmpty() ? sessionFingerprint : offer.fingerprint;

    // The first video section with an H.264 format in packetization mode 1 that fits our SPS.
    int best = -1;
    for (qsizetype i = 0; i < offer.media.size() && offer.video < 0; ++i) {
        const Media &m = offer.media[i];
        if (m.kind != "video" || !m.proto.contains("SAVPF"))
            continue;
        for (const QByteArray &ptText : m.formats.split(' ')) {
            const int pt = ptText.toInt();
            const Format f = formats[i].value(pt);
            if (!f.h264 || f.parameters.value("packetization-mode") != "1")
                continue;
            const auto offered = parseProfileLevelId(f.parameters.value("profile-level-id", "420010"));
            const int score = offered ? profileScore(*offered, ours) : -1;
            if (score > best) {
                best = score;
                offer.video = int(i);
                offer.payloadType = pt;
            }
        }
    }
    if (offer.video < 0)
        return bad(QStringLiteral("no video section offers H.264 (packetization-mode=1) in a profile that plays "
                                  "our stream (profile-level-id %1)")
                       .arg(QString::fromLatin1(ours.hex())));
    if (!offer.media[offer.video].rtcpMux)
        return bad(QStringLiteral("the video section does not offer rtcp-mux"));
    if (offer.iceUfrag.size() < 4 || offer.iceUfrag.size() > 256 || !isIceChars(offer.iceUfrag))
        return bad(QStringLiteral("no usable a=ice-ufrag"));
    if (offer.icePwd.size() < 22 || offer.icePwd.size() > 256 || !isIceChars(offer.icePwd))
        return bad(QStringLiteral("no usable a=ice-pwd"));
    if (offer.setup != "actpass" && offer.setup != "active")
        return bad(QStringLiteral("a=setup must be actpass or active (we are the DTLS server)"));
    const qsizetype space = fingerprint.indexOf(' ');
    if (space < 0 || fingerprint.first(space).toLower() != "sha-256")
        return bad(QStringLiteral("no a=fingerprint:sha-256"));
    offer.fingerprint = parseFingerprint(fingerprint.sliced(space + 1).trimmed());
    if (offer.fingerprint.isEmpty())
        return bad(QStringLiteral("a malformed a=fingerprint"));
    return offer;
}

QByteArray buildAnswer(const Offer &offer, const AnswerParameters &ours)
{
    const QByteArray pt = QByteArray::number(offer.payloadType);
    const QByteArray mid = offer.media[offer.video].mid;
    QByteArray out;
    auto line = [&out](const QByteArray &l) {
        out += l + "\r\n";
    };
    line("v=0");
    line("o=hlscam " + QByteArray::number(ours.sessionId) + " 1 IN IP4 0.0.0.0");
    line("s=-");
    line("t=0 0");
    line("a=ice-lite");
    if (!mid.isEmpty())
        line("a=group:BUNDLE " + mid);
    line("a=msid-semantic: WMS " + ours.streamId);
    for (qsizetype i = 0; i < offer.media.size(); ++i) {
        const Media &m = offer.media[i];
        if (i != offer.video) {
            // Rejected: a port of 0 (RFC 8829 5.3.1), its first format echoed as the grammar wants.
            line("m=" + m.kind + " 0 " + m.proto + ' ' + m.formats.split(' ').first());
            line("c=IN IP4 0.0.0.0");
            if (!m.mid.isEmpty())
                line("a=mid:" + m.mid);
            line("a=inactive");
            continue;
        }
        const Candidate first = ours.candidates.value(0, Candidate{QHostAddress(QHostAddress::AnyIPv4), 9});
        const bool v6 = first.address.protocol() == QAbstractSocket::IPv6Protocol;
        line("m=video " + QByteArray::number(first.port) + " UDP/TLS/RTP/SAVPF " + pt);
        line(QByteArray("c=IN ") + (v6 ? "IP6 " : "IP4 ") + first.address.toString().toLatin1());
        if (!mid.isEmpty())
            line("a=mid:" + mid);
        line("a=ice-ufrag:" + ours.iceUfrag);
        line("a=ice-pwd:" + ours.icePwd);
        line("a=fingerprint:sha-256 " + fingerprintText(ours.fingerprint));
        line("a=setup:passive");
        line("a=sendonly");
        line("a=rtcp-mux");
        line("a=msid:" + ours.streamId + " video");
        line("a=rtpmap:" + pt + " H264/90000");
        line("a=rtcp-fb:" + pt + " nack");
        line("a=rtcp-fb:" + pt + " nack pli");
        line("a=rtcp-fb:" + pt + " ccm fir");
        line("a=fmtp:" + pt + " level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + ours.profile.hex());
        const QByteArray ssrc = QByteArray::number(ours.ssrc);
        line("a=ssrc:" + ssrc + " cname:hlscam");
        line("a=ssrc:" + ssrc + " msid:" + ours.streamId + " video");
        int foundation = 1;
        for (const Candidate &c : ours.candidates) {
            // Host candidates, one component. Type preference 126 for UDP (RFC 8445 5.1.2.1);
            // 90 for TCP, below it (RFC 6544 4.2: UDP preferred; the value browsers use).
            const quint32 type = c.tcp ? 90u : 126u;
            const quint32 priority = (type << 24) | (quint32(65535 - foundation) << 8) | 255u;
            line("a=candidate:" + QByteArray::number(foundation++) + (c.tcp ? " 1 tcp " : " 1 udp ") +
                 QByteArray::number(priority) + ' ' + c.address.toString().toLatin1() + ' ' +
                 QByteArray::number(c.port) + (c.tcp ? " typ host tcptype passive" : " typ host"));
        }
        line("a=end-of-candidates");
    }
    return out;
}

}  // namespace hlscam::sdp
