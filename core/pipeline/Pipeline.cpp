#include "pipeline/Pipeline.h"

#include "Clock.h"
#include "Logging.h"
#include "capture/DeviceCatalog.h"
#include "capture/TestPatternSource.h"
#include "capture/UnavailableSource.h"
#include "encode/EncoderChain.h"
#include "hls/Fmp4Packager.h"
#include "plugin/FfmpegModule.h"

#include <QDateTime>
#include <QThread>

namespace hlscam {

namespace {
// A camera that comes back is streaming again within about a second (as µStreamer's default
// device-error delay); retrying an open() that often costs nothing.
constexpr int kFirstRetryMs = 250;
constexpr int kMaxRetryMs = 1000;
constexpr qint64 kHealthyRunUs = 10'000'000;  // a run this long resets the backoff

// Media sequence numbers start from the clock (two per segment duration), so a restarted
// service never reuses a URL that a caching proxy may still hold from the previous run.
qint64 firstMsn(int segmentMs) { return QDateTime::currentMSecsSinceEpoch() / qMax(1, segmentMs / 2); }

}  // namespace

Pipeline::Pipeline(const CameraSettings &camera, const HlsSettings &hls, QObject *parent)
    : Camera(parent),
      m_configured(camera),
      m_camera(camera),
      m_hls(hls),
      m_store(std::make_unique<SegmentStore>(firstMsn(hls.segmentMs), hls.windowSegments + 2))
{}

Pipeline::~Pipeline() { stop(); }

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
    if (!m_thread) {
        m_camera = camera;
        return;
    }
    QMutexLocker lock(&m_mutex);
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
    if (device == QLatin1String("testpattern"))
        return std::make_unique<TestPatternSource>(c.width, c.height, c.fps);
    // Cameras and files are read with FFmpeg, from the module loaded on this first use.
    const Result<FfmpegBackend *> loaded = ffmpegBackend();
    if (!loaded.ok())
        return std::make_unique<UnavailableSource>(device, loaded.error().message);
    FfmpegBackend *ffmpeg = loaded.value();
    if (device.startsWith(QLatin1String("/dev/")))
        return ffmpeg->camera(device, c.width, c.height, c.fps, decodeH264);
    return ffmpeg->file(device, c.width, c.height, decodeH264);
}

void Pipeline::sleepInterruptible(int ms)
{
    for (int slept = 0; slept < ms && !m_interrupt; slept += 50)
        QThread::msleep(50);
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
        if (const Error err = source->open()) {
            setState(CameraState::Retrying, err);
        } else if (streamOnce(*source)) {
            retryMs = kFirstRetryMs;
        }
        if (m_stop)
            break;
        if (m_interrupt)
            continue;  // new settings: open again at once
        sleepInterruptible(retryMs);
        retryMs = qMin(retryMs * 2, kMaxRetryMs);
    }
    setState(CameraState::Stopped);
}

bool Pipeline::streamOnce(Source &source)
{
    EncoderOptions options;
    options.width = m_camera.width;
    options.height = m_camera.height;
    options.fps = m_camera.fps;
    options.bitrateKbps = m_camera.bitrateKbps;
    options.gopFrames = qMax(1, m_camera.fps * m_hls.segmentMs / 1000);
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
    const qint64 startedUs = monotonicUs();
    std::vector<EncodedPacket> packets;
    Error error;
    while (!m_interrupt) {
        Capture capture;
        if (source.read(capture) == ReadStatus::Failed) {
            error = source.lastError();
            break;
        }
        const bool forceKey = capture.monoUs - lastKeyUs >= segmentUs - halfFrameUs;
        if (forceKey)
            lastKeyUs = capture.monoUs;
        packets.clear();
        error = choice.encoder->push(capture, forceKey, packets);
        for (const EncodedPacket &p : packets) {
            if (error)
                break;
            error = packager.write(p, choice.encoder->parameters());
        }
        if (error)
            break;
        bool first = false;
        {
            QMutexLocker lock(&m_mutex);
            first = m_status.framesCaptured++ == 0 || m_status.state != CameraState::Streaming;
        }
        if (first && packager.started())
            setState(CameraState::Streaming);
    }
    packager.finish();
    if (error && !m_interrupt)
        setState(CameraState::Retrying, error);
    return monotonicUs() - startedUs >= kHealthyRunUs;
}

}  // namespace hlscam
