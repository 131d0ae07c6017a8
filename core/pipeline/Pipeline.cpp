#include "pipeline/Pipeline.h"

#include "Clock.h"
#include "Logging.h"
#include "capture/CommandSource.h"
#include "capture/DeviceCatalog.h"
#include "capture/DeviceWatcher.h"
#include "capture/LogBudget.h"
#include "capture/TestPatternSource.h"
#include "capture/UnavailableSource.h"
#include "encode/EncoderChain.h"
#include "hls/Fmp4Packager.h"
#include "plugin/FfmpegModule.h"
#include "v4l2/V4l2Controls.h"
#include "v4l2/V4l2Source.h"

#include <QDateTime>
#include <QPointer>
#include <QThread>

namespace hlscam {

namespace {
// A camera that comes back is streaming again within about a second (as µStreamer's default
// device-error delay); retrying an open() that often costs nothing.
constexpr int kFirstRetryMs = 250;
constexpr int kMaxRetryMs = 1000;
constexpr qint64 kHealthyRunUs = 10'000'000;  // a run this long resets the backoff
// A camera's command may print a few dozen lines as it starts; then one line in five seconds.
constexpr int kCommandLogBurst = 40;
constexpr qint64 kCommandLogRefillUs = 5'000'000;

// Every segment starts with a key frame: the GOP is the segment duration.
int gopFrames(const CameraSettings &camera, const HlsSettings &hls)
{
    return qMax(1, camera.fps * hls.segmentMs / 1000);
}

// An unplugged camera is waited for on the DeviceWatcher: it wakes the retry as soon as a node
// or link appears. This is only the ceiling in case a change goes unseen.
constexpr int kDeviceGoneWaitMs = 5000;

bool isCameraDevice(const QString &device) { return device.startsWith(QLatin1String("/dev/")); }

// Key frames viewers ask for (WebRTC PLI/FIR, a new viewer) come at most this often: a viewer
// on a lossy link asking for one per lost packet must not turn the stream into all key frames.
constexpr qint64 kRequestedKeyIntervalUs = 500'000;

// Media sequence numbers start from the clock (two per segment duration), so a restarted
// service never reuses a URL that a caching proxy may still hold from the previous run.
qint64 firstMsn(int segmentMs) { return QDateTime::currentMSecsSinceEpoch() / qMax(1, segmentMs / 2); }

}  // namespace

Pipeline::Pipeline(const CameraSettings &camera, const HlsSettings &hls, QObject *parent)
    : Camera(parent),
      m_configured(camera),
      m_camera(camera),
      m_hls(hls),
      m_store(std::make_unique<SegmentStore>(firstMsn(hls.segmentMs), hls.windowSegments + 2)),
      m_commandLog(std::make_unique<LogBudget>(kCommandLogBurst, kCommandLogRefillUs)),
      m_device(isCameraDevice(camera.device) ? camera.device : QString()),
      m_controls(camera.controls)
{
    m_controlsPool.setMaxThreadCount(1);  // in order: a read after a write sees it
}

Pipeline::~Pipeline()
{
    stop();
    m_controlsPool.waitForDone();
}

void Pipeline::start()
{
    if (m_thread)
        return;
    m_stop = false;
    m_interrupt = false;
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(QStringLiteral("pipeline-%1").arg(m_configured.name));
    m_thread->start();
}

void Pipeline::stop()
{
    if (!m_thread)
        return;
    {
        QMutexLocker lock(&m_mutex);
        m_stop = true;
        m_interrupt = true;
    }
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

void Pipeline::reconfigure(const CameraSettings &camera)
{
    Q_ASSERT(camera.name == m_configured.name);
    m_configured = camera;
    QMutexLocker lock(&m_mutex);
    m_controls = camera.controls;
    if (!m_thread) {
        m_camera = camera;
        m_device = isCameraDevice(camera.device) ? camera.device : QString();
        return;
    }
    m_pending = camera;
    m_interrupt = true;  // the worker leaves its read or its retry wait, and takes them
}

bool Pipeline::takeNewSettings()
{
    // Under the lock that stop() and reconfigure() set the flags with: none is lost.
    QMutexLocker lock(&m_mutex);
    m_interrupt = m_stop.load();
    if (!m_pending)
        return false;
    m_camera = *m_pending;
    m_pending.reset();
    m_status = CameraStatus{};
    return true;
}

CameraStatus Pipeline::status() const
{
    QMutexLocker lock(&m_mutex);
    return m_status;
}

void Pipeline::updateStatus(const std::function<void(CameraStatus &)> &change)
{
    bool changed = false;
    {
        QMutexLocker lock(&m_mutex);
        CameraStatus before = m_status;
        change(m_status);
        before.framesCaptured = m_status.framesCaptured;  // not worth a signal
        before.framesDropped = m_status.framesDropped;
        changed = !(before == m_status);
    }
    if (changed)
        Q_EMIT statusChanged();
}

void Pipeline::setState(CameraState state, const Error &error)
{
    updateStatus([&](CameraStatus &status) {
        // Each state change and each new error is logged once, not once per retry.
        if (state != status.state || error.message != status.lastError) {
            if (error)
                qCWarning(lcPipeline).noquote() << m_camera.name << cameraStateName(state) << "-" << error.message
                                                << QStringLiteral("(%1)").arg(faultName(error.fault));
            else
                qCInfo(lcPipeline).noquote() << m_camera.name << cameraStateName(state);
        }
        status.state = state;
        if (error || state == CameraState::Streaming) {
            status.lastError = error.message;
            status.fault = error.fault;
        }
    });
}

std::unique_ptr<Source> Pipeline::makeSource()
{
    const CameraSettings &c = m_camera;
    const bool decodeH264 = c.encoder != QLatin1String("auto") && c.encoder != QLatin1String("copy");
    QString device = c.device;
    if (device == QLatin1String("auto")) {
        const QList<DeviceInfo> devices = listCaptureDevices();
        if (devices.isEmpty()) {
            qCInfo(lcCapture).noquote()
                << c.name << "no camera found (no V4L2 capture device under /dev): streaming the test pattern";
            device = QStringLiteral("testpattern");
        } else {
            device = devices.first().path;
            qCInfo(lcCapture).noquote() << c.name << "using camera" << device << devices.first().card;
        }
        m_camera.device = device;  // decide once: a camera that fails later is retried, not swapped
    }
    {
        QMutexLocker lock(&m_mutex);
        m_device = isCameraDevice(device) ? device : QString();
    }
    const bool autoSize = c.width == 0 || c.height == 0;
    if (device == QLatin1String("testpattern"))
        return autoSize ? std::make_unique<TestPatternSource>(CameraSettings{}.width, CameraSettings{}.height, c.fps)
                        : std::make_unique<TestPatternSource>(c.width, c.height, c.fps);
    if (device == QLatin1String("rpicam") || device.startsWith(QLatin1String("exec:"))) {
        // A program's H.264 is passed through: decoding it would need the FFmpeg module.
        if (decodeH264)
            return std::make_unique<UnavailableSource>(
                device.left(80), QStringLiteral("it gives H.264, which is passed through: set encoder = auto or copy"),
                Fault::UnsupportedFormat);
        if (device == QLatin1String("rpicam"))
            return CommandSource::rpicam(c, gopFrames(c, m_hls), m_commandLog.get());
        return CommandSource::exec(c.name, device.mid(5), c.fps, m_commandLog.get());
    }
    // Cameras (/dev/videoN, /dev/v4l/by-id/...) are read natively: a camera never loads FFmpeg.
    if (device.startsWith(QLatin1String("/dev/"))) {
        V4l2Options v;
        v.device = device;
        v.size = autoSize ? QSize() : QSize(c.width, c.height);
        v.fps = c.fps;
        v.fit = c.fit == QLatin1String("pad") ? Fit::Pad : Fit::Crop;
        v.format = c.format;
        v.passthroughH264 = !decodeH264;
        v.bitrateKbps = c.bitrateKbps;
        v.gopFrames = gopFrames(c, m_hls);
        return std::make_unique<V4l2Source>(v);
    }
    // Files are read with FFmpeg, from the module loaded on this first use.
    const Result<FfmpegBackend *> loaded = ffmpegBackend();
    if (!loaded.ok())
        return std::make_unique<UnavailableSource>(device, loaded.error().message, loaded.error().fault);
    return loaded.value()->file(device, autoSize ? 0 : c.width, autoSize ? 0 : c.height, decodeH264);
}

void Pipeline::waitBeforeRetry(int ms)
{
    if (!m_watcher) {
        for (int slept = 0; slept < ms && !m_interrupt; slept += 50)
            QThread::msleep(50);
        return;
    }
    Fault fault = Fault::None;
    {
        QMutexLocker lock(&m_mutex);
        fault = m_status.fault;
    }
    const bool gone = fault == Fault::NoDevice && m_watcher->watching();
    if (m_watcher->wait(gone ? kDeviceGoneWaitMs : ms, m_interrupt))
        qCDebug(lcCapture).noquote() << m_camera.name << "a video device changed: opening again";
}

QString Pipeline::controlsDevice() const
{
    QMutexLocker lock(&m_mutex);
    return m_device;
}

void Pipeline::applySavedControls(const QString &device)
{
    ControlValues saved;
    {
        QMutexLocker lock(&m_mutex);
        saved = m_controls;
    }
    if (saved.isEmpty() || !isCameraDevice(device))
        return;
    const Result<QList<CameraControl>> listed = readV4l2Controls(device);
    if (!listed.ok()) {
        qCWarning(lcCapture).noquote() << m_camera.name << "controls not applied:" << listed.error().message;
        return;
    }
    // Those this camera has and takes: a kept value another camera does not know is skipped.
    ControlValues apply;
    for (auto it = saved.cbegin(); it != saved.cend(); ++it) {
        const CameraControl *c = findControl(listed.value(), it.key());
        const Error refused = c ? checkControlValue(*c, it.value())
                                : Error{Fault::InvalidValue, it.key() + QStringLiteral(": no such control")};
        if (refused)
            qCWarning(lcCapture).noquote() << m_camera.name << device << "control not applied:" << refused.message;
        else
            apply.insert(it.key(), it.value());
    }
    if (const Error e = writeV4l2Controls(device, apply))
        qCWarning(lcCapture).noquote() << m_camera.name << "controls not applied:" << e.message;
    else if (!apply.isEmpty())
        qCInfo(lcCapture).noquote() << m_camera.name << "controls applied:" << apply.keys().join(QStringLiteral(", "));
}

void Pipeline::readControls(QObject *context, ControlsDone done)
{
    const QString device = controlsDevice();
    QPointer<QObject> receiver(context);
    m_controlsPool.start([this, device, receiver, done = std::move(done)] {
        Result<QList<CameraControl>> result =
            device.isEmpty() ? Result<QList<CameraControl>>(QList<CameraControl>{}) : readV4l2Controls(device);
        // Through this object, on its (the main) thread: the receiver is checked there.
        QMetaObject::invokeMethod(
            this,
            [receiver, done, result = std::move(result)] {
                if (receiver)
                    done(result);
            },
            Qt::QueuedConnection);
    });
}

void Pipeline::writeControls(const ControlValues &values, QObject *context, ControlsDone done)
{
    const QString device = controlsDevice();
    if (device.isEmpty())
        return Camera::writeControls(values, context, std::move(done));
    QPointer<QObject> receiver(context);
    m_controlsPool.start([this, device, values, receiver, done = std::move(done)] {
        const Error written = writeV4l2Controls(device, values);
        Result<QList<CameraControl>> result =
            written ? Result<QList<CameraControl>>(written) : readV4l2Controls(device);
        ControlValues kept;  // buttons are actions, not settings
        for (auto it = values.cbegin(); !written && it != values.cend(); ++it) {
            const CameraControl *c = result.ok() ? findControl(result.value(), it.key()) : nullptr;
            if (!c || c->type != ControlType::Button)
                kept.insert(it.key(), it.value());
        }
        {
            QMutexLocker lock(&m_mutex);
            // The analyzer takes a path through Qt's QMap::insert(map) where the map it found non-empty
            // has no data (a false "null object"):
            // NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage)
            m_controls.insert(kept);
        }
        QMetaObject::invokeMethod(
            this,
            [this, kept, receiver, done, result = std::move(result)] {
                m_configured.controls.insert(kept);
                if (receiver)
                    done(result);
            },
            Qt::QueuedConnection);
    });
}

void Pipeline::run()
{
    int retryMs = kFirstRetryMs;
    while (!m_stop) {
        if (takeNewSettings()) {
            retryMs = kFirstRetryMs;
            Q_EMIT statusChanged();
        }
        std::unique_ptr<Source> source = makeSource();
        source->setStopFlag(&m_interrupt);
        updateStatus([&](CameraStatus &status) { status.source = source->description(); });
        if (!m_watcher && isCameraDevice(m_camera.device))
            m_watcher = std::make_unique<DeviceWatcher>(QStringLiteral("/dev"), m_camera.device);
        if (m_watcher)
            m_watcher->drain();  // a change from now on wakes the wait after a failed open
        if (const Error err = source->open()) {
            if (!m_interrupt)  // an open given up for new settings or a stop is no failure
                setState(CameraState::Retrying, err);
        } else {
            applySavedControls(m_camera.device);
            if (streamOnce(*source))
                retryMs = kFirstRetryMs;
        }
        if (m_stop)
            break;
        if (m_interrupt)
            continue;  // new settings: open again at once
        waitBeforeRetry(retryMs);
        retryMs = qMin(retryMs * 2, kMaxRetryMs);
    }
    setState(CameraState::Stopped);
}

bool Pipeline::streamOnce(Source &source)
{
    EncoderOptions options;
    // A source asked for its own size (auto) says which it gave.
    const QSize size = source.pictureSize().isEmpty() ? QSize(m_camera.width, m_camera.height) : source.pictureSize();
    options.width = size.width();
    options.height = size.height();
    options.fps = m_camera.fps;
    options.bitrateKbps = m_camera.bitrateKbps;
    options.gopFrames = gopFrames(m_camera, m_hls);
    EncoderChoice choice = openEncoder(m_camera.encoder, source.h264Parameters(), options);
    if (!choice.encoder) {
        setState(CameraState::Retrying, choice.error);
        return false;
    }
    for (const QString &why : std::as_const(choice.passedOver))
        qCInfo(lcEncode).noquote() << m_camera.name << "passed over" << why;
    qCInfo(lcEncode).noquote() << m_camera.name << "encoding with" << choice.encoder->name() << "from"
                               << source.description();
    updateStatus([&](CameraStatus &status) {
        status.source = source.description();
        status.encoder = choice.encoder->name();
        status.encoderPassedOver = choice.passedOver;
    });

    Fmp4Packager packager(*m_store, {m_hls.segmentMs, m_hls.partMs, m_camera.fps});
    const qint64 segmentUs = m_hls.segmentMs * 1000LL;
    const qint64 halfFrameUs = 500000 / m_camera.fps;
    qint64 lastKeyUs = std::numeric_limits<qint64>::min() / 2;
    qint64 lastRequestedKeyUs = std::numeric_limits<qint64>::min() / 2;
    const qint64 startedUs = monotonicUs();
    std::vector<EncodedPacket> packets;
    Error error;
    while (!m_interrupt) {
        Capture capture;
        if (source.read(capture) == ReadStatus::Failed) {
            error = source.lastError();
            break;
        }
        tapPicture(capture, source.h264Parameters());
        bool forceKey = capture.monoUs - lastKeyUs >= segmentUs - halfFrameUs;
        if (forceKey)
            lastKeyUs = capture.monoUs;
        // A viewer's request: an extra key frame inside the segment (the segment clock above is
        // left alone, so segments keep their duration).
        if (m_keyFrameWanted && capture.monoUs - lastRequestedKeyUs >= kRequestedKeyIntervalUs) {
            m_keyFrameWanted = false;
            lastRequestedKeyUs = capture.monoUs;
            if (!forceKey) {
                forceKey = true;
                QMutexLocker lock(&m_mutex);
                ++m_status.keyFramesRequested;
            }
        }
        packets.clear();
        error = choice.encoder->push(capture, forceKey, packets);
        for (const EncodedPacket &p : packets) {
            if (error)
                break;
            m_feed->publish(p, choice.encoder->parameters());  // WebRTC first: it waits for no part
            error = packager.write(p, choice.encoder->parameters());
        }
        if (error)
            break;
        bool first = false;
        {
            QMutexLocker lock(&m_mutex);
            first = m_status.framesCaptured++ == 0 || m_status.state != CameraState::Streaming;
            m_status.framesDropped += capture.droppedBefore;
        }
        if (first && packager.started())
            setState(CameraState::Streaming);
    }
    packager.finish();
    clearTappedPicture();  // a snapshot of a camera that stopped would show a stale moment
    if (error && !m_interrupt)
        setState(CameraState::Retrying, error);
    return monotonicUs() - startedUs >= kHealthyRunUs;
}

// --- Raw-frame tap (snapshots, MJPEG; issue 19) ---

TappedPicture Pipeline::latestPicture() const
{
    QMutexLocker lock(&m_tapMutex);
    return m_tapped;
}

void Pipeline::tapPicture(const Capture &capture, const H264Parameters *h264)
{
    {
        QMutexLocker lock(&m_tapMutex);
        m_tapped.picture = capture.picture;  // shares the bytes: no copy
        m_tapped.wallUs = capture.wallUs;
        m_tapped.h264Only = capture.picture.isNull() && !capture.h264.isEmpty();
        ++m_tapped.number;
        if (m_tapped.h264Only && capture.h264Key) {
            m_tapped.keyFrame = capture.h264;  // shared too; kept until the next key frame
            m_tapped.keyExtradata = h264 ? h264->extradata : QByteArray();
            m_tapped.keyWallUs = capture.wallUs;
            m_tapped.keyNumber = m_tapped.number;
        }
    }
    Q_EMIT pictureCaptured();
}

void Pipeline::clearTappedPicture()
{
    QMutexLocker lock(&m_tapMutex);
    m_tapped.picture = {};
    m_tapped.h264Only = false;
    m_tapped.keyFrame = {};
    m_tapped.keyExtradata = {};
}

}  // namespace hlscam
