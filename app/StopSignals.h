// Turns SIGINT and SIGTERM into a Qt signal on the main thread (self-pipe: the only safe way out
// of a POSIX signal handler).
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

private:
    QSocketNotifier *m_notifier = nullptr;
};

}  // namespace hlscam::app
