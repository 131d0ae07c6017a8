// Numbers as people read them.
pragma Singleton
import QtQuick

QtObject {
    function duration(seconds) {
        if (seconds < 60) return seconds + " s"
        if (seconds < 3600) return Math.floor(seconds / 60) + " min"
        if (seconds < 86400) return Math.floor(seconds / 3600) + " h " + Math.floor(seconds % 3600 / 60) + " min"
        return Math.floor(seconds / 86400) + " d " + Math.floor(seconds % 86400 / 3600) + " h"
    }
    function when(iso) {
        return iso ? new Date(iso).toLocaleString(Qt.locale(), Locale.ShortFormat) : qsTr("never (permanent)")
    }
}
