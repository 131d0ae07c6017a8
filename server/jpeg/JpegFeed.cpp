#include "jpeg/JpegFeed.h"

#include "camera/Camera.h"
#include "jpeg/JpegEncoder.h"

namespace hlscam {

namespace {
// Encodes of different sizes waiting at once: a client asking for every width in turn gets 503s
// rather than a queue of work. The cache keeps as many sizes of the newest frame.
constexpr qsizetype kMaxPending = 4;
constexpr qsizetype kMaxCached = 4;
}  // namespace

JpegFeed::JpegFeed(Camera *camera, QObject *parent)
    : QObject(parent),
      m_camera(camera)
{
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("jpeg-%1").arg(camera->name()));
}

JpegFeed::~JpegFeed() { m_pool.waitForDone(); }

void JpegFeed::request(int width, int quality, Done done)
{
    const TappedPicture tapped = m_camera->latestPicture();
    if (tapped.picture.isNull()) {
        done(Error{Fault::UnsupportedFormat,
                   tapped.h264Only
                       ? QStringLiteral("this camera delivers H.264 that is streamed as it is (encoder copy): "
                                        "snapshots and MJPEG need its pictures decoded, which is not supported yet")
                       : QStringLiteral("the camera has no picture (not streaming)")});
        return;
    }
    const Key key{tapped.number, width, quality};
    for (const auto &[cached, jpeg] : std::as_const(m_cache))
        if (cached == key) {
            done(jpeg);
            return;
        }
    for (Pending &p : m_pending)
        if (p.key == key) {
            p.waiting.append(std::move(done));
            return;
        }
    if (m_pending.size() >= kMaxPending) {
        done(Error{Fault::Busy, QStringLiteral("too many snapshot sizes asked for at once")});
        return;
    }
    m_pending.append(Pending{key, tapped.wallUs, {std::move(done)}});
    // The picture's bytes are shared with the pipeline, not copied.
    m_pool.start([this, picture = tapped.picture, key, wallUs = tapped.wallUs] {
        const Result<QByteArray> jpeg = encodeJpeg(picture, key.width, key.quality);
        QMetaObject::invokeMethod(
            this, [this, key, wallUs, jpeg] { finished(key, wallUs, jpeg); }, Qt::QueuedConnection);
    });
}

void JpegFeed::finished(const Key &key, qint64 wallUs, const Result<QByteArray> &result)
{
    QList<Done> waiting;
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it)
        if (it->key == key) {
            waiting = std::move(it->waiting);
            m_pending.erase(it);
            break;
        }
    if (!result.ok()) {
        for (const Done &done : std::as_const(waiting))
            done(result.error());
        return;
    }
    const Jpeg jpeg{result.value(), wallUs, key.frame};
    // Only the newest frame is worth keeping: older entries go, and a late older one is not kept.
    m_cache.removeIf([&](const auto &entry) { return entry.first.frame < key.frame; });
    const bool newest = m_cache.isEmpty() || m_cache.first().first.frame == key.frame;
    if (newest) {
        if (m_cache.size() >= kMaxCached)
            m_cache.removeFirst();
        m_cache.append({key, jpeg});
    }
    for (const Done &done : std::as_const(waiting))
        done(jpeg);
}

}  // namespace hlscam
