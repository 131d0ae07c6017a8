// The desktop app's window: the connect page until a service is reached, then its preview,
// users, bans and camera settings. Errors show in a banner at the top, never silently.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hlscam

ApplicationWindow {
    id: window
    width: 1100
    height: 720
    minimumWidth: 760
    minimumHeight: 520
    visible: true
    title: session.connected ? qsTr("hlscam — %1").arg(session.address) : qsTr("hlscam")

    Session {
        id: session
        objectName: "session"
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 8
            Label {
                text: session.connected
                      ? (session.local ? qsTr("Local service (this computer)") : session.address)
                        + qsTr("  ·  hlscam %1  ·  up %2").arg(session.version).arg(Format.duration(session.uptime))
                      : qsTr("Not connected")
                font.bold: true
                Layout.fillWidth: true
                elide: Text.ElideRight
            }
            BusyIndicator {
                running: session.busy
                visible: running
                implicitHeight: 28
                implicitWidth: 28
            }
            Button {
                objectName: "disconnectButton"
                text: session.local ? qsTr("Stop local service") : qsTr("Disconnect")
                visible: session.connected
                onClicked: session.disconnectFrom()
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        ErrorBanner {
            objectName: "sessionError"
            text: session.error
            onDismissed: session.clearError()
            Layout.fillWidth: true
        }

        ConnectPage {
            visible: !session.connected
            session: session
            Layout.fillWidth: true
            Layout.fillHeight: true
        }

        TabBar {
            id: tabs
            objectName: "tabs"
            visible: session.connected
            Layout.fillWidth: true
            TabButton { objectName: "previewTab"; text: qsTr("Preview") }
            TabButton { objectName: "usersTab"; text: qsTr("Users") }
            TabButton { objectName: "bansTab"; text: qsTr("Bans") }
            TabButton { objectName: "cameraTab"; text: qsTr("Camera") }
        }

        StackLayout {
            visible: session.connected
            currentIndex: tabs.currentIndex
            Layout.fillWidth: true
            Layout.fillHeight: true
            PreviewPage { session: session }
            UsersPage { session: session }
            BansPage { session: session }
            CameraPage { session: session }
        }
    }
}
