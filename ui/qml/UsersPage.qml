// Who may watch and who may manage: add, remove, change a password, a role or the cameras a
// viewer may see (empty: every camera; admins always see every camera).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hlscam

Pane {
    id: page
    property Session session

    UsersModel {
        id: users
        objectName: "usersModel"
        session: page.session
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        ErrorBanner { text: users.error; Layout.fillWidth: true; onDismissed: users.refresh() }
        ErrorBanner { objectName: "usersMessage"; text: users.message; tint: "#1b7a2e"; Layout.fillWidth: true }

        GroupBox {
            title: qsTr("Add a user")
            Layout.fillWidth: true
            RowLayout {
                anchors.fill: parent
                TextField { id: newName; objectName: "newUserName"; placeholderText: qsTr("name"); Layout.preferredWidth: 180 }
                TextField { id: newPassword; objectName: "newUserPassword"; placeholderText: qsTr("password"); echoMode: TextInput.Password; Layout.preferredWidth: 180 }
                ComboBox { id: newRole; objectName: "newUserRole"; model: ["viewer", "admin"] }
                TextField {
                    id: newCameras
                    objectName: "newUserCameras"
                    placeholderText: qsTr("cameras: all, or cam0,garden")
                    enabled: newRole.currentText === "viewer"
                    Layout.preferredWidth: 220
                }
                Button {
                    objectName: "addUserButton"
                    text: qsTr("Add")
                    enabled: !users.busy
                    onClicked: {
                        users.add(newName.text, newPassword.text, newRole.currentText,
                                  newRole.currentText === "viewer" ? newCameras.text : "")
                        newPassword.text = ""
                    }
                }
                BusyIndicator { running: users.busy; implicitWidth: 28; implicitHeight: 28 }
                Item { Layout.fillWidth: true }
            }
        }

        ListView {
            objectName: "usersList"
            model: users
            clip: true
            spacing: 2
            Layout.fillWidth: true
            Layout.fillHeight: true
            ScrollBar.vertical: ScrollBar {}
            delegate: Frame {
                id: row
                required property string name
                required property string role
                required property var cameras  // the names, or null for every camera
                readonly property string camerasText: cameras ? cameras.join(",") : ""
                width: ListView.view.width
                RowLayout {
                    anchors.fill: parent
                    Label { text: row.name; font.bold: true; Layout.preferredWidth: 140; elide: Text.ElideRight }
                    ComboBox {
                        model: ["viewer", "admin"]
                        currentIndex: row.role === "admin" ? 1 : 0
                        onActivated: users.setRole(row.name, currentText)
                    }
                    // What the user sees now, and a field to change it (empty: every camera).
                    Label {
                        objectName: "camerasOf-" + row.name
                        text: row.role === "admin" ? qsTr("every camera (admin)")
                              : row.cameras === null || row.cameras === undefined ? qsTr("every camera")
                              : row.cameras.length === 0 ? qsTr("no camera (fix its line in the users file)")
                              : row.camerasText
                        Layout.preferredWidth: 150
                        elide: Text.ElideRight
                    }
                    TextField {
                        id: camerasField
                        objectName: "camerasField-" + row.name
                        text: row.camerasText
                        placeholderText: qsTr("all cameras")
                        // Hidden for admins but keeping its place, so the columns line up.
                        enabled: row.role !== "admin"
                        opacity: enabled ? 1 : 0
                        Layout.preferredWidth: 120
                    }
                    Button {
                        objectName: "setCameras-" + row.name
                        text: qsTr("Set cameras")
                        enabled: row.role !== "admin"
                        opacity: enabled ? 1 : 0
                        onClicked: users.setCameras(row.name, camerasField.text)
                    }
                    TextField { id: changed; placeholderText: qsTr("new password"); echoMode: TextInput.Password; Layout.preferredWidth: 130 }
                    Button {
                        text: qsTr("Set password")
                        onClicked: { users.setPassword(row.name, changed.text); changed.text = "" }
                    }
                    Item { Layout.fillWidth: true }
                    Button {
                        text: qsTr("Remove")
                        enabled: row.name !== page.session.user
                        onClicked: users.remove(row.name)
                    }
                }
            }
        }
    }
}
