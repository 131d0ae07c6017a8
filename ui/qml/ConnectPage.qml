// Log in to a board (typed, recent or found on the LAN) or run a service on this computer. The
// address a login goes to is always shown under the field (scheme, host, port) before anything
// is sent; a board found on the LAN only fills the form, and the password has to be typed for it.
// The first HTTPS connection to a board asks whether to trust its certificate.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hlscam

Pane {
    id: page
    property Session session
    // The board picked from the LAN list, while the address field still holds its address.
    property string pickedName
    property string pickedAddress
    readonly property string target: session.loginTarget(addressInput.text)

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
            Label {
                objectName: "loginTarget"
                visible: text.length > 0
                text: page.target.length === 0 ? ""
                      : page.target.startsWith("https:")
                        ? qsTr("Logs in to %1 over HTTPS: the board's certificate is checked before the password is sent").arg(page.target)
                        : qsTr("Logs in to %1 over plain HTTP: the password crosses the network unencrypted").arg(page.target)
                color: page.target.startsWith("https:") ? palette.placeholderText : "#8a5300"
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Label {
                objectName: "pickedNote"
                visible: page.pickedName.length > 0 && addressInput.text === page.pickedAddress
                text: qsTr("Found on this network as “%1”. Any computer on the network can announce itself "
                           + "under any name: check that this is your board's address.").arg(page.pickedName)
                wrapMode: Text.Wrap
                Layout.fillWidth: true
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
            Button {
                objectName: "forgetCertificateButton"
                visible: page.session.changedCertificate.length > 0
                text: qsTr("Forget the certificate trusted for %1").arg(page.session.changedCertificate)
                onClicked: page.session.forgetCertificate()
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
                        passwordInput.text = ""
                        passwordInput.forceActiveFocus()
                    }
                }
            }

            Label { text: qsTr("On this network"); font.bold: true; Layout.topMargin: 16 }
            DiscoveredList {
                // Fills the form, sends nothing: a password typed for another board is cleared.
                onPicked: function(address, name) {
                    page.pickedName = name
                    page.pickedAddress = address
                    addressInput.text = address
                    passwordInput.text = ""
                    passwordInput.forceActiveFocus()
                }
                Layout.fillWidth: true
                Layout.fillHeight: true
            }
        }
    }

    Popup {
        objectName: "trustPrompt"
        parent: Overlay.overlay
        anchors.centerIn: parent
        width: Math.min(600, parent.width - 48)
        modal: true
        closePolicy: Popup.NoAutoClose
        visible: page.session.trustFingerprint.length > 0
        padding: 20
        contentItem: ColumnLayout {
            spacing: 12
            Label { text: qsTr("Trust this board's certificate?"); font.pixelSize: 20; font.bold: true }
            Label {
                text: qsTr("This is the first secure connection to %1. Its certificate is not vouched for by "
                           + "an authority (a board usually makes its own). Compare the fingerprint below with the "
                           + "one the board printed when it started (“certificate SHA-256 fingerprint”). Once "
                           + "trusted, the password goes to this address only while it shows this same "
                           + "certificate. Nothing has been sent yet.").arg(page.session.trustAddress)
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Label { text: qsTr("SHA-256 fingerprint"); font.bold: true }
            Label {
                objectName: "trustFingerprint"
                // 32 bytes as two lines of 16, as people read them out.
                text: page.session.trustFingerprint.substring(0, 47) + "\n" + page.session.trustFingerprint.substring(48)
                font.family: "monospace"
                Layout.fillWidth: true
            }
            RowLayout {
                Layout.alignment: Qt.AlignRight
                Button {
                    objectName: "cancelTrustButton"
                    text: qsTr("Cancel")
                    onClicked: page.session.cancelTrust()
                }
                Button {
                    objectName: "trustButton"
                    text: qsTr("Trust and log in")
                    highlighted: true
                    onClicked: page.session.trustCertificate()
                }
            }
        }
    }
}
