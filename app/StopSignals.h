// Turns SIGINT and SIGTERM (stop) and SIGHUP (reload, as `systemctl reload` sends) into Qt
// signals on the main thread (self-pipe: the only safe way out of a POSIX signal handler).
#pragma once

#include <QObject>

class QSocketNotifier;

namespace hlscam::app {

class StopSignals : public QObject {
    Q_OBJECT
public:
    explicit StopSignals(QObject *parent = nullptr);
    ~StopSignals() override;

Q_SIGNALS:
    void stopRequested(int signalNumber);
    void reloadRequested();

private:
    QSocketNotifier *m_notifier = nullptr;
};

}  // namespace hlscam::app
