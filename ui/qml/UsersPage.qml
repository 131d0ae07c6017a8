// Who may watch and who may manage: add, remove, change a password or a role.
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
                Button {
                    objectName: "addUserButton"
                    text: qsTr("Add")
                    enabled: !users.busy
                    onClicked: {
                        users.add(newName.text, newPassword.text, newRole.currentText)
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
                width: ListView.view.width
                RowLayout {
                    anchors.fill: parent
                    Label { text: row.name; font.bold: true; Layout.preferredWidth: 200; elide: Text.ElideRight }
                    ComboBox {
                        model: ["viewer", "admin"]
                        currentIndex: row.role === "admin" ? 1 : 0
                        onActivated: users.setRole(row.name, currentText)
                    }
                    TextField { id: changed; placeholderText: qsTr("new password"); echoMode: TextInput.Password; Layout.preferredWidth: 160 }
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
