#!/usr/bin/env bash
# The desktop app's camera page against vivid's controls: the service runs in the VM, the app on
# the host (under Xvfb) connects to it through the forwarded port like to any board on the LAN,
# lists the driver's controls, and a switch flipped and a slider moved in its window reach the
# device (tests/desktop/tst_controlspage.cpp). Its screenshots land in $TEST_DIR.
source "$(dirname "$0")/lib.sh"

app_test="${HLSCAM_BUILD_DIR:-$(dirname "$HLSCAM_BINARY")/..}/tests/tst_controlspage"
if [ ! -x "$app_test" ]; then
  say "skipped: $app_test is not built (a build without HLSCAM_GUI)"
  exit 0
fi
admin=boss
password=pw-vm-controls-page
write_config /dev/video0 320 180 15

port=$(free_port)
vm_start --forward "$port:8080" --modprobe "$VIVID_WEBCAM" --timeout 280 -- \
  sh -c 'mkdir -p /tmp/state && echo "$3" | "$1" users add "$4" --role admin --state-dir /tmp/state &&
    exec "$1" serve --config "$2" --state-dir /tmp/state' \
  sh "$HLSCAM_BINARY" "$TEST_DIR/hlscam.conf" "$password" "$admin"
streaming() { grep -q '"state":"streaming"' <<<"$(curl -s -m 5 -u "$admin:$password" "http://127.0.0.1:$port/api/v1/status")"; }
wait_until 150 "the camera streams" streaming

HLSCAM_TEST_BOARD="127.0.0.1:$port" HLSCAM_TEST_BOARD_USER=$admin HLSCAM_TEST_BOARD_PASSWORD=$password \
  HLSCAM_TEST_OUTPUT="$TEST_DIR" timeout 200 xvfb-run -a -s "-screen 0 1280x900x24" "$app_test" \
  >"$TEST_DIR/app.log" 2>&1 || fail "the desktop app's test failed: $(grep -E 'FAIL|Loc' "$TEST_DIR/app.log")"
grep -E '^(PASS|contrast|QINFO)' "$TEST_DIR/app.log" | sed "s/^/$TEST_NAME: /"
[ -s "$TEST_DIR/desktop-controls-changed.png" ] || fail "no screenshot of the changed controls"
say "ok: screenshots in $TEST_DIR"
