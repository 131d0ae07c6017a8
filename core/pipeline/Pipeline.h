// One camera's capture -> encode -> package loop, on its own worker thread. It owns its source,
// encoder and packager; the HTTP side reaches it only through the SegmentStore and status().
// A failing or missing camera is retried with backoff; the process never exits for that.
#pragma once

#include "config/Settings.h"
#include "hls/SegmentStore.h"

#include <QMutex>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <memory>

class QThread;

namespace hlscam {

class Source;

enum class PipelineState { Starting, Streaming, Retrying, Stopped };
QString pipelineStateName(PipelineState state);  // "streaming", ...

struct PipelineStatus {
    PipelineState state = PipelineState::Starting;
    QString source;              // what is being captured
    QString encoder;             // the encoder in use
    QStringList encoderPassedOver;  // earlier candidates and why they were passed over
    QString lastError;
    qint64 framesCaptured = 0;
};

class Pipeline : public QObject {
    Q_OBJECT
public:
    Pipeline(const CameraSettings &camera, const HlsSettings &hls, QObject *parent = nullptr);
    ~Pipeline() override;

    void start();
    void stop();  // waits for the worker thread
    // New device, size, rate or encoder: the worker stops and starts again with them; the
    // store (and every URL in it) carries on after a discontinuity. Same name only.
    void reconfigure(const CameraSettings &camera);
    QString name() const { return m_configured.name; }
    // The settings it was given (device may be "auto"; status().source says what was opened).
    // Main thread.
    CameraSettings settings() const { return m_configured; }
    SegmentStore *store() const { return m_store.get(); }
    PipelineStatus status() const;

private:
    void run();
    bool streamOnce(Source &source);  // true when it streamed for a while before failing
    std::unique_ptr<Source> makeSource();
    void setState(PipelineState state, const QString &error = {});
    void sleepInterruptible(int ms);

    CameraSettings m_configured;  // main thread's copy
    CameraSettings m_camera;      // the worker's (auto resolved to a device)
    HlsSettings m_hls;
    std::unique_ptr<SegmentStore> m_store;
    QThread *m_thread = nullptr;
    std::atomic_bool m_stop{false};
    mutable QMutex m_statusMutex;
    PipelineStatus m_status;
};

}  // namespace hlscam
