// The desktop preview's player: Qt Multimedia's QMediaPlayer, run on a thread of its own.
// Qt 6.4's FFmpeg backend holds a lock while its demuxer waits on the network, and every call
// into the player (stop, a new source, its destructor) waits for that lock. On the GUI thread,
// a board that stopped answering froze the whole window for as long as the read lasted (26 s
// seen in tst_desktop); here only this thread waits, and the window goes on.
#pragma once

#include <QMediaPlayer>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <QUrl>
#include <QVideoFrame>
#include <QVideoSink>

namespace hlscam {

class PreviewPlayerWorker;

class PreviewPlayer : public QObject {
    Q_OBJECT
    Q_PROPERTY(QUrl source READ source WRITE setSource NOTIFY sourceChanged)
    // Where the pictures go (a VideoOutput's videoSink).
    Q_PROPERTY(QVideoSink *videoSink READ videoSink WRITE setVideoSink NOTIFY videoSinkChanged)
    Q_PROPERTY(bool playing READ playing NOTIFY stateChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY stateChanged)

public:
    explicit PreviewPlayer(QObject *parent = nullptr);
    ~PreviewPlayer() override;

    QUrl source() const { return m_source; }
    void setSource(const QUrl &source);
    QVideoSink *videoSink() const { return m_sink; }
    void setVideoSink(QVideoSink *sink);
    bool playing() const { return m_playing; }
    QString errorString() const { return m_errorString; }

    // Opens the source again (a stalled stream, a restarted camera). Returns at once.
    Q_INVOKABLE void reopen();

Q_SIGNALS:
    void sourceChanged();
    void videoSinkChanged();
    void stateChanged();
    void errorOccurred(const QString &errorString);

private:
    void request();
    void takeState(bool playing, const QString &errorString);
    void showFrame(const QVideoFrame &frame);

    QUrl m_source;
    QPointer<QVideoSink> m_sink;
    bool m_playing = false;
    QString m_errorString;
    QThread *m_thread = nullptr;
    PreviewPlayerWorker *m_worker = nullptr;
};

// On the player's thread. The newest request wins: requests made while the player was stuck
// collapse into one.
class PreviewPlayerWorker : public QObject {
    Q_OBJECT

public:
    // Any thread: what to play next (an empty URL: nothing); applied on the worker's thread.
    void want(const QUrl &source);
    // The worker's thread: the player, stopped and gone.
    void shutDown();

Q_SIGNALS:
    void stateChanged(bool playing, const QString &errorString);
    // Each decoded picture (to the GUI thread, queued: QVideoFrame is shared, not copied).
    void frame(const QVideoFrame &frame);

private:
    void apply();
    void reportState();

    QMutex m_mutex;
    QUrl m_wantedSource;    // guarded by m_mutex
    quint64 m_wanted = 0;   // requests made (guarded by m_mutex)
    quint64 m_applied = 0;  // requests applied (worker thread)
    // Created on the worker's thread: the player draws into a sink of its own, never into one
    // of the GUI's, whose lifetime the player's threads could not follow.
    QMediaPlayer *m_player = nullptr;
    QVideoSink *m_sink = nullptr;
};

}  // namespace hlscam
