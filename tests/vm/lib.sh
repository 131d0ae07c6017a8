# shellcheck shell=bash disable=SC2034 # variables for the tests that source this
# Helpers for the VM tests (tests/vm/test_*.sh): a VM with the kernel's camera drivers runs a
# command (usually the service), the test checks it from the host. Sourced, not run.
#
#   vm_run [scripts/vm options] -- COMMAND...     run to the end, output on stdout, its exit code
#   vm_start [scripts/vm options] -- COMMAND...   start in the background (one at a time); the
#                                                 output goes to $VM_LOG; stopped at exit
#   vm_stop                                       stop it now (the VM is thrown away)
#   free_port                                     a free TCP port on 127.0.0.1, for --forward
#   free_udp_port                                 a free UDP port on 127.0.0.1, for --forward udp:
#   wait_until SECONDS WHAT COMMAND...            poll COMMAND every 0.5 s; fail with WHAT if it
#                                                 never succeeds (also when the VM has ended)
#   http_ok URL                                   true when GET URL answers 200
#   log_has REGEX                                 true when a line of the VM's output matches
#   expect_match TEXT REGEX WHAT / expect_eq ACTUAL EXPECTED WHAT    assertions
#   write_config DEVICE WIDTH HEIGHT FPS [LINES]  $TEST_DIR/hlscam.conf: the service on the VM's
#                                                 port 8080, no mDNS, one camera cam0; LINES
#                                                 (more sections) appended
#   probe_video URL WHAT                          "codec,width,height" of the video ffprobe on
#                                                 the host reads at URL; fails naming WHAT
#   expect_cam0_streams PORT WIDTH HEIGHT         the service (VM port 8080 forwarded to PORT)
#                                                 streams cam0 from /dev/video0, read as H.264
#                                                 of that size by ffprobe on the host
#   fail MESSAGE                                  print MESSAGE and the VM's output, exit 1
#
# From ctest (tests/CMakeLists.txt): HLSCAM_BINARY, HLSCAM_BUILD_DIR (a test executable that
# needs a camera runs in the VM as "$HLSCAM_BUILD_DIR/tests/tst_foo"), HLSCAM_VM_SCRIPT
# (scripts/vm), HLSCAM_TEST_OUTPUT. Files the VM must read go in $TEST_DIR (under the build tree; the VM sees
# the host's files at the same paths).
set -euo pipefail

: "${HLSCAM_BINARY:?set by ctest: the hlscam binary}"
: "${HLSCAM_VM_SCRIPT:?set by ctest: scripts/vm}"
TEST_NAME=$(basename "$0" .sh)
TEST_DIR="${HLSCAM_TEST_OUTPUT:-$(dirname "$HLSCAM_BINARY")/../test-output}/vm/$TEST_NAME"
rm -rf "$TEST_DIR"
mkdir -p "$TEST_DIR"
VM_LOG="$TEST_DIR/vm.log"
VM_PID=""

# The webcam-like vivid device most tests want: one capture node, webcam input, /dev/video0.
VIVID_WEBCAM='vivid n_devs=1 node_types=0x1 input_types=0x0'

say() { echo "$TEST_NAME: $*"; }

fail() {
  echo "FAIL $TEST_NAME: $*" >&2
  if [ -s "$VM_LOG" ]; then
    echo "--- the VM's output ($VM_LOG), last 40 lines:" >&2
    tail -n 40 "$VM_LOG" >&2
  fi
  exit 1
}

vm_run() { "$HLSCAM_VM_SCRIPT" run "$@"; }

vm_start() {
  [ -z "$VM_PID" ] || fail "vm_start: a VM is running already"
  "$HLSCAM_VM_SCRIPT" run "$@" >"$VM_LOG" 2>&1 &
  VM_PID=$!
  VM_STARTED=$SECONDS
}

vm_running() { [ -n "$VM_PID" ] && kill -0 "$VM_PID" 2>/dev/null; }

vm_stop() {
  if vm_running; then
    kill "$VM_PID" 2>/dev/null || true
    wait "$VM_PID" 2>/dev/null || true
  fi
  VM_PID=""
}
trap vm_stop EXIT

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    # Nothing answers there: free (qemu binds it a moment later; a clash fails the VM's start).
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  fail "no free port found in 50 attempts"
}

free_udp_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    # Bound and let go at once: free (bash has no UDP test of its own).
    if python3 -c 'import socket, sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind(("127.0.0.1", int(sys.argv[1])))' \
      "$port" 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  fail "no free UDP port found in 50 attempts"
}

wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    "$@" && return 0
    if [ -n "$VM_PID" ] && ! vm_running; then
      fail "the VM ended while waiting for: $what"
    fi
    sleep 0.5
  done
  fail "not within $seconds s: $what"
}

http_ok() { [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$1")" = 200 ]; }

log_has() { grep -qE -- "$1" "$VM_LOG"; }

expect_match() {
  grep -qE -- "$2" <<<"$1" || fail "$3: no line matches /$2/ in:
$1"
}

expect_eq() {
  [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

write_config() {
  cat >"$TEST_DIR/hlscam.conf" <<EOF
[server]
listen = 0.0.0.0:8080
announce = false
[camera.cam0]
device = $1
width = $2
height = $3
fps = $4
EOF
  if [ $# -ge 5 ]; then printf '%s\n' "$5" >>"$TEST_DIR/hlscam.conf"; fi
}

probe_video() {
  local probe
  probe=$(timeout 60 ffprobe -v error -rw_timeout 20000000 -select_streams v:0 \
    -show_entries stream=codec_name,width,height -of csv=p=0 "$1") ||
    fail "ffprobe could not read $2"
  # (HLS: ffprobe lists the stream under its program too; the last line is the stream's.)
  awk NF <<<"$probe" | tail -n1
}

expect_cam0_streams() {
  local playlist="http://127.0.0.1:$1/cam/cam0/index.m3u8" probe
  wait_until 120 "the camera's playlist on the host port" http_ok "$playlist"
  say "playlist answers $((SECONDS - VM_STARTED)) s after the VM started"
  expect_match "$(cat "$VM_LOG")" 'cam0 .*from /dev/video0' "the service streams the camera (not the test pattern)"
  probe=$(probe_video "$playlist" "$playlist")
  expect_eq "$probe" "h264,$2,$3" "ffprobe on the host: codec, width, height"
  say "ok: $probe"
}
