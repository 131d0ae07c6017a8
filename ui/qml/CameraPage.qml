// A camera's device, picture size, frame rate, bitrate and encoder; applied live (the camera's
// pipeline restarts: viewers see a short discontinuity, not an error). Below them, the camera's
// own controls (ControlsPanel), each applied as it is changed, without a restart.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hlscam

Pane {
    id: page
    property Session session
    readonly property var current: cameraChoice.currentIndex >= 0 && cameras.count > 0
                                   ? cameras.get(cameraChoice.currentIndex) : ({})

    CamerasModel {
        id: cameras
        objectName: "camerasModel"
        session: page.session
    }

    // The choices for "device": the service's own kinds, then the cameras it found, each also
    // by its stable names (found again when it comes back as another /dev/videoN).
    function deviceChoices() {
        var list = ["auto", "testpattern"]
        for (var i = 0; i < cameras.devices.count; ++i) {
            var device = cameras.devices.get(i)
            list.push(device.path)
            for (var j = 0; device.stable_names && j < device.stable_names.length; ++j)
                list.push(device.stable_names[j])
        }
        if (page.current.device && list.indexOf(page.current.device) < 0)
            list.push(page.current.device)
        return list
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 10

        ErrorBanner { objectName: "camerasError"; text: cameras.error; Layout.fillWidth: true; onDismissed: cameras.refresh() }
        ErrorBanner { objectName: "camerasMessage"; text: cameras.message; tint: "#1b7a2e"; Layout.fillWidth: true }

        GridLayout {
            columns: 2
            columnSpacing: 16
            rowSpacing: 8
            Label { text: qsTr("Camera") }
            ComboBox {
                id: cameraChoice
                objectName: "cameraChoice"
                model: cameras
                textRole: "name"
                Layout.preferredWidth: 260
                // (Qt 6.4 leaves a combo box with no current item when its model fills later.)
                onCountChanged: if (currentIndex < 0 && count > 0) currentIndex = 0
            }
            Label { text: qsTr("Device") }
            ComboBox {
                id: device
                objectName: "deviceField"
                editable: true
                model: page.deviceChoices()
                currentIndex: model.indexOf(page.current.device || "auto")
                Layout.preferredWidth: 260
            }
            Label { text: qsTr("Size") }
            RowLayout {
                SpinBox { id: widthBox; objectName: "widthField"; from: 16; to: 4096; stepSize: 16; editable: true; enabled: !autoSize.checked; value: page.current.width || 640 }
                Label { text: "×"; enabled: !autoSize.checked }
                SpinBox { id: heightBox; objectName: "heightField"; from: 16; to: 4096; stepSize: 8; editable: true; enabled: !autoSize.checked; value: page.current.height || 360 }
                // width = auto and height = auto (sent as 0, both together): the camera's own mode.
                CheckBox {
                    id: autoSize
                    objectName: "autoSizeField"
                    text: qsTr("auto")
                    checked: page.current.width === 0
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("The camera's own size")
                }
            }
            Label { text: qsTr("Frame rate") }
            SpinBox { id: fps; objectName: "fpsField"; from: 1; to: 120; editable: true; value: page.current.fps || 25 }
            Label { text: qsTr("Bitrate (kb/s)") }
            SpinBox { id: bitrate; objectName: "bitrateField"; from: 50; to: 50000; stepSize: 50; editable: true; value: page.current.bitrate || 800 }
            Label { text: qsTr("Encoder") }
            ComboBox {
                id: encoder
                objectName: "encoderField"
                model: ["auto", "copy", "h264_v4l2m2m", "h264_omx", "libx264"]
                currentIndex: Math.max(0, model.indexOf(page.current.encoder || "auto"))
                Layout.preferredWidth: 260
            }
        }

        Label {
            text: qsTr("Applying restarts this camera: viewers see a short jump, then the new picture.")
            color: palette.placeholderText
        }
        RowLayout {
            Button {
                objectName: "applyButton"
                text: qsTr("Apply")
                highlighted: true
                enabled: !cameras.busy && cameras.count > 0
                onClicked: cameras.apply(page.current.name, {
                    "device": device.editText, "width": autoSize.checked ? 0 : widthBox.value,
                    "height": autoSize.checked ? 0 : heightBox.value,
                    "fps": fps.value, "bitrate": bitrate.value, "encoder": encoder.currentText })
            }
            BusyIndicator { running: cameras.busy; visible: running; implicitWidth: 28; implicitHeight: 28 }
            Button { text: qsTr("Reload"); onClicked: { cameras.refresh(); cameras.refreshDevices(); controls.refresh() } }
        }
        ControlsPanel {
            id: controls
            session: page.session
            camera: page.current.name || ""
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
    }
}
