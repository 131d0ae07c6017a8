// Boards that announce themselves on the LAN (mDNS/DNS-SD, _hlscam._tcp).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ColumnLayout {
    signal picked(string hostPort)
    Label {
        text: qsTr("Looking for boards…")
        color: palette.placeholderText
    }
}
