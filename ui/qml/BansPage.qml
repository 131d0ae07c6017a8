// Addresses banned after failed logins (fail2ban's rules, built in), and lifting a ban.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hlscam

Pane {
    id: page
    property Session session

    BansModel {
        id: bans
        objectName: "bansModel"
        session: page.session
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        ErrorBanner { text: bans.error; Layout.fillWidth: true; onDismissed: bans.refresh() }
        ErrorBanner { objectName: "bansMessage"; text: bans.message; tint: "#1b7a2e"; Layout.fillWidth: true }

        RowLayout {
            Label {
                text: bans.count === 0 ? qsTr("No address is banned.")
                      : bans.count === 1 ? qsTr("1 banned address") : qsTr("%1 banned addresses").arg(bans.count)
                Layout.fillWidth: true
            }
            BusyIndicator { running: bans.busy; implicitWidth: 28; implicitHeight: 28 }
            Button { objectName: "refreshBansButton"; text: qsTr("Refresh"); onClicked: bans.refresh() }
        }

        ListView {
            objectName: "bansList"
            model: bans
            clip: true
            spacing: 2
            Layout.fillWidth: true
            Layout.fillHeight: true
            ScrollBar.vertical: ScrollBar {}
            delegate: Frame {
                id: row
                required property string address
                required property var banned_at
                required property var banned_until
                required property int ban_count
                width: ListView.view.width
                RowLayout {
                    anchors.fill: parent
                    Label { text: row.address; font.bold: true; Layout.preferredWidth: 220 }
                    Label { text: qsTr("since %1").arg(Format.when(row.banned_at)); Layout.preferredWidth: 200 }
                    Label { text: qsTr("until %1").arg(Format.when(row.banned_until)); Layout.preferredWidth: 220 }
                    Label { text: qsTr("ban #%1").arg(row.ban_count) }
                    Item { Layout.fillWidth: true }
                    Button {
                        objectName: "unban-" + row.address
                        text: qsTr("Unban")
                        onClicked: bans.unban(row.address)
                    }
                }
            }
        }
    }
}
