#include "jpeg/JpegFeed.h"

#include "camera/Camera.h"
#include "jpeg/JpegEncoder.h"
#include "plugin/FfmpegModule.h"

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
    // A camera whose H.264 is passed through: its newest key frame, decoded when asked.
    const bool keyFrame = tapped.picture.isNull() && tapped.h264Only;
    if (keyFrame && tapped.keyFrame.isEmpty()) {
        done(Error{Fault::UnsupportedFormat, QStringLiteral("the camera has not sent a key frame yet")});
        return;
    }
    if (tapped.picture.isNull() && !keyFrame) {
        done(Error{Fault::UnsupportedFormat, QStringLiteral("the camera has no picture (not streaming)")});
        return;
    }
    const Key key{keyFrame ? tapped.keyNumber : tapped.number, width, quality};
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
    const qint64 wallUs = keyFrame ? tapped.keyWallUs : tapped.wallUs;
    m_pending.append(Pending{key, wallUs, {std::move(done)}});
    // The picture's (or key frame's) bytes are shared with the pipeline, not copied.
    m_pool.start([this, tapped, keyFrame, key, wallUs] {
        const Result<QByteArray> jpeg = [&]() -> Result<QByteArray> {
            if (!keyFrame)
                return encodeJpeg(tapped.picture, key.width, key.quality);
            const Result<Picture> picture = decodedKeyFrame(tapped);
            if (!picture.ok())
                return picture.error();
            return encodeJpeg(picture.value(), key.width, key.quality);
        }();
        QMetaObject::invokeMethod(
            this, [this, key, wallUs, jpeg] { finished(key, wallUs, jpeg); }, Qt::QueuedConnection);
    });
}

Result<Picture> JpegFeed::decodedKeyFrame(const TappedPicture &tapped)
{
    if (m_decoded.number == tapped.keyNumber && !m_decoded.picture.isNull())
        return m_decoded.picture;
    if (!m_decoder) {
        // Only now: a camera that is never asked for a snapshot never loads FFmpeg.
        const Result<FfmpegBackend *> backend = ffmpegBackend();
        if (!backend.ok())
            return backend.error();
        m_decoder = backend.value()->keyFrameDecoder();
    }
    Result<Picture> picture = m_decoder->decode(tapped.keyExtradata, tapped.keyFrame);
    if (picture.ok())
        m_decoded = {tapped.keyNumber, picture.value()};
    return picture;
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
