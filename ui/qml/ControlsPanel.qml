// The camera's controls as its driver offers them: a slider for a number, a switch for on/off, a
// list for a menu, a button for an action. Each change is written at once (PUT .../controls) and
// the list read back, so what shows is what the device took. Read-only controls are shown
// disabled, inactive ones (e.g. gain while automatic gain is on) dimmed.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hlscam

ColumnLayout {
    id: panel
    property alias session: controls.session
    property alias camera: controls.camera
    function refresh() { controls.refresh() }
    spacing: 6

    ControlsModel {
        id: controls
        objectName: "controlsModel"
    }

    RowLayout {
        Label { text: qsTr("Picture controls"); font.bold: true }
        BusyIndicator { running: controls.busy; visible: running; implicitWidth: 20; implicitHeight: 20 }
        Label { objectName: "controlsMessage"; text: controls.message; color: "#1b7a2e"; elide: Text.ElideRight; Layout.fillWidth: true }
    }
    ErrorBanner { objectName: "controlsError"; text: controls.error; Layout.fillWidth: true; onDismissed: controls.refresh() }
    Label {
        objectName: "noControls"
        visible: controls.count === 0 && !controls.busy && !controls.error
        text: qsTr("This camera has no controls (the test pattern and media files have none).")
        color: palette.placeholderText
    }

    ListView {
        id: list
        objectName: "controlsList"
        model: controls
        clip: true
        spacing: 2
        Layout.fillWidth: true
        Layout.fillHeight: true
        ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }

        delegate: RowLayout {
            id: row
            required property string key
            required property string name
            required property string type
            required property var min
            required property var max
            required property var step
            required property var value
            required property var menu
            required property bool read_only
            required property bool inactive
            width: ListView.view.width - 16
            enabled: !read_only && !controls.busy
            opacity: inactive ? 0.5 : 1

            Label {
                text: row.name
                elide: Text.ElideRight
                Layout.preferredWidth: 220
                ToolTip.visible: hover.hovered
                ToolTip.text: row.key + (row.read_only ? qsTr(" (read-only)") : row.inactive ? qsTr(" (inactive now)") : "")
                HoverHandler { id: hover }
            }
            Loader {
                Layout.fillWidth: true
                sourceComponent: row.type === "bool" ? toggle
                               : row.type === "menu" || row.type === "int_menu" ? choice
                               : row.type === "button" ? press
                               : row.type === "int" && row.max - row.min <= 100000 ? slider
                               : number
            }

            Component {
                id: slider
                RowLayout {
                    Slider {
                        id: s
                        objectName: "control_" + row.key
                        from: row.min; to: row.max; stepSize: Math.max(1, row.step); snapMode: Slider.SnapAlways
                        value: row.value === null ? row.min : row.value
                        Layout.fillWidth: true
                        // Written when let go (or moved by the keyboard), not at every pixel of a drag.
                        onPressedChanged: if (!pressed && Math.round(value) !== row.value) controls.set(row.key, Math.round(value))
                        Keys.onReleased: if (Math.round(value) !== row.value) controls.set(row.key, Math.round(value))
                    }
                    Label { text: Math.round(s.value); Layout.preferredWidth: 50; horizontalAlignment: Text.AlignRight }
                }
            }
            Component {
                id: number
                RowLayout {
                    TextField {
                        objectName: "control_" + row.key
                        text: row.value === null ? "" : String(row.value)
                        validator: RegularExpressionValidator { regularExpression: /-?[0-9]{1,19}/ }
                        Layout.preferredWidth: 200
                        onAccepted: controls.set(row.key, Number(text))
                    }
                    Label { text: qsTr("%1 to %2").arg(String(row.min)).arg(String(row.max)); color: palette.placeholderText }
                }
            }
            Component {
                id: toggle
                RowLayout {
                    Switch {
                        objectName: "control_" + row.key
                        checked: row.value === true
                        onToggled: controls.set(row.key, checked)
                    }
                    Item { Layout.fillWidth: true }
                }
            }
            Component {
                id: choice
                ComboBox {
                    objectName: "control_" + row.key
                    model: row.menu
                    textRole: "name"
                    currentIndex: {
                        for (var i = 0; i < row.menu.length; ++i)
                            if (row.menu[i].index === row.value)
                                return i
                        return -1
                    }
                    Layout.preferredWidth: 260
                    onActivated: (i) => controls.set(row.key, row.menu[i].index)
                }
            }
            Component {
                id: press
                RowLayout {
                    Button { objectName: "control_" + row.key; text: qsTr("Press"); onClicked: controls.set(row.key, true) }
                    Item { Layout.fillWidth: true }
                }
            }
        }
    }
}
