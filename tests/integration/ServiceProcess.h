// Runs the real hlscam binary for a test: a temp state dir, users added through the CLI, a
// loopback port the OS picks, and HTTP requests against it. Stops the process it started.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>
#include <utility>

struct HttpReply {
    int status = 0;               // 0: no answer (connection failed, refused, closed or timed out)
    qint64 closedAfterMs = -1;    // for raw requests: when the server closed the connection
    qint64 answeredAfterMs = -1;  // for raw requests: when the whole answer was in
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray header(const QByteArray &name) const;
};

class ServiceProcess {
public:
    ServiceProcess();
    ~ServiceProcess();

    QString stateDir() const { return m_dir.path(); }
    // Runs `hlscam ARGS` to completion with `input` on stdin; returns its exit code.
    int run(const QStringList &args, const QByteArray &input = {}, QByteArray *output = nullptr);
    bool addUser(const QString &name, const QString &password, const QString &role = QStringLiteral("viewer"));
    // Writes `text` as a config file in the state dir; returns the `--config FILE` arguments for
    // start() or run() (empty when it cannot be written).
    QStringList configArgs(const QByteArray &text);
    // The hlscam binary to run (default: the one just built).
    void setBinary(const QString &path) { m_binary = path; }
    // The environment `start` runs the service in (default: this process's).
    void setEnvironment(const QProcessEnvironment &env) { m_process.setProcessEnvironment(env); }
    // The working directory `start` runs the service in (default: this process's).
    void setWorkingDirectory(const QString &dir) { m_process.setWorkingDirectory(dir); }
    // Starts `hlscam serve` with the given extra arguments; waits for "listening on".
    bool start(const QStringList &extraArgs = {});
    // SIGTERM, then waits; returns the exit code, or -1 when it crashed or had to be killed.
    int stop();
    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    QByteArray log();  // everything the service printed so far
    QUrl url(const QString &path) const;

    // A GET (or other method, with a JSON body) with optional Basic credentials and extra
    // headers, on a fresh connection.
    HttpReply get(const QString &path, const QString &user = {}, const QString &password = {},
                  const QByteArray &method = "GET", const QByteArray &body = {},
                  const QList<std::pair<QByteArray, QByteArray>> &headers = {});

    // Sends `request` (raw bytes) from the local address `from` (any of 127.0.0.0/8) on a fresh
    // connection, over TLS when the service serves HTTPS, and reads until the server closes or
    // `timeoutMs` passes. For requests a normal client cannot make: other source addresses,
    // oversized or slow headers.
    HttpReply raw(const QByteArray &request, const QString &from = QStringLiteral("127.0.0.1"), int timeoutMs = 10000);
    // A one-request GET from `from`, with Basic credentials unless user is null.
    HttpReply getFrom(const QString &from, const QString &path, const QString &user = {}, const QString &password = {});
    bool https() const { return m_https; }

    // The playlist at `path` read by ffprobe (real FFmpeg) with credentials (none when user is
    // empty): its first video stream's codec_name, width and height; empty with *error set on
    // failure.
    QJsonObject probeVideo(const QString &path, const QString &user, const QString &password, QString *error);

    // A self-signed P-256 certificate for 127.0.0.1 and its key, made by openssl in the state dir
    // as cert.pem and key.pem. False (openssl's complaint in a warning) when it could not.
    bool makeCertificate(QString *cert, QString *key) const;

private:
    QTemporaryDir m_dir;
    // HLSCAM_TEST_BINARY runs the tests against another build (e.g. an older one, to see a new
    // test fail there).
    QString m_binary = qEnvironmentVariable("HLSCAM_TEST_BINARY", QStringLiteral(HLSCAM_BINARY));
    QProcess m_process;
    quint16 m_port = 0;
    bool m_https = false;
    QByteArray m_log;
};
