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
};

void TestRequestHead::verdicts_data()
{
    QTest::addColumn<QByteArray>("buffered");
    QTest::addColumn<HeadVerdict>("verdict");
    const QByteArray get = "GET /cam/cam0/index.m3u8 HTTP/1.1\r\nHost: cam\r\n";
    QTest::newRow("plain GET") << get + "\r\n" << HeadVerdict::Acceptable;
    QTest::newRow("half a head") << get << HeadVerdict::Incomplete;
    QTest::newRow("nothing yet") << QByteArray() << HeadVerdict::Incomplete;
    QTest::newRow("head over the limit, unfinished") << get + "X-Pad: " + QByteArray(2000, 'a') << HeadVerdict::HeadTooLarge;
    QTest::newRow("head over the limit, finished") << get + "X-Pad: " + QByteArray(2000, 'a') + "\r\n\r\n" << HeadVerdict::HeadTooLarge;
    QTest::newRow("small body") << QByteArray("POST /api/v1/tokens HTTP/1.1\r\nContent-Length: 20\r\n\r\n") << HeadVerdict::Acceptable;
    QTest::newRow("body over the limit") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 1000\r\n\r\n") << HeadVerdict::BodyTooLarge;
    QTest::newRow("huge body") << QByteArray("POST /x HTTP/1.1\r\ncontent-length:   100000000000000 \r\n\r\n") << HeadVerdict::BodyTooLarge;
    QTest::newRow("zero body") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n") << HeadVerdict::Acceptable;
    QTest::newRow("negative length") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("length with sign") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: +5\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("length not a number") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 5x\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("length too long to parse") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("empty length") << QByteArray("POST /x HTTP/1.1\r\nContent-Length:\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("two different lengths") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("two equal lengths") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n") << HeadVerdict::Acceptable;
    QTest::newRow("chunked") << QByteArray("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") << HeadVerdict::NotImplemented;
    QTest::newRow("NUL in the target") << QByteArray("GET /cam\0/x HTTP/1.1\r\n\r\n", 24) << HeadVerdict::BadRequest;
    QTest::newRow("tab in the target") << QByteArray("GET /cam\t/x HTTP/1.1\r\n\r\n") << HeadVerdict::BadRequest;
    QTest::newRow("bytes above ASCII in the target") << QByteArray("GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n") << HeadVerdict::Acceptable;
}

void TestRequestHead::verdicts()
{
    QFETCH(QByteArray, buffered);
    QFETCH(HeadVerdict, verdict);
    QCOMPARE(checkRequestHead(buffered, 1024), verdict);
}

QTEST_GUILESS_MAIN(TestRequestHead)
#include "tst_requesthead.moc"
