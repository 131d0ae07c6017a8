#!/usr/bin/env bash
# The kernel's vivid driver as a webcam: `hlscam devices` lists it with its formats and sizes,
# and `hlscam serve` streams it; ffprobe on the host reads the stream at the configured size.
source "$(dirname "$0")/lib.sh"

cat >"$TEST_DIR/hlscam.conf" <<EOF
[server]
listen = 0.0.0.0:8080
announce = false
[camera.cam0]
device = /dev/video0
width = 640
height = 360
fps = 25
[auth]
anonymous = viewer
EOF

port=$(free_port)
# One boot for both: the device list first (into the log), then the service.
vm_start --forward "$port:8080" --modprobe "$VIVID_WEBCAM" --timeout 240 -- \
  sh -c '"$1" devices && echo "devices: done" && exec "$1" serve --config "$2" --state-dir "$3"' \
  sh "$HLSCAM_BINARY" "$TEST_DIR/hlscam.conf" "$TEST_DIR/state"

# The device list first: a missing camera fails here, not after the playlist's wait.
wait_until 120 "hlscam devices in the VM" log_has '^devices: done'
devices=$(sed -n '1,/^devices: done/p' "$VM_LOG")
expect_match "$devices" '^/dev/video0 +vivid ' "hlscam devices lists vivid"
for format in YUYV NV12; do
  expect_match "$devices" "^ +$format .*320x180 640x360 640x480 1280x720 1920x1080" \
    "hlscam devices lists vivid's $format sizes"
done

playlist="http://127.0.0.1:$port/cam/cam0/index.m3u8"
wait_until 120 "the camera's playlist on the host port" http_ok "$playlist"
say "playlist answers $((SECONDS - VM_STARTED)) s after the VM started"
expect_match "$(cat "$VM_LOG")" 'cam0 .*from /dev/video0' "the service streams the camera (not the test pattern)"

# (HLS: ffprobe lists the stream under its program too; the last line is the stream's.)
probe=$(timeout 60 ffprobe -v error -rw_timeout 20000000 -select_streams v:0 \
  -show_entries stream=codec_name,width,height -of csv=p=0 "$playlist") ||
  fail "ffprobe could not read $playlist"
probe=$(awk NF <<<"$probe" | tail -n1)
expect_eq "$probe" "h264,640,360" "ffprobe on the host: codec, width, height"
say "ok: $probe"
