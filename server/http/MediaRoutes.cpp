#include "http/MediaRoutes.h"
#include "Limits.h"

#include "camera/Camera.h"
#include "hls/PlaylistWriter.h"
#include "hls/SegmentStore.h"
#include "http/ByteRange.h"

namespace hlscam {

namespace {
// Media never change under a URL (the sequence numbers start from the clock at each start), so
// browsers may keep them; without `public`, shared caches skip authenticated answers. A Range
// asking for one slice gets it (206) as a view into the shared bytes, never a copy.
Response media(const QByteArray &data, const QByteArray &type, bool immutable, const QByteArray &range)
{
    const ByteRange slice = resolveByteRange(range, data.size());
    Response r = slice.kind == ByteRange::Kind::Unsatisfiable
                     ? Response::text(Status::RequestRangeNotSatisfiable, "range not satisfiable")
                     : Response::content(type, data, immutable ? "max-age=3600, immutable" : "no-cache");
    r.header("Accept-Ranges", "bytes");
    if (slice.kind != ByteRange::Kind::Whole)
        r.header("Content-Range", slice.contentRange(data.size()));
    if (slice.kind == ByteRange::Kind::Partial) {
        r.status = Status::PartialContent;
        r.offset = slice.offset;
        r.length = slice.length;
    }
    return r;
}

Response notFound() { return Response::text(Status::NotFound, "not found"); }

Response unavailable(const QByteArray &why)
{
    return Response::text(Status::ServiceUnavailable, why).header("Retry-After", "1");
}
}  // namespace

MediaRoutes::MediaRoutes(const QList<Camera *> &cameras, const HlsSettings &hls, int maxHeld, QObject *parent)
    : QObject(parent),
      m_hls(hls),
      m_maxHeld(maxHeld)
{
    for (Camera *p : cameras) {
        m_cameras.insert(p->name(), p);
        connect(p->store(), &SegmentStore::changed, this, &MediaRoutes::answerHeld, Qt::QueuedConnection);
    }
    m_expiry.setInterval(250);
    connect(&m_expiry, &QTimer::timeout, this, &MediaRoutes::answerHeld);
}

Response MediaRoutes::playlist(Camera *camera, const MediaRequest &request, const LowLatencyQuery &ll) const
{
    PlaylistOptions options;
    options.uriQuery = request.uriQuery;
    options.windowSegments = m_hls.windowSegments;
    options.targetDurationMs = m_hls.segmentMs;
    options.partTargetMs = m_hls.partMs;
    options.skip = ll.skip;
    // The answer to a blocking reload names a moment that has passed: it stays true, so caches
    // may keep it and answer everyone who asks for the same part with one request to us.
    const QByteArray cache = ll.msn ? "max-age=" + QByteArray::number(skipUntilUs(options) / 1000000) : "no-cache";
    return Response::content("application/vnd.apple.mpegurl", writePlaylist(camera->store()->snapshot(), options),
                             cache);
}

Readiness MediaRoutes::readiness(const Held &held) const
{
    const SegmentStore *store = held.camera->store();
    const MediaPath &path = held.request.path;
    if (path.kind == MediaPath::Kind::Part)
        return partReadiness(store->progress(path.number), store->position(), path.number, path.part);
    return playlistReadiness(store->position(), held.lowLatency, m_hls);
}

Response MediaRoutes::answerFor(const Held &held, Readiness readiness) const
{
    const bool isPart = held.request.path.kind == MediaPath::Kind::Part;
    if (readiness == Readiness::Ready) {
        if (!isPart)
            return playlist(held.camera, held.request, held.lowLatency);
        const std::optional<QByteArray> data =
            held.camera->store()->part(held.request.path.number, held.request.path.part);
        return data ? media(*data, "video/iso.segment", true, held.request.range) : notFound();
    }
    if (isPart)
        return notFound();
    if (readiness == Readiness::Never)
        return Response::text(Status::BadRequest, "_HLS_msn/_HLS_part is too far ahead of the stream");
    return unavailable(held.lowLatency.msn ? "the requested part did not come in time" : "camera not streaming yet");
}

void MediaRoutes::hold(Held &&held)
{
    const Readiness now = readiness(held);
    if (now != Readiness::Wait) {
        send(held.responder, answerFor(held, now), held.request.headOnly, routeName(held.request.path.kind));
    } else if (m_held.size() >= size_t(m_maxHeld)) {
        send(held.responder, unavailable("too many waiting requests"), held.request.headOnly,
             routeName(held.request.path.kind));
    } else {
        m_held.push_back(std::move(held));
        m_expiry.start();
    }
}

void MediaRoutes::handle(const MediaRequest &request, QHttpServerResponder &&responder, QTcpSocket *socket)
{
    const MediaPath &path = request.path;
    const bool headOnly = request.headOnly;
    Camera *camera = m_cameras.value(path.camera);
    if (!camera) {
        send(responder, notFound(), headOnly, routeName(path.kind));
        return;
    }
    const SegmentStore *store = camera->store();
    // A blocking reload waits up to three target durations (the spec's bound), the very first
    // playlist until the camera has made a segment; the hinted part as long as a segment lasts.
    const int blockMs = 3 * qMax(1000, m_hls.segmentMs);
    std::optional<QByteArray> data;
    switch (path.kind) {
    case MediaPath::Kind::Playlist: {
        const Result<LowLatencyQuery> lowLatency = parseLowLatencyQuery(request.query);
        if (!lowLatency.ok()) {
            send(responder, Response::text(Status::BadRequest, lowLatency.error().message.toUtf8()), headOnly,
                 routeName(path.kind));
            return;
        }
        Held held{std::move(responder), socket, camera, request, lowLatency.value(), {}};
        held.deadline = QDeadlineTimer(store->position().firstMsn < 0 ? limits::kFirstSegmentWaitMs : blockMs);
        hold(std::move(held));
        return;
    }
    case MediaPath::Kind::Part:
        hold(Held{std::move(responder), socket, camera, request, {}, QDeadlineTimer(blockMs)});
        return;
    case MediaPath::Kind::LatestInit:
        data = store->latestInit();
        send(responder, data ? media(*data, "video/mp4", false, request.range) : notFound(), headOnly,
             routeName(path.kind));
        return;
    case MediaPath::Kind::Init:
        data = store->init(path.number);
        send(responder, data ? media(*data, "video/mp4", true, request.range) : notFound(), headOnly,
             routeName(path.kind));
        return;
    case MediaPath::Kind::Segment:
        data = store->segment(path.number);
        send(responder, data ? media(*data, "video/iso.segment", true, request.range) : notFound(), headOnly,
             routeName(path.kind));
        return;
    case MediaPath::Kind::Snapshot:  // served by JpegRoutes
    case MediaPath::Kind::Mjpeg:
    case MediaPath::Kind::Invalid: break;
    }
    send(responder, notFound(), headOnly, routeName(path.kind));
}

void MediaRoutes::answerHeld()
{
    for (auto it = m_held.begin(); it != m_held.end();) {
        if (!it->socket || it->socket->state() != QAbstractSocket::ConnectedState) {
            it = m_held.erase(it);  // the viewer left; its socket may already be gone
            continue;
        }
        const Readiness r = readiness(*it);
        if (r == Readiness::Wait && !it->deadline.hasExpired()) {
            ++it;
            continue;
        }
        send(it->responder, answerFor(*it, r), it->request.headOnly, routeName(it->request.path.kind));
        it = m_held.erase(it);
    }
    if (m_held.empty())
        m_expiry.stop();
}

}  // namespace hlscam
