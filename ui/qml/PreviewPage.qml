// The camera as viewers see it (the service's own LL-HLS stream, played by Qt Multimedia with a
// URL token), next to what the service reports about it.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtMultimedia
import Hlscam

Pane {
    id: page
    property Session session
    padding: 0

    // Qt Multimedia's player on a thread of its own (PreviewPlayer.h: its calls can wait on
    // the network for tens of seconds, which must not freeze the window).
    PreviewPlayer {
        id: player
        objectName: "previewPlayer"
        source: page.session.previewUrl
        videoSink: video.videoSink
        onErrorOccurred: retry.restart()
    }
    function reopen() { player.reopen() }
    // The stream comes back after a camera restart or a network hiccup: open it again, calmly.
    Timer {
        id: retry
        interval: 2000
        onTriggered: if (page.session.connected) page.reopen()
    }
    // A player that stopped getting pictures (a stalled connection, a stream it could not follow)
    // is reopened: the preview never freezes silently.
    property double lastFrameAt: 0
    Connections {
        target: video.videoSink
        function onVideoFrameChanged() { page.lastFrameAt = Date.now() }
    }
    Timer {
        interval: 2000
        repeat: true
        running: page.session.connected && page.session.previewUrl.toString().length > 0
        onTriggered: if (Date.now() - page.lastFrameAt > 6000) { page.lastFrameAt = Date.now(); page.reopen() }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Rectangle {
            color: "black"
            Layout.fillWidth: true
            Layout.fillHeight: true
            VideoOutput {
                id: video
                objectName: "previewVideo"
                anchors.fill: parent
            }
            Label {
                anchors.centerIn: parent
                visible: !player.playing
                color: "white"
                text: player.errorString.length > 0 ? qsTr("Preview: %1 (retrying)").arg(player.errorString)
                      : page.session.previewUrl.toString().length === 0 ? qsTr("Waiting for a preview token…")
                      : qsTr("Loading the stream…")
            }
        }

        ScrollView {
            Layout.preferredWidth: 300
            Layout.fillHeight: true
            ColumnLayout {
                width: 280
                x: 10
                spacing: 6
                Label { text: qsTr("Camera"); font.bold: true; Layout.topMargin: 10 }
                ComboBox {
                    objectName: "previewCamera"
                    model: page.session.cameras
                    textRole: "name"
                    visible: page.session.cameras.count > 1
                    onActivated: page.session.previewCamera = currentText
                    Layout.fillWidth: true
                }
                Repeater {
                    model: page.session.cameras
                    delegate: GridLayout {
                        required property var model
                        visible: model.name === page.session.previewCamera
                        columns: 2
                        columnSpacing: 12
                        Layout.fillWidth: true
                        Label { text: qsTr("Name") }
                        Label { text: model.name; font.bold: true }
                        Label { text: qsTr("State") }
                        Label {
                            objectName: "cameraState"
                            text: model.state
                            color: model.state === "streaming" ? "#1b7a2e" : "#b3261e"
                            font.bold: true
                        }
                        Label { text: qsTr("Source") }
                        Label { text: model.source || "—"; wrapMode: Text.Wrap; Layout.fillWidth: true }
                        Label { text: qsTr("Encoder") }
                        Label { text: model.encoder_in_use || "—" }
                        Label { text: qsTr("Picture") }
                        Label { text: model.width + "×" + model.height + " @ " + model.fps + " fps" }
                        Label { text: qsTr("Bitrate") }
                        Label { text: model.bitrate + " kb/s" }
                        Label { text: qsTr("Viewers") }
                        Label { objectName: "cameraViewers"; text: model.viewers }
                        Label { text: qsTr("Part ready") }
                        Label { text: model.part_delay_ms === undefined || model.part_delay_ms === null ? "—" : qsTr("%1 ms after capture").arg(model.part_delay_ms) }
                        Label { text: qsTr("Frames") }
                        Label { text: model.frames }
                        Label { text: qsTr("Last error"); visible: !!model.last_error }
                        // The fault's kind (no-device, busy, no-permission, ...) beside the sentence.
                        RowLayout {
                            visible: !!model.last_error
                            spacing: 8
                            Layout.fillWidth: true
                            Label {
                                objectName: "cameraFault"
                                visible: !!model.fault
                                text: model.fault || ""
                                color: "white"
                                font.bold: true
                                leftPadding: 6
                                rightPadding: 6
                                background: Rectangle { color: "#b3261e"; radius: 4 }
                                Layout.alignment: Qt.AlignTop
                            }
                            Label {
                                objectName: "cameraError"
                                text: model.last_error || ""
                                color: "#b3261e"
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                        }
                    }
                }
                Label { text: qsTr("Player"); font.bold: true; Layout.topMargin: 12 }
                Label {
                    objectName: "playerState"
                    text: player.playing ? qsTr("playing") : player.errorString.length > 0 ? qsTr("failed") : qsTr("stopped")
                }
            }
        }
    }
}
