#!/usr/bin/env bash
# Camera controls on a real driver (vivid): the API lists the driver's controls; brightness set
# through the API changes the pixels (ffmpeg on the host decodes a frame before and after and
# compares the mean luma); bad values are refused by name; and the value is kept across a
# restart and written to the device again when it opens (the test resets the device between
# the two runs, as a replug would).
source "$(dirname "$0")/lib.sh"

admin=boss
password=pw-vm-controls
write_config /dev/video0 640 360 25

# In the VM: the service, stopped when the host asks (a file in the shared directory), the
# device's brightness put back to its default, and the service started again on the same state.
cat >"$TEST_DIR/guest.sh" <<'EOF'
set -u
bin=$1 dir=$2
mkdir -p /tmp/state
echo "$3" | "$bin" users add "$4" --role admin --state-dir /tmp/state
"$bin" serve --config "$dir/hlscam.conf" --state-dir /tmp/state &
pid=$!
i=0
while [ ! -e "$dir/restart" ] && [ $i -lt 1200 ]; do sleep 0.2; i=$((i + 1)); done
kill "$pid"; wait "$pid"; echo "first run: exit $?"
echo "cameras.conf: $(grep '^controls' /tmp/state/cameras.conf)"
v4l2-ctl -d /dev/video0 -c brightness=128 && echo "device reset: $(v4l2-ctl -d /dev/video0 -C brightness)"
exec "$bin" serve --config "$dir/hlscam.conf" --state-dir /tmp/state
EOF

port=$(free_port)
vm_start --forward "$port:8080" --share "$TEST_DIR" --modprobe "$VIVID_WEBCAM" --timeout 280 -- \
  sh "$TEST_DIR/guest.sh" "$HLSCAM_BINARY" "$TEST_DIR" "$password" "$admin"

base="http://127.0.0.1:$port"
api() { curl -s -m 10 -u "$admin:$password" "$@"; }
put() { api -o "$TEST_DIR/put.json" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' -d "$1" \
  "$base/api/v1/cameras/cam0/controls"; }
streaming() { grep -q '"state":"streaming"' <<<"$(api "$base/api/v1/status")"; }
wait_until 150 "the camera streams" streaming
say "streaming $((SECONDS - VM_STARTED)) s after the VM started"

# The driver's controls, with vivid's ranges, menus and flags.
controls=$(api "$base/api/v1/cameras/cam0/controls")
brightness=$(jq -c '.[] | select(.key == "brightness") | [.type, .min, .max, .step, .default, .value]' <<<"$controls")
expect_eq "$brightness" '["int",0,255,1,128,128]' "brightness as the API lists it"
expect_eq "$(jq -r '.[] | select(.key == "gain_automatic") | .type' <<<"$controls")" bool "a boolean control"
expect_eq "$(jq -c '.[] | select(.key == "menu") | [.menu[].index]' <<<"$controls")" '[1,3,4]' \
  "a menu with a hole (vivid skips its entry 2)"
expect_eq "$(jq -r '.[] | select(.key == "read_only_integer_32_bits") | .read_only' <<<"$controls")" true \
  "a read-only control"
expect_eq "$(jq -r '.[] | select(.key == "gain") | .inactive' <<<"$controls")" true \
  "gain is inactive while gain_automatic is on"
expect_eq "$(jq '[.[] | select(.key == "string" or .key == "area")] | length' <<<"$controls")" 0 \
  "compound controls are left out"
say "$(jq length <<<"$controls") controls listed"

# Mean luma of the newest picture, decoded on the host from the live playlist.
luma() {
  timeout 60 ffmpeg -nostdin -v error -live_start_index -1 \
    -headers "Authorization: Basic $(printf '%s:%s' "$admin" "$password" | base64)"$'\r\n' \
    -i "$base/cam/cam0/index.m3u8" -frames:v 1 -vf signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=- \
    -f null - 2>/dev/null | sed -n 's/.*YAVG=\([0-9.]*\).*/\1/p' | sed -n 1p
}
msn() { api "$base/cam/cam0/index.m3u8" | sed -n 's/^#EXT-X-MEDIA-SEQUENCE://p'; }
msn_past() { [ "$(msn)" -ge "$1" ]; }

before=$(luma)
[ -n "$before" ] || fail "no luma read from the stream before the change"
code=$(put '{"brightness": 250}')
expect_eq "$code" 200 "PUT brightness 250: $(cat "$TEST_DIR/put.json")"
expect_eq "$(jq '.[] | select(.key == "brightness") | .value' "$TEST_DIR/put.json")" 250 \
  "the answer reads the value back from the device"
# The window moves past what was captured before the change; then the newest picture is
# brighter (read again until it is: a loaded TCG VM can lag behind its playlist).
from=$(msn)
wait_until 60 "new segments after the change" msn_past $((from + 3))
brighter() {
  after=$(luma)
  [ -n "$after" ] && awk -v a="$before" -v b="$after" 'BEGIN { exit !(b > a + 30) }'
}
after=""
wait_until 90 "brightness 250 to brighten the picture (mean luma $before before)" brighter
say "mean luma: $before at brightness 128, $after at 250"

# Refused, with the reason, and nothing changes.
expect_eq "$(put '{"brightness": 256}')" 400 "out of range"
expect_match "$(cat "$TEST_DIR/put.json")" 'brightness: 256 is out of range \(allowed: 0 to 255\)' "the reason"
expect_eq "$(put '{"read_only_integer_32_bits": 1}')" 400 "read-only"
expect_eq "$(put '{"no_such_control": 1}')" 400 "unknown key"
expect_match "$(cat "$TEST_DIR/put.json")" "unknown control 'no_such_control'" "names the key"
expect_eq "$(put '{"brightness": 10, "contrast": 999}')" 400 "one bad value"
expect_eq "$(api "$base/api/v1/cameras/cam0/controls" | jq '.[] | select(.key == "brightness") | .value')" 250 \
  "one bad value changes none"
expect_eq "$(put '{"menu": "Menu Item 4", "horizontal_flip": true}')" 200 "a menu entry by name, a switch"
expect_eq "$(jq -c '[.[] | select(.key == "menu" or .key == "horizontal_flip") | .value]' "$TEST_DIR/put.json")" \
  '[true,4]' "menu and flip read back"

# Kept across a restart and written to the device (reset to 128 meanwhile) when it opens.
touch "$TEST_DIR/restart"
wait_until 60 "the first run to stop and the device to be reset" grep -q '^device reset:' "$VM_LOG"
expect_match "$(cat "$VM_LOG")" '^first run: exit 0$' "the first run stopped cleanly"
expect_match "$(cat "$VM_LOG")" '^cameras.conf: controls = brightness=250 horizontal_flip=1 menu=4$' "kept in cameras.conf"
expect_match "$(cat "$VM_LOG")" '^device reset: brightness: 128$' "the device was reset between the runs"
sleep 1
wait_until 150 "the camera streams again" streaming
expect_eq "$(api "$base/api/v1/cameras/cam0/controls" | jq '.[] | select(.key == "brightness") | .value')" 250 \
  "brightness applied again when the camera opened"
expect_match "$(cat "$VM_LOG")" 'cam0 controls applied: brightness, horizontal_flip, menu' "the log says so"
say "ok: mean luma $before -> $after; kept across a restart"
