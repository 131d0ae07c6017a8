// A program the service runs and owns (a camera's `rpicam-vid`, an `exec:` command): started
// with fork and execve from the thread that reads it, with its standard output and error on
// pipes and its input on /dev/null. It leads its own process group, so that ending it ends
// the pipeline a shell it runs may have started, and it is killed by the kernel if the thread
// that started it ends first (PR_SET_PDEATHSIG); the service is a child subreaper, so what the
// group's leader leaves behind is reaped here too: no orphan that holds the camera, no zombie. Not QProcess: the
// pipeline's worker thread has no event loop (QProcess would be driven by its waitFor* calls, each of which reads all
// that is ready into a buffer of its own), and here the reads are bounded and give way to the pipeline's stop flag.
#pragma once

#include "Error.h"

#include <QString>
#include <QStringList>

#include <sys/types.h>

namespace hlscam {

class ChildProcess {
public:
    ChildProcess() = default;
    ~ChildProcess();
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;

    // Runs `program` (an absolute path) with `arguments`; fails when it cannot be executed.
    Error start(const QString &program, const QStringList &arguments);
    bool running() const { return m_pid > 0; }
    pid_t pid() const { return m_pid; }
    // Non-blocking read ends of its standard output and error; -1 once closed.
    int outputFd() const { return m_out; }
    int errorFd() const { return m_err; }
    void closeOutput();
    void closeError();

    // Waits up to `waitMs` for it to exit, without reaping it (its process group stays
    // reserved while it is a zombie); true when it has exited.
    bool waitExited(int waitMs);
    // "exited with status 1", "was ended by signal 9 (Killed)": how it ended, once it has.
    QString exitText() const { return m_exitText; }

    // Ends it and whatever else runs in its process group: SIGTERM, SIGKILL when it has not
    // exited after `graceMs`, then reaps it. Nothing is left running.
    void stop(int graceMs);

private:
    pid_t m_pid = -1;
    int m_out = -1;
    int m_err = -1;
    QString m_exitText;
};

}  // namespace hlscam
