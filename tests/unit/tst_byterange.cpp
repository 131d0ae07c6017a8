// The Range header parser (RFC 9110 14.2): one range is a slice, past the end is unsatisfiable,
// anything it does not serve as asked (malformed, other units, several ranges) is the whole body.
#include "http/ByteRange.h"

#include <QtTest>

using namespace hlscam;

Q_DECLARE_METATYPE(hlscam::ByteRange::Kind)

class TestByteRange : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void resolve_data();
    void resolve();
    void contentRange();
};

void TestByteRange::resolve_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<qint64>("bodyLength");
    QTest::addColumn<ByteRange::Kind>("kind");
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("length");
    using K = ByteRange::Kind;
    const qint64 n = 1000;
    QTest::newRow("absent") << QByteArray() << n << K::Whole << 0LL << 0LL;
    QTest::newRow("first-last") << QByteArray("bytes=0-99") << n << K::Partial << 0LL << 100LL;
    QTest::newRow("one byte") << QByteArray("bytes=5-5") << n << K::Partial << 5LL << 1LL;
    QTest::newRow("open end") << QByteArray("bytes=900-") << n << K::Partial << 900LL << 100LL;
    QTest::newRow("last past end") << QByteArray("bytes=990-5000") << n << K::Partial << 990LL << 10LL;
    QTest::newRow("last byte") << QByteArray("bytes=999-999") << n << K::Partial << 999LL << 1LL;
    QTest::newRow("suffix") << QByteArray("bytes=-10") << n << K::Partial << 990LL << 10LL;
    QTest::newRow("suffix longer than body") << QByteArray("bytes=-5000") << n << K::Partial << 0LL << n;
    QTest::newRow("huge last saturates") << QByteArray("bytes=1-99999999999999999999999") << n << K::Partial << 1LL
                                         << 999LL;
    QTest::newRow("unit any case") << QByteArray("Bytes=0-0") << n << K::Partial << 0LL << 1LL;
    QTest::newRow("outer whitespace") << QByteArray(" \tbytes=0-1 ") << n << K::Partial << 0LL << 2LL;
    QTest::newRow("space after comma list") << QByteArray("bytes= 0-1 ,") << n << K::Partial << 0LL << 2LL;
    QTest::newRow("empty list elements") << QByteArray("bytes=,, 2-3,") << n << K::Partial << 2LL << 2LL;
    QTest::newRow("leading zeros") << QByteArray("bytes=007-008") << n << K::Partial << 7LL << 2LL;

    QTest::newRow("start past end") << QByteArray("bytes=1000-") << n << K::Unsatisfiable << 0LL << 0LL;
    QTest::newRow("far past end") << QByteArray("bytes=999999999-") << n << K::Unsatisfiable << 0LL << 0LL;
    QTest::newRow("huge start") << QByteArray("bytes=99999999999999999999999-") << n << K::Unsatisfiable << 0LL << 0LL;
    QTest::newRow("empty suffix") << QByteArray("bytes=-0") << n << K::Unsatisfiable << 0LL << 0LL;

    QTest::newRow("several ranges") << QByteArray("bytes=0-1,5-6") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("several, one past end") << QByteArray("bytes=0-1, 5000-") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("last before first") << QByteArray("bytes=5-4") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("other unit") << QByteArray("items=0-1") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("no equals") << QByteArray("bytes 0-1") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("space before equals") << QByteArray("bytes =0-1") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("space inside") << QByteArray("bytes=0 -1") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("no dash") << QByteArray("bytes=5") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("dash only") << QByteArray("bytes=-") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("negative") << QByteArray("bytes=--5") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("sign") << QByteArray("bytes=+1-2") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("hex") << QByteArray("bytes=0x1-2") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("empty set") << QByteArray("bytes=") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("only commas") << QByteArray("bytes=, ,") << n << K::Whole << 0LL << 0LL;
    QTest::newRow("too long") << "bytes=0-" + QByteArray(kMaxRangeHeader, '9') << n << K::Whole << 0LL << 0LL;
    QTest::newRow("empty body") << QByteArray("bytes=0-1") << 0LL << K::Whole << 0LL << 0LL;
}

void TestByteRange::resolve()
{
    QFETCH(QByteArray, header);
    QFETCH(qint64, bodyLength);
    QFETCH(ByteRange::Kind, kind);
    const ByteRange r = resolveByteRange(header, bodyLength);
    QCOMPARE(r.kind, kind);
    if (kind == ByteRange::Kind::Partial) {
        QTEST(r.offset, "offset");
        QTEST(r.length, "length");
    }
}

void TestByteRange::contentRange()
{
    QCOMPARE(resolveByteRange("bytes=0-99", 1000).contentRange(1000), QByteArray("bytes 0-99/1000"));
    QCOMPARE(resolveByteRange("bytes=-1", 1000).contentRange(1000), QByteArray("bytes 999-999/1000"));
    QCOMPARE(resolveByteRange("bytes=1000-", 1000).contentRange(1000), QByteArray("bytes */1000"));
}

QTEST_APPLESS_MAIN(TestByteRange)
#include "tst_byterange.moc"
