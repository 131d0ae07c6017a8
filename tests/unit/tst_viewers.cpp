// Counting viewers of an HLS camera: distinct clients within the last window, per camera.
#include "http/ViewerCounter.h"

#include <QtTest>

using namespace hlscam;

class TestViewers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void distinctClientsWithinTheWindow();
    void unknownCamerasAreNotTracked();
    void aFloodOfClientsIsBounded();
};

void TestViewers::distinctClientsWithinTheWindow()
{
    ViewerCounter v({QStringLiteral("cam0"), QStringLiteral("cam1")});
    const QString cam0 = QStringLiteral("cam0");
    QCOMPARE(v.count(cam0, 0), 0);
    v.seen(cam0, "127.0.0.2 alice", 1000);
    v.seen(cam0, "127.0.0.2 alice", 1500);  // the same player polling
    v.seen(cam0, "127.0.0.3 bob", 2000);
    v.seen(QStringLiteral("cam1"), "127.0.0.3 bob", 2000);
    QCOMPARE(v.count(cam0, 2000), 2);
    QCOMPARE(v.count(QStringLiteral("cam1"), 2000), 1);
    // Alice last polled at 1.5 s: gone once the window has passed since then; Bob still there.
    QCOMPARE(v.count(cam0, 1500 + ViewerCounter::kWindowMs - 1), 2);
    QCOMPARE(v.count(cam0, 1500 + ViewerCounter::kWindowMs + 1), 1);
    QCOMPARE(v.count(cam0, 2000 + ViewerCounter::kWindowMs + 1), 0);
}

void TestViewers::unknownCamerasAreNotTracked()
{
    ViewerCounter v({QStringLiteral("cam0")});
    v.seen(QStringLiteral("nope"), "127.0.0.2 alice", 1000);
    QCOMPARE(v.count(QStringLiteral("nope"), 1000), 0);
    QCOMPARE(v.count(QStringLiteral("cam0"), 1000), 0);
}

void TestViewers::aFloodOfClientsIsBounded()
{
    ViewerCounter v({QStringLiteral("cam0")});
    for (int i = 0; i < ViewerCounter::kMaxTrackedPerCamera + 500; ++i)
        v.seen(QStringLiteral("cam0"), QByteArray::number(i), 1000);
    QCOMPARE(v.count(QStringLiteral("cam0"), 1000), ViewerCounter::kMaxTrackedPerCamera);
    // Once they have gone quiet, new clients are counted again.
    v.seen(QStringLiteral("cam0"), "late", 1000 + ViewerCounter::kWindowMs + 1);
    QCOMPARE(v.count(QStringLiteral("cam0"), 1000 + ViewerCounter::kWindowMs + 1), 1);
}

QTEST_GUILESS_MAIN(TestViewers)
#include "tst_viewers.moc"
