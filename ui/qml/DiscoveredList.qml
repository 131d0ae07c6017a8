// Boards that announce themselves on the LAN (mDNS/DNS-SD, _hlscam._tcp): one click puts the
// address in the form, and nothing more (anyone on the LAN can announce any name).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hlscam

ColumnLayout {
    id: list
    signal picked(string address, string name)

    DiscoveredBoards { id: boards; objectName: "discoveredBoards" }

    RowLayout {
        Layout.fillWidth: true
        Label {
            text: boards.error.length > 0 ? boards.error
                  : boards.count === 0 ? qsTr("Looking for boards…") : qsTr("Found %1").arg(boards.count)
            color: boards.error.length > 0 ? "#b3261e" : palette.placeholderText
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Button { text: qsTr("Search again"); onClicked: boards.refresh() }
    }
    ListView {
        objectName: "discoveredList"
        model: boards
        clip: true
        Layout.fillWidth: true
        Layout.fillHeight: true
        delegate: ItemDelegate {
            required property string name
            required property string address
            required property string version
            objectName: "found-" + address
            width: ListView.view.width
            text: name + "\n" + address + (version ? "  ·  hlscam " + version : "")
            onClicked: list.picked(address, name)
        }
    }
}
