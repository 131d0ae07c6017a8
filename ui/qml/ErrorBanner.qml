// A plain, dismissable line for what went wrong; hidden when there is nothing to say.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: banner
    property alias text: label.text
    property color tint: "#b3261e"
    signal dismissed()

    visible: text.length > 0
    implicitHeight: visible ? row.implicitHeight + 16 : 0
    color: Qt.rgba(tint.r, tint.g, tint.b, 0.1)
    border.color: tint

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: 8
        Label {
            id: label
            objectName: "errorText"
            color: banner.tint
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        ToolButton {
            text: "✕"
            onClicked: banner.dismissed()
        }
    }
}
