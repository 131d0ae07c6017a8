// Drives the desktop app's real window the way a person does, for the tests under Xvfb: finds
// items by objectName, clicks them, types into them, reads what they show, and saves
// screenshots into HLSCAM_TEST_OUTPUT. A test class inherits it and opens the window with
// openMainWindow().
#pragma once

#include "DesktopApp.h"
#include "Session.h"

#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

class WindowDriver {
protected:
    // Keeps what the app remembers (recent boards, trusted certificates, its settings) out of the
    // user's: under `home` and Qt's test locations, emptied. Makes the screenshots' folder.
    void isolateState(const QTemporaryDir &home)
    {
        qputenv("XDG_STATE_HOME", QFile::encodeName(home.filePath(QStringLiteral("state"))));
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QDir().mkpath(m_output);
    }

    // Loads the app's Main.qml into m_engine, waits for its window (m_window) to be shown and
    // finds its Session (m_session). Its checks fail the calling test function; false then:
    //     if (!openMainWindow()) return;
    bool openMainWindow()
    {
        const auto open = [this] {
            m_engine = std::make_unique<QQmlApplicationEngine>();
            m_engine->load(hlscam::ui::mainWindowUrl());
            QVERIFY2(!m_engine->rootObjects().isEmpty(), "Main.qml did not load (see the QML errors above)");
            m_window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().first());
            QVERIFY(m_window);
            QVERIFY(QTest::qWaitForWindowExposed(m_window));
            m_window->requestActivate();
            m_session = m_window->findChild<hlscam::ui::Session *>();
            QVERIFY(m_session);
        };
        open();
        return !QTest::currentTestFailed();
    }

    // An object of the window by objectName: QML children, or items a view created (delegates
    // hang in the item tree only).
    template <typename T = QObject>
    T *find(const char *name) const
    {
        return qobject_cast<T *>(findObject(QLatin1String(name)));
    }

    QObject *findObject(QLatin1String name) const
    {
        if (QObject *o = m_window->findChild<QObject *>(name))
            return o;
        QList<QQuickItem *> todo{m_window->contentItem()};
        while (!todo.isEmpty()) {
            QQuickItem *item = todo.takeLast();
            if (item->objectName() == name)
                return item;
            todo << item->childItems();
        }
        return nullptr;
    }

    bool click(const char *name)
    {
        auto *item = find<QQuickItem>(name);
        if (!item || !item->isVisible() || !item->isEnabled()) {
            qWarning("%s: missing, hidden or disabled", name);
            return false;
        }
        const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QTest::mouseClick(m_window, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
        return true;
    }

    // Replaces the text of a field (or an editable combo box) by typing; true when it shows it.
    bool type(const char *name, const QString &text)
    {
        if (!click(name))
            return false;
        QTest::keyClick(m_window, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(m_window, Qt::Key_Delete);
        for (const QChar c : text)  // (QTest has keyClicks for widgets only)
            QTest::keyClick(m_window, c.toLatin1());
        QObject *item = findObject(QLatin1String(name));
        const QVariant shown =
            item->property("editText").isValid() ? item->property("editText") : item->property("text");
        return shown.toString() == text;
    }

    bool shown(const char *name) const
    {
        QObject *o = findObject(QLatin1String(name));
        return o && o->property("visible").toBool();
    }

    QString textOf(const char *name) const
    {
        QObject *o = findObject(QLatin1String(name));
        return o ? o->property("text").toString() : QStringLiteral("<no %1>").arg(QLatin1String(name));
    }

    // The session's error banner, when it is shown.
    QString errorShown() const
    {
        QObject *banner = find("sessionError");
        QObject *text = banner ? banner->findChild<QObject *>(QStringLiteral("errorText")) : nullptr;
        return banner && banner->property("visible").toBool() && text ? text->property("text").toString() : QString();
    }

    void shot(const QString &name)
    {
        QTest::qWait(300);  // let the scene settle (busy indicators, fades)
        const QString path = m_output + QStringLiteral("/desktop-%1.png").arg(name);
        QVERIFY2(m_window->grabWindow().save(path), qPrintable(path));
        qInfo("screenshot: %s", qPrintable(path));
    }

    std::unique_ptr<QQmlApplicationEngine> m_engine;  // reset it before stopping a service it talks to
    QQuickWindow *m_window = nullptr;
    hlscam::ui::Session *m_session = nullptr;
    QString m_output = qEnvironmentVariable("HLSCAM_TEST_OUTPUT", QDir::tempPath());
};

// The main() of a desktop test: the app's environment and setup, then the test class's functions.
#define HLSCAM_DESKTOP_TEST_MAIN(TestClass)     \
    int main(int argc, char *argv[])            \
    {                                           \
        hlscam::ui::prepareEnvironment();       \
        QGuiApplication app(argc, argv);        \
        hlscam::ui::setUp();                    \
        TestClass test;                         \
        return QTest::qExec(&test, argc, argv); \
    }
