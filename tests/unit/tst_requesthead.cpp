// The Listener's first look at a request head: what Qt's parser would wait for or get wrong.
#include "net/RequestHead.h"

#include <QtTest>

using namespace hlscam;
Q_DECLARE_METATYPE(hlscam::HeadVerdict)

class TestRequestHead : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void verdicts_data();
    void verdicts();
    void lengthsAndClosing_data();
    void lengthsAndClosing();
    void headEndFoundIncrementally();
};

void TestRequestHead::verdicts_data()
{
    QTest::addColumn<QByteArray>("buffered");
    QTest::addColumn<HeadVerdict>("verdict");
    const QByteArray get = "GET /cam/cam0/index.m3u8 HTTP/1.1\r\nHost: cam\r\n";
    QTest::newRow("plain GET") << get + "\r\n" << HeadVerdict::Acceptable;
    QTest::newRow("half a head") << get << HeadVerdict::Incomplete;
    QTest::newRow("nothing yet") << QByteArray() << HeadVerdict::Incomplete;
    QTest::newRow("head over the limit, unfinished")
        << get + "X-Pad: " + QByteArray(2000, 'a') << HeadVerdict::HeadTooLarge;
    QTest::newRow("head over the limit, finished") << get + "X-Pad: " + QByteArray(2000, 'a') + "\r\n\r\n"
                                                   << HeadVerdict::HeadTooLarge;
    QTest::newRow("small body") << QByteArray("POST /api/v1/tokens HTTP/1.1\r\nContent-Length: 20\r\n\r\n")
                                << HeadVerdict::Acceptable;
    QTest::newRow("body over the limit") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 1000\r\n\r\n")
                                         << HeadVerdict::BodyTooLarge;
    QTest::newRow("huge body") << QByteArray("POST /x HTTP/1.1\r\ncontent-length:   100000000000000 \r\n\r\n")
                               << HeadVerdict::BodyTooLarge;
    QTest::newRow("zero body") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
                               << HeadVerdict::Acceptable;
    QTest::newRow("negative length") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n")
                                     << HeadVerdict::BadRequest;
    QTest::newRow("length with sign") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: +5\r\n\r\n")
                                      << HeadVerdict::BadRequest;
    QTest::newRow("length not a number") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 5x\r\n\r\n")
                                         << HeadVerdict::BadRequest;
    QTest::newRow("length too long to parse")
        << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("empty length") << QByteArray("POST /x HTTP/1.1\r\nContent-Length:\r\n\r\n")
                                  << HeadVerdict::BadRequest;
    QTest::newRow("two different lengths")
        << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("two equal lengths") << QByteArray(
                                              "POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n")
                                       << HeadVerdict::Acceptable;
    QTest::newRow("chunked") << QByteArray("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                             << HeadVerdict::NotImplemented;
    QTest::newRow("NUL in the target") << QByteArray("GET /cam\0/x HTTP/1.1\r\n\r\n", 24) << HeadVerdict::BadRequest;
    QTest::newRow("tab in the target") << QByteArray("GET /cam\t/x HTTP/1.1\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("bytes above ASCII in the target")
        << QByteArray("GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n") << HeadVerdict::Acceptable;
    // Where Qt 6.4's parser ends a head: bare LFs and blank lines before the request included.
    QTest::newRow("bare LF line ends") << QByteArray("GET / HTTP/1.1\nHost: cam\n\n") << HeadVerdict::Acceptable;
    QTest::newRow("chunked, bare LF") << QByteArray("GET / HTTP/1.1\nTransfer-Encoding: chunked\n\n")
                                      << HeadVerdict::NotImplemented;
    QTest::newRow("chunked, LF CR LF") << QByteArray("GET / HTTP/1.1\nTransfer-Encoding: chunked\n\r\n")
                                       << HeadVerdict::NotImplemented;
    QTest::newRow("no headers, bare LF") << QByteArray("GET / HTTP/1.1\n\n") << HeadVerdict::Acceptable;
    QTest::newRow("blank lines before") << QByteArray("\r\n\r\n\nGET / HTTP/1.1\r\n\r\n") << HeadVerdict::Acceptable;
    QTest::newRow("blank lines, then chunked")
        << QByteArray("\r\n\r\nGET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") << HeadVerdict::NotImplemented;
    QTest::newRow("only blank lines") << QByteArray("\r\n\r\n\r\n") << HeadVerdict::Incomplete;
    QTest::newRow("blank lines over the limit") << QByteArray(1100, '\n') << HeadVerdict::HeadTooLarge;
    // Lines Qt would read differently (it then drops every header, Content-Length included).
    QTest::newRow("folded line") << QByteArray("GET / HTTP/1.1\r\nContent-Length: 5\r\n 0\r\n\r\n")
                                 << HeadVerdict::BadRequest;
    QTest::newRow("space before the colon")
        << QByteArray("GET / HTTP/1.1\r\nContent-Length : 5\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("line without a colon")
        << QByteArray("GET / HTTP/1.1\r\nHost cam\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("name not a token") << QByteArray("GET / HTTP/1.1\r\nX(y): 1\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("CR inside a length") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 5\r\r\n\r\n")
                                        << HeadVerdict::BadRequest;
    QTest::newRow("101 fields") << "GET / HTTP/1.1\r\n" + QByteArray("A:\r\n").repeated(101) + "\r\n"
                                << HeadVerdict::HeadTooLarge;
    QTest::newRow("WebSocket handshake")
        << QByteArray("GET / HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: WebSocket\r\n\r\n")
        << HeadVerdict::NotImplemented;
    QTest::newRow("h2c upgrade, ignored")
        << QByteArray("GET / HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\r\n")
        << HeadVerdict::Acceptable;
    QTest::newRow("Upgrade without Connection")
        << QByteArray("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n") << HeadVerdict::Acceptable;
    // Request lines Qt refuses.
    QTest::newRow("no protocol") << QByteArray("GET /\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("not HTTP") << QByteArray("GET / FTP/1.1\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("protocol too long") << QByteArray("GET / HTTP/1.10\r\n\r\n") << HeadVerdict::BadRequest;
}

void TestRequestHead::verdicts()
{
    QFETCH(QByteArray, buffered);
    QFETCH(HeadVerdict, verdict);
    QCOMPARE(checkRequestHead(buffered, 1024).verdict, verdict);
}

void TestRequestHead::lengthsAndClosing_data()
{
    QTest::addColumn<QByteArray>("buffered");
    QTest::addColumn<qint64>("headBytes");
    QTest::addColumn<qint64>("bodyBytes");
    QTest::addColumn<bool>("closeAfter");
    const QByteArray get = "GET / HTTP/1.1\r\nHost: cam\r\n";
    QTest::newRow("HTTP/1.1") << get + "\r\n" << qint64(get.size() + 2) << qint64(0) << false;
    QTest::newRow("with a body, body bytes after")
        << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET") << qint64(39) << qint64(3) << false;
    QTest::newRow("blank lines count") << QByteArray("\r\n") + get + "\r\n"
                                       << qint64(get.size() + 4) << qint64(0) << false;
    QTest::newRow("Connection: close") << get + "Connection: close\r\n\r\n"
                                       << qint64(get.size() + 21) << qint64(0) << true;
    QTest::newRow("close among options") << get + "Connection: Upgrade ,CLOSE\r\n\r\n"
                                         << qint64(get.size() + 30) << qint64(0) << true;
    QTest::newRow("HTTP/1.0") << QByteArray("GET / HTTP/1.0\r\n\r\n") << qint64(18) << qint64(0) << true;
    QTest::newRow("HTTP/1.0 keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << qint64(42)
                                         << qint64(0) << false;
    QTest::newRow("HTTP/1.0 keep-alive and close")
        << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n") << qint64(49) << qint64(0) << true;
    QTest::newRow("HTTP/0.9") << QByteArray("GET / HTTP/0.9\r\n\r\n") << qint64(18) << qint64(0) << true;
}

void TestRequestHead::lengthsAndClosing()
{
    QFETCH(QByteArray, buffered);
    QFETCH(qint64, headBytes);
    QFETCH(qint64, bodyBytes);
    QFETCH(bool, closeAfter);
    const HeadCheck check = checkRequestHead(buffered, 1024);
    QCOMPARE(check.verdict, HeadVerdict::Acceptable);
    QCOMPARE(check.headBytes, headBytes);
    QCOMPARE(check.bodyBytes, bodyBytes);
    QCOMPARE(check.closeAfter, closeAfter);
}

// The Listener feeds headEnd a byte at a time: it finds the same end as a search of the whole.
void TestRequestHead::headEndFoundIncrementally()
{
    for (const QByteArray &head :
         {QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody"), QByteArray("GET / HTTP/1.1\n\nx"),
          QByteArray("GET / HTTP/1.1\r\n\r\n"), QByteArray("GET / HTTP/1.1\nA: b\n\r\n")}) {
        const qsizetype whole = headEnd(head);
        QVERIFY(whole > 0);
        qsizetype found = -1;
        for (qsizetype n = 1; n <= head.size() && found < 0; ++n)
            found = headEnd(QByteArrayView(head).first(n), n - 1);
        QCOMPARE(found, whole);
    }
    QCOMPARE(headEnd("GET / HTTP/1.1\r\nHost: x\r\n"), -1);
}

QTEST_GUILESS_MAIN(TestRequestHead)
#include "tst_requesthead.moc"
