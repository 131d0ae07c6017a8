// Log in to a board (typed, recent or found on the LAN) or run a service on this computer.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hlscam

Pane {
    id: page
    property Session session

    function login() {
        page.session.connectTo(addressInput.text, userInput.text, passwordInput.text)
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: 32

        ColumnLayout {
            Layout.preferredWidth: 400
            Layout.maximumWidth: 400
            Layout.alignment: Qt.AlignTop
            spacing: 10

            Label { text: qsTr("Connect to a board"); font.pixelSize: 22 }
            Label {
                text: qsTr("The address of an hlscam service and an admin account.")
                color: palette.placeholderText
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Label { text: qsTr("Address") }
            TextField {
                id: addressInput
                objectName: "addressField"
                placeholderText: qsTr("192.168.1.20:8080 or raspberrypi.local:8080")
                Layout.fillWidth: true
                onAccepted: userInput.forceActiveFocus()
            }
            Label { text: qsTr("User") }
            TextField {
                id: userInput
                objectName: "userField"
                text: "admin"
                Layout.fillWidth: true
                onAccepted: passwordInput.forceActiveFocus()
            }
            Label { text: qsTr("Password") }
            TextField {
                id: passwordInput
                objectName: "passwordField"
                echoMode: TextInput.Password
                Layout.fillWidth: true
                onAccepted: page.login()
            }
            RowLayout {
                Button {
                    objectName: "connectButton"
                    text: qsTr("Connect")
                    highlighted: true
                    enabled: !page.session.busy
                    onClicked: page.login()
                }
                BusyIndicator {
                    running: page.session.busy
                    visible: running
                    implicitWidth: 32
                    implicitHeight: 32
                }
                Label {
                    objectName: "progressText"
                    text: page.session.progress
                    Layout.fillWidth: true
                    elide: Text.ElideRight
                }
            }

            MenuSeparator { Layout.fillWidth: true }
            Label { text: qsTr("No board yet?"); font.bold: true }
            Label {
                text: qsTr("Run the service on this computer: its camera, or a test pattern when it has none. "
                           + "Only this computer can reach it.")
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Button {
                objectName: "localButton"
                text: qsTr("Run on this computer")
                enabled: !page.session.busy
                onClicked: page.session.startLocal()
            }
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 8

            Label { text: qsTr("Recent"); font.bold: true }
            Label {
                visible: page.session.recent.count === 0
                text: qsTr("Boards you connect to are listed here.")
                color: palette.placeholderText
            }
            ListView {
                objectName: "recentList"
                model: page.session.recent
                clip: true
                implicitHeight: contentHeight
                Layout.fillWidth: true
                Layout.maximumHeight: 240
                delegate: ItemDelegate {
                    required property string address
                    required property string user
                    width: ListView.view.width
                    text: address + "  (" + user + ")"
                    onClicked: {
                        addressInput.text = address
                        userInput.text = user
                        passwordInput.forceActiveFocus()
                    }
                }
            }

            Label { text: qsTr("On this network"); font.bold: true; Layout.topMargin: 16 }
            DiscoveredList {
                onPicked: function(address) {
                    addressInput.text = address
                    passwordInput.forceActiveFocus()
                }
                Layout.fillWidth: true
                Layout.fillHeight: true
            }
        }
    }
}
