#!/usr/bin/env bash
# Chromium on the host plays a camera of the VM through the viewer page: hlscam streams vivid
# (YUYV 640x360@25) in the VM, its HTTP port and its WebRTC UDP port forwarded to the host, and
# headless Chromium (playwright-core) logs in as the admin and plays /?cam=cam0 over LL-HLS, then
# over WebRTC: frames decoded at 640x360, time advancing, vivid's colour bars at their widths in
# the decoded picture; a screenshot of each (browser-hls.png, browser-webrtc.png in the test's
# output directory).
# WebRTC: the service offers 127.0.0.1 (public_address) beside the VM's own address, at the same
# UDP port as in the VM; qemu forwards the browser's packets in and the answers back.
source "$(dirname "$0")/lib.sh"

[ -x /usr/bin/chromium ] || fail "Debian's chromium is not installed (scripts/setup installs it)"
play="$(dirname "$0")/browser_play.mjs"
admin=boss
password=pw-vm-browser
udp=$(free_udp_port)
cat >"$TEST_DIR/hlscam.conf" <<EOF
[server]
listen = 0.0.0.0:8080
announce = false
[camera.cam0]
device = /dev/video0
width = 640
height = 360
fps = 25
format = yuyv
[webrtc]
udp_port = $udp
public_address = 127.0.0.1
EOF

port=$(free_port)
vm_start --forward "$port:8080" --forward "udp:$udp:$udp" --modprobe "$VIVID_WEBCAM" --timeout 240 -- \
  sh -c 'echo "$4" | "$1" users add "$5" --role admin --state-dir "$3" && exec "$1" serve --config "$2" --state-dir "$3"' \
  sh "$HLSCAM_BINARY" "$TEST_DIR/hlscam.conf" "$TEST_DIR/state" "$password" "$admin"

url="http://127.0.0.1:$port"
wait_until 120 "the camera's playlist on the host port" http_ok "http://$admin:$password@127.0.0.1:$port/cam/cam0/index.m3u8"
say "playlist answers $((SECONDS - VM_STARTED)) s after the VM started"
expect_match "$(cat "$VM_LOG")" 'cam0 .*from /dev/video0' "the service streams the camera (not the test pattern)"

for mode in hls webrtc; do
  out=$(node "$play" "$url" "$admin" "$password" "$mode" "$TEST_DIR/browser-$mode.png" 2>&1) ||
    fail "Chromium on the host, $mode:
$out"
  say "$out"
done
expect_match "$(cat "$VM_LOG")" 'WebRTC session [0-9a-f]+ for cam0' "the service logged the WebRTC session"
say "ok; screenshots in $TEST_DIR"
