#include "v4l2/V4l2Source.h"

#include "Clock.h"
#include "Logging.h"
#include "hls/H264Bitstream.h"
#include "v4l2/PictureConverter.h"

#include <linux/videodev2.h>

#include <algorithm>

namespace hlscam {

namespace {

// A camera that sends nothing for this long is stuck: it is closed and opened again.
constexpr qint64 kStallTimeoutUs = 5'000'000;
// How long one wait for a frame lasts before the stop flag is looked at again.
constexpr int kPollMs = 100;
constexpr int kBufferCount = 4;

struct FormatName {
    const char *name;
    quint32 fourcc;
};
// In the order auto prefers them: what the camera encodes costs nothing, raw costs a copy,
// MJPEG a decode. A rate the camera gives only in MJPEG still wins (see chooseMode).
constexpr FormatName kFormats[] = {
    {"h264", V4L2_PIX_FMT_H264}, {"yuyv", V4L2_PIX_FMT_YUYV},   {"uyvy", V4L2_PIX_FMT_UYVY},
    {"nv12", V4L2_PIX_FMT_NV12}, {"yu12", V4L2_PIX_FMT_YUV420}, {"mjpeg", V4L2_PIX_FMT_MJPEG},
};

// Drivers that do not set V4L2_BUF_FLAG_KEYFRAME: an access unit with an IDR slice is one.
bool hasIdrSlice(const QByteArray &au)
{
    const QList<QByteArrayView> nals = h264::splitAnnexB(au);
    return std::any_of(nals.begin(), nals.end(),
                       [](QByteArrayView nal) { return h264::nalType(nal) == h264::kNalIdr; });
}

QString sizeText(QSize s) { return QStringLiteral("%1x%2").arg(s.width()).arg(s.height()); }

}  // namespace

V4l2Source::V4l2Source(V4l2Options options)
    : m_options(std::move(options)),
      m_description(m_options.device)
{}

V4l2Source::~V4l2Source() = default;

QStringList V4l2Source::formatNames()
{
    QStringList names;
    for (const FormatName &f : kFormats)
        names.append(QLatin1String(f.name));
    return names;
}

QList<quint32> V4l2Source::wantedFormats() const
{
    QList<quint32> formats;
    for (const FormatName &f : kFormats) {
        const bool named = m_options.format == QLatin1String(f.name);
        if (m_options.format != QLatin1String("auto") && !named)
            continue;
        if (f.fourcc == V4L2_PIX_FMT_H264 && !m_options.passthroughH264)
            continue;  // an encoder is named: it would need H.264 decoded, which core does not
        formats.append(f.fourcc);
    }
    return formats;
}

Error V4l2Source::open()
{
    m_error = {};
    m_first = true;
    m_converter.reset();
    m_device = std::make_unique<V4l2Device>();
    if (Error e = m_device->open(m_options.device)) {
        // Every attempt at debug level; the pipeline warns once per change.
        qCDebug(lcCapture).noquote() << "cannot open" << e.message;
        return e;
    }
    const QString &path = m_options.device;
    const QList<CameraMode> modes = m_device->modes(m_options.size);
    const ModeRequest request{m_options.size, m_options.fps, wantedFormats(), m_device->currentSize()};
    const ModeChoice choice = chooseMode(modes, request);
    if (!choice.fourcc) {
        QStringList offered;
        for (const CameraMode &m : modes)
            if (!offered.contains(fourccName(m.fourcc)))
                offered.append(fourccName(m.fourcc));
        return {Fault::UnsupportedFormat,
                QStringLiteral("%1 (%2) offers %3; none of them can be used with format = %4%5")
                    .arg(path, m_device->card(),
                         offered.isEmpty() ? QStringLiteral("no format") : offered.join(QStringLiteral(", ")),
                         m_options.format,
                         m_options.passthroughH264 ? QString()
                                                   : QStringLiteral(" and an encoder named (H.264 is only copied)"))};
    }
    Result<V4l2Device::Format> format = m_device->setFormat(choice.fourcc, choice.size);
    if (!format.ok())
        return format.error();
    m_format = format.value();
    if (m_format.fourcc != choice.fourcc)
        return {Fault::UnsupportedFormat, QStringLiteral("%1: asked for %2, the driver set %3")
                                              .arg(path, fourccName(choice.fourcc), fourccName(m_format.fourcc))};
    const double rate = m_device->setFrameRate(choice.fps);
    m_h264 = m_format.fourcc == V4L2_PIX_FMT_H264;
    // H.264 is copied as it comes: it cannot be scaled, so it is sent at the camera's size.
    m_sent = m_options.size.isEmpty() || m_h264 ? m_format.size : m_options.size;
    if (m_h264) {
        setEncoderControls();
        m_h264Parameters = {m_format.size.width(), m_format.size.height(), {}};
    } else {
        if (!PictureConverter::handles(m_format.fourcc))
            return {Fault::UnsupportedFormat,
                    QStringLiteral("%1: %2 is not a format hlscam reads").arg(path, fourccName(m_format.fourcc))};
        m_sent = QSize(m_sent.width() & ~1, m_sent.height() & ~1);
        m_converter = std::make_unique<PictureConverter>(m_format.fourcc, m_format.size, m_format.bytesPerLine, m_sent,
                                                         m_options.fit);
    }
    const QString gives = QStringLiteral("%1 %2@%3")
                              .arg(fourccName(m_format.fourcc), sizeText(m_format.size))
                              .arg(rate > 0 ? rate : choice.fps, 0, 'g', 4);
    QString sent = sizeText(m_sent);
    if (!m_h264 && m_sent != m_format.size) {
        const FitGeometry g = fitGeometry(m_format.size, m_sent, m_options.fit);
        sent += m_options.fit == Fit::Crop
                    ? QStringLiteral(" (%1 of the picture, scaled)").arg(sizeText(g.source.size()))
                    : QStringLiteral(" (the picture scaled to %1, black bars)").arg(sizeText(g.target.size()));
    }
    QString asked = (m_options.size.isEmpty() ? QStringLiteral("its own size") : sizeText(m_options.size)) +
                    QStringLiteral("@%1").arg(m_options.fps);
    if (m_options.format != QLatin1String("auto"))
        asked += QStringLiteral(" in ") + m_options.format;
    qCInfo(lcCapture).noquote() << path << m_device->card() << "- asked for" << asked << "- the camera gives" << gives
                                << "- sending" << sent;
    m_description = QStringLiteral("%1 %2").arg(path, gives);
    if (Error e = m_device->startStreaming(kBufferCount))
        return e;
    return {};
}

void V4l2Source::setEncoderControls()
{
    // A camera that encodes (the Pi's legacy camera, some webcams): one key frame per segment,
    // the configured bitrate, and SPS/PPS on every key frame so a player can start at any segment.
    const bool gop = m_device->setControl(V4L2_CID_MPEG_VIDEO_H264_I_PERIOD, m_options.gopFrames);
    const bool bitrate = m_device->setControl(V4L2_CID_MPEG_VIDEO_BITRATE, m_options.bitrateKbps * 1000);
    const bool headers = m_device->setControl(V4L2_CID_MPEG_VIDEO_REPEAT_SEQ_HEADER, 1);
    qCDebug(lcCapture).noquote() << m_options.device << "H.264 controls set: key frame interval" << gop << "bitrate"
                                 << bitrate << "repeat sequence header" << headers;
}

const H264Parameters *V4l2Source::h264Parameters() const { return m_h264 && m_device ? &m_h264Parameters : nullptr; }

void V4l2Source::stamp(const V4l2Device::Frame &frame, Capture &out)
{
    const qint64 nowMono = monotonicUs();
    // The driver's capture time when it is on CLOCK_MONOTONIC (the pipeline's clock); else now.
    qint64 mono = frame.monoUs >= 0 && frame.monoUs <= nowMono ? frame.monoUs : nowMono;
    if (m_first) {
        m_wallMinusMonoUs = wallClockUs() - nowMono;  // once: later wall-clock steps move no frame
        m_lastMonoUs = mono - 1;
    } else {
        const qint64 gap = qint64(frame.sequence) - qint64(m_lastSequence) - 1;
        if (gap > 0 && gap < 1'000'000)
            out.droppedBefore = int(gap);
    }
    mono = qMax(mono, m_lastMonoUs + 1);  // media time never goes back
    m_lastMonoUs = mono;
    m_lastSequence = frame.sequence;
    m_first = false;
    out.monoUs = mono;
    out.wallUs = mono + m_wallMinusMonoUs;
}

ReadStatus V4l2Source::read(Capture &out)
{
    if (!m_device) {
        m_error = {Fault::Other, QStringLiteral("%1: not open").arg(m_options.device)};
        return ReadStatus::Failed;
    }
    const qint64 startUs = monotonicUs();
    Error lastBad;  // why frames were dropped while waiting
    while (!stopRequested()) {
        Result<V4l2Device::Frame> got = m_device->dequeue(kPollMs);
        if (!got.ok()) {
            m_error = got.error();
            return ReadStatus::Failed;
        }
        const V4l2Device::Frame &frame = got.value();
        if (frame.index < 0) {
            if (monotonicUs() - startUs > kStallTimeoutUs) {
                m_error = lastBad ? lastBad
                                  : Error{Fault::Stalled, QStringLiteral("%1: no picture for %2 s")
                                                              .arg(m_options.device)
                                                              .arg(kStallTimeoutUs / 1000000)};
                return ReadStatus::Failed;
            }
            continue;
        }
        bool ok = frame.size > 0;
        if (!ok)
            lastBad = {Fault::Io, QStringLiteral("%1: the driver marked frames as broken").arg(m_options.device)};
        if (ok) {
            stamp(frame, out);
            if (m_h264) {
                out.h264 = QByteArray(reinterpret_cast<const char *>(frame.data), frame.size);
                out.h264Key = frame.key || hasIdrSlice(out.h264);
            } else {
                Result<Picture> picture = m_converter->convert(frame.data, frame.size);
                ok = picture.ok();
                if (ok)
                    out.picture = std::move(picture.value());
                else
                    lastBad = picture.error();
            }
        }
        if (Error e = m_device->requeue(frame.index)) {
            m_error = e;
            return ReadStatus::Failed;
        }
        if (ok)
            return ReadStatus::Ok;
        // One broken frame is dropped, not a reason to reopen the camera; a camera that only
        // sends broken ones is stalled (above), with the reason.
        qCDebug(lcCapture).noquote() << m_options.device << "dropped a frame:" << lastBad.message;
        if (monotonicUs() - startUs > kStallTimeoutUs) {
            m_error =
                lastBad ? lastBad : Error{Fault::Io, QStringLiteral("%1: only broken frames").arg(m_options.device)};
            return ReadStatus::Failed;
        }
    }
    m_error = {Fault::Other, QStringLiteral("%1: stopped").arg(m_options.device)};
    return ReadStatus::Failed;
}

}  // namespace hlscam
