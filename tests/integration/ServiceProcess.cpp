#include "ServiceProcess.h"

#include "FfProbe.h"

#include <QTest>

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSslSocket>
#include <QTimer>

QByteArray HttpReply::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

ServiceProcess::ServiceProcess() = default;

ServiceProcess::~ServiceProcess()
{
    stop();
    // A test that failed shows what the service said (a sanitizer's report lands here too).
    if (QTest::currentTestFailed())
        qWarning("service log (last 4000 bytes):\n%s", log().right(4000).constData());
}

int ServiceProcess::run(const QStringList &args, const QByteArray &input, QByteArray *output)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(m_binary, args);
    if (!p.waitForStarted(10000))
        return -1;
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return -1;
    }
    if (output)
        *output = p.readAll();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

bool ServiceProcess::addUser(const QString &name, const QString &password, const QString &role)
{
    return run({QStringLiteral("users"), QStringLiteral("add"), name, QStringLiteral("--role"), role,
                QStringLiteral("--state-dir"), stateDir()},
               password.toUtf8() + '\n') == 0;
}

QStringList ServiceProcess::configArgs(const QByteArray &text)
{
    const QString path = stateDir() + QStringLiteral("/test.conf");
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size())
        return {};
    return {QStringLiteral("--config"), path};
}

bool ServiceProcess::start(const QStringList &extraArgs)
{
    m_log.clear();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    QStringList args{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                     QStringLiteral("--state-dir"), stateDir()};
    args += extraArgs;
    if (!extraArgs.contains(QStringLiteral("--source")))
        args << QStringLiteral("--source") << QStringLiteral("testpattern");
    m_process.start(m_binary, args);
    if (!m_process.waitForStarted(10000))
        return false;
    static const QRegularExpression listening(QStringLiteral("listening on (https?)://127\\.0\\.0\\.1:(\\d+)/"));
    const QDeadlineTimer deadline(20000);
    while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
        m_process.waitForReadyRead(200);
        m_log += m_process.readAll();
        const QRegularExpressionMatch m = listening.match(QString::fromUtf8(m_log));
        if (m.hasMatch()) {
            m_https = m.captured(1) == QLatin1String("https");
            m_port = quint16(m.captured(2).toUInt());
            return true;
        }
    }
    return false;
}

int ServiceProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    m_process.terminate();  // SIGTERM to the PID we started
    int status = -1;
    if (m_process.waitForFinished(10000)) {
        status = m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    } else {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    m_log += m_process.readAll();
    return status;
}

QByteArray ServiceProcess::log()
{
    // What the service printed up to now: drain the pipe until it has been quiet for a moment.
    while (m_process.state() != QProcess::NotRunning && m_process.waitForReadyRead(150))
        m_log += m_process.readAll();
    m_log += m_process.readAll();
    return m_log;
}

QUrl ServiceProcess::url(const QString &path) const
{
    return QUrl(QStringLiteral("%1://127.0.0.1:%2%3").arg(m_https ? "https" : "http").arg(m_port).arg(path));
}

HttpReply ServiceProcess::get(const QString &path, const QString &user, const QString &password,
                              const QByteArray &method, const QByteArray &body,
                              const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url(path));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!user.isNull())
        request.setRawHeader("Authorization", "Basic " + (user + u':' + password).toUtf8().toBase64());
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    // QNAM would answer a 401 by asking for credentials: go around it with a raw header only.
    // HEAD through QNAM's own call: as a custom verb it would wait for a body that never comes.
    if (!body.isEmpty() && !request.hasRawHeader("Content-Type"))
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QNetworkReply *reply = method == "HEAD" ? nam.head(request) : nam.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    loop.exec();
    HttpReply out;
    m_log += m_process.readAll();
    if (!reply->isFinished()) {
        reply->abort();
        delete reply;
        return out;
    }
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.headers = reply->rawHeaderPairs();
    out.body = reply->readAll();
    delete reply;
    return out;
}

HttpReply ServiceProcess::raw(const QByteArray &request, const QString &from, int timeoutMs)
{
    HttpReply out;
    QSslSocket socket;
    if (!socket.bind(QHostAddress(from)))
        return out;
    QElapsedTimer clock;
    clock.start();
    if (m_https) {
        socket.setPeerVerifyMode(QSslSocket::VerifyNone);  // the test's own self-signed certificate
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_port);
        if (!socket.waitForEncrypted(timeoutMs))
            return out;
    } else {
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (!socket.waitForConnected(timeoutMs))
            return out;
    }
    socket.write(request);
    QByteArray response;
    const QDeadlineTimer deadline(timeoutMs);
    // Until the server closes, or one whole response (headers + Content-Length) is in.
    const auto complete = [&response] {
        const qsizetype end = response.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        static const QRegularExpression length(QStringLiteral("(?im)^content-length:\\s*(\\d+)"));
        const QRegularExpressionMatch m = length.match(QString::fromLatin1(response.left(end)));
        return m.hasMatch() && response.size() - end - 4 >= m.captured(1).toLongLong();
    };
    while (!deadline.hasExpired() && socket.state() == QAbstractSocket::ConnectedState && !complete()) {
        if (socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
            response += socket.readAll();
    }
    response += socket.readAll();
    out.answeredAfterMs = clock.elapsed();
    if (socket.state() != QAbstractSocket::ConnectedState)
        out.closedAfterMs = clock.elapsed();
    m_log += m_process.readAll();
    const qsizetype headerEnd = response.indexOf("\r\n\r\n");
    if (!response.startsWith("HTTP/1.1 ") || headerEnd < 0)
        return out;
    const QList<QByteArray> lines = response.left(headerEnd).split('\n');
    out.status = lines.first().mid(9, 3).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            out.headers.append({lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
    }
    out.body = response.mid(headerEnd + 4);
    return out;
}

HttpReply ServiceProcess::getFrom(const QString &from, const QString &path, const QString &user,
                                  const QString &password)
{
    QByteArray request = "GET " + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!user.isNull())
        request += "Authorization: Basic " + (user + u':' + password).toUtf8().toBase64() + "\r\n";
    return raw(request + "\r\n", from);
}

QJsonObject ServiceProcess::probeVideo(const QString &path, const QString &user, const QString &password,
                                       QString *error)
{
    QUrl u = url(path);
    u.setUserName(user);
    u.setPassword(password);
    const FfProbe probe = ffprobe(u.toString(QUrl::FullyEncoded), QStringLiteral("stream=codec_name,width,height"));
    *error = probe.error;
    return probe.stream;
}

bool ServiceProcess::makeCertificate(QString *cert, QString *key) const
{
    *cert = stateDir() + QStringLiteral("/cert.pem");
    *key = stateDir() + QStringLiteral("/key.pem");
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"),
                  {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                   "-subj", "/CN=127.0.0.1", "-keyout", *key, "-out", *cert});
    if (openssl.waitForFinished(30000) && openssl.exitStatus() == QProcess::NormalExit && openssl.exitCode() == 0)
        return true;
    qWarning("openssl req failed: %s %s", qPrintable(openssl.errorString()), openssl.readAll().constData());
    return false;
}
