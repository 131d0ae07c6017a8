#include "PreviewPlayer.h"

#include <QLoggingCategory>

namespace hlscam {

namespace {
Q_LOGGING_CATEGORY(lcPreview, "hlscam.preview")
constexpr int kShutDownWaitMs = 3000;
}  // namespace

PreviewPlayer::PreviewPlayer(QObject *parent)
    : QObject(parent),
      m_thread(new QThread),
      m_worker(new PreviewPlayerWorker)
{
    m_thread->setObjectName(QStringLiteral("preview-player"));
    m_worker->moveToThread(m_thread);
    connect(m_worker, &PreviewPlayerWorker::stateChanged, this, &PreviewPlayer::takeState, Qt::QueuedConnection);
    connect(m_worker, &PreviewPlayerWorker::frame, this, &PreviewPlayer::showFrame, Qt::QueuedConnection);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
}

PreviewPlayer::~PreviewPlayer()
{
    disconnect(m_worker, nullptr, this, nullptr);
    QMetaObject::invokeMethod(m_worker, &PreviewPlayerWorker::shutDown, Qt::QueuedConnection);
    m_thread->quit();
    if (m_thread->wait(kShutDownWaitMs)) {
        delete m_thread;
        return;
    }
    // The player is still waiting on the network: let it finish on its own (its thread and
    // worker go when it does) rather than hold up the window that closes.
    qCWarning(lcPreview) << "the preview's player is still waiting on the network; left to end by itself";
    connect(m_thread, &QThread::finished, m_thread, &QObject::deleteLater);
}

void PreviewPlayer::setSource(const QUrl &source)
{
    if (source == m_source)
        return;
    m_source = source;
    Q_EMIT sourceChanged();
    request();
}

void PreviewPlayer::setVideoSink(QVideoSink *sink)
{
    if (sink == m_sink)
        return;
    m_sink = sink;
    Q_EMIT videoSinkChanged();
}

void PreviewPlayer::reopen() { request(); }

void PreviewPlayer::request() { m_worker->want(m_source); }

void PreviewPlayer::takeState(bool playing, const QString &errorString)
{
    const bool changed = playing != m_playing || errorString != m_errorString;
    m_playing = playing;
    m_errorString = errorString;
    if (changed)
        Q_EMIT stateChanged();
    if (!errorString.isEmpty())
        Q_EMIT errorOccurred(errorString);
}

void PreviewPlayer::showFrame(const QVideoFrame &frame)
{
    if (m_sink)
        m_sink->setVideoFrame(frame);
}

void PreviewPlayerWorker::want(const QUrl &source)
{
    {
        QMutexLocker lock(&m_mutex);
        m_wantedSource = source;
        ++m_wanted;
    }
    QMetaObject::invokeMethod(this, &PreviewPlayerWorker::apply, Qt::QueuedConnection);
}

void PreviewPlayerWorker::apply()
{
    QUrl source;
    {
        QMutexLocker lock(&m_mutex);
        if (m_applied == m_wanted)
            return;  // a newer request was applied already
        m_applied = m_wanted;
        source = m_wantedSource;
    }
    if (!m_player) {
        m_player = new QMediaPlayer(this);
        m_sink = new QVideoSink(this);
        m_player->setVideoSink(m_sink);
        connect(m_sink, &QVideoSink::videoFrameChanged, this, &PreviewPlayerWorker::frame);
        connect(m_player, &QMediaPlayer::playbackStateChanged, this, &PreviewPlayerWorker::reportState);
        connect(m_player, &QMediaPlayer::errorOccurred, this, &PreviewPlayerWorker::reportState);
    }
    m_player->stop();  // may wait for the network: this thread's time, not the window's
    m_player->setSource(QUrl());
    if (source.isEmpty())
        return;
    m_player->setSource(source);
    m_player->play();
}

void PreviewPlayerWorker::reportState()
{
    const bool failed = m_player->error() != QMediaPlayer::NoError;
    Q_EMIT stateChanged(!failed && m_player->playbackState() == QMediaPlayer::PlayingState,
                        failed ? m_player->errorString() : QString());
}

void PreviewPlayerWorker::shutDown()
{
    delete m_player;  // may wait for the network, like stop()
    m_player = nullptr;
    delete m_sink;
    m_sink = nullptr;
}

}  // namespace hlscam
