#include "capture/ChildProcess.h"

#include "Clock.h"

#include <QFile>
#include <vector>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace hlscam {

namespace {

constexpr int kGroupGoneTries = 400;  // 2 s
constexpr int kOutputPipeBytes = 1024 * 1024;

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

// Closes every descriptor from `first` to `last`; in the child, so without allocating.
void closeRange(unsigned first, unsigned last)
{
    if (first > last || ::close_range(first, last, 0) == 0)
        return;
    for (unsigned fd = first; fd <= last && fd < 4096; ++fd)  // kernels before 5.9
        ::close(int(fd));
}

// In the child, between fork and execve: only async-signal-safe calls (the other threads'
// locks were copied in whatever state they were in).
[[noreturn]] void execChild(const char *program, char *const argv[], char *const envp[], pid_t parent, int in, int out,
                            int err, int report)
{
    ::setpgid(0, 0);
    // Killed when the thread that started it ends (the service crashed, or forgot it).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent)  // the parent ended before the line above
        ::_exit(127);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    // The service's sockets, certificates' files and state files are not the program's.
    if (report > 3)
        closeRange(3, unsigned(report) - 1);
    closeRange(unsigned(report) + 1, ~0U);
    // Dispositions the service set (ignored signals survive execve) and its blocked signals.
    struct sigaction deflt = {};
    deflt.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig)
        ::sigaction(sig, &deflt, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // NOLINT(concurrency-mt-unsafe): the forked child has one thread
    ::execve(program, argv, envp);
    const int code = errno;
    [[maybe_unused]] const ssize_t written = ::write(report, &code, sizeof code);
    ::_exit(127);
}

QString describe(const siginfo_t &info)
{
    if (info.si_code == CLD_EXITED)
        return QStringLiteral("exited with status %1").arg(info.si_status);
    // strsignal's text, from glibc's table rather than a buffer threads share.
    const char *name = sigdescr_np(info.si_status);
    return QStringLiteral("was ended by signal %1 (%2)")
        .arg(info.si_status)
        .arg(name ? QString::fromLocal8Bit(name) : QStringLiteral("unknown signal"));
}

}  // namespace

ChildProcess::~ChildProcess() { stop(2000); }

Error ChildProcess::start(const QString &program, const QStringList &arguments)
{
    stop(0);
    // Everything the child needs is made before fork: it must not allocate.
    const QByteArray path = QFile::encodeName(program);
    std::vector<QByteArray> words{path};
    words.reserve(size_t(arguments.size()) + 1);
    for (const QString &a : arguments)
        words.push_back(a.toLocal8Bit());
    std::vector<char *> argv;
    argv.reserve(words.size() + 1);
    for (QByteArray &w : words)
        argv.push_back(w.data());
    argv.push_back(nullptr);

    int out[2] = {-1, -1}, err[2] = {-1, -1}, report[2] = {-1, -1};
    int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const auto closeAll = [&] {
        for (int *fd : {&out[0], &out[1], &err[0], &err[1], &report[0], &report[1], &in})
            closeFd(*fd);
    };
    if (in < 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0 || ::pipe2(report, O_CLOEXEC) != 0) {
        const QString why = qt_error_string(errno);
        closeAll();
        return {Fault::Io, QStringLiteral("cannot start %1: %2").arg(program, why)};
    }
    // What the program starts and leaves behind (a shell's pipeline when the shell is ended)
    // becomes this process's child rather than init's, so stop() can reap it. The service
    // starts no other programs, so no stranger's orphan comes here.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0)
        execChild(path.constData(), argv.data(), environ, parent, in, out[1], err[1], report[1]);
    if (pid < 0) {
        const QString why = qt_error_string(errno);
        closeAll();
        return {Fault::Io, QStringLiteral("cannot start %1: %2").arg(program, why)};
    }
    closeFd(out[1]);
    closeFd(err[1]);
    closeFd(report[1]);
    closeFd(in);
    // The report pipe closes at a successful execve; an errno on it says why it failed.
    int code = 0;
    ssize_t got = 0;
    do {
        got = ::read(report[0], &code, sizeof code);
    } while (got < 0 && errno == EINTR);
    closeFd(report[0]);
    m_pid = pid;
    m_out = out[0];
    m_err = err[0];
    m_exitText.clear();
    if (got == sizeof code) {
        stop(0);
        return {code == EACCES || code == EPERM ? Fault::NoPermission : Fault::NoDevice,
                QStringLiteral("cannot run %1: %2").arg(program, qt_error_string(code))};
    }
    // Room for a few key frames, so a moment's delay in the reader does not stall the camera
    // (at most /proc/sys/fs/pipe-max-size, 1 MiB by default; the default 64 KiB otherwise).
    ::fcntl(m_out, F_SETPIPE_SZ, kOutputPipeBytes);
    ::fcntl(m_out, F_SETFL, ::fcntl(m_out, F_GETFL) | O_NONBLOCK);
    ::fcntl(m_err, F_SETFL, ::fcntl(m_err, F_GETFL) | O_NONBLOCK);
    return {};
}

void ChildProcess::closeOutput() { closeFd(m_out); }

void ChildProcess::closeError() { closeFd(m_err); }

bool ChildProcess::waitExited(int waitMs)
{
    if (m_pid <= 0)
        return true;
    const qint64 deadline = monotonicUs() + qint64(waitMs) * 1000;
    for (;;) {
        siginfo_t info = {};
        if (::waitid(P_PID, id_t(m_pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == m_pid) {
            m_exitText = describe(info);
            return true;
        }
        if (monotonicUs() >= deadline)
            return false;
        sleepUs(10'000);
    }
}

void ChildProcess::stop(int graceMs)
{
    closeOutput();  // a program still writing gets SIGPIPE: one more reason to end
    closeError();
    if (m_pid <= 0)
        return;
    if (!waitExited(0)) {
        ::kill(-m_pid, SIGTERM);
        if (!waitExited(graceMs))
            ::kill(-m_pid, SIGKILL);
    }
    // The leader is a zombie now (or is being killed), which keeps its group's id reserved:
    // what else of the group still runs is killed without a chance of hitting another process.
    ::kill(-m_pid, SIGKILL);
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    // What the leader started became this process's children as the leader died (we are a
    // subreaper), and was killed: reaped here, so that none is left when stop() returns. The
    // group's id stays reserved while any of it is left.
    for (int i = 0; i < kGroupGoneTries && ::kill(-m_pid, 0) == 0; ++i) {
        while (::waitpid(-m_pid, nullptr, WNOHANG) > 0) {
        }
        if (::kill(-m_pid, 0) != 0)
            break;
        sleepUs(5'000);
    }
    if (m_exitText.isEmpty()) {
        siginfo_t info = {};
        info.si_code = WIFEXITED(status) ? CLD_EXITED : CLD_KILLED;
        info.si_status = WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status);
        m_exitText = describe(info);
    }
    m_pid = -1;
}

}  // namespace hlscam
