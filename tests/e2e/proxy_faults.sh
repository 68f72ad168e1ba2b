#!/usr/bin/env bash
# The proxy under bad input and faults keeps serving other clients:
#  - malformed HTTP gets an error answer and the connection closes;
#  - a slow client (half a request, then silence) does not hold up anyone else;
#  - a body over the limit is refused;
#  - a full disk while recording: the client gets an Alibaba-style 5xx, no partial or temporary file
#    is left, and recording works again once there is room.
# The upstream is the emulator. Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 is needed for raw socket clients"; exit 0; }

mounted=""
# lib.sh's cleanup, with the tmpfs unmounted before the folder goes.
cleanup() {
  stop_started
  [[ -n "$mounted" ]] && umount "$mounted" 2>/dev/null
  rm -rf "$tmp"
}
healthy() { curl -sf "$proxy/__popcheck/health" | grep -q '"status":"ok"' || fail "proxy unhealthy after $1"; }

# Fixtures on a tiny tmpfs when this machine lets us mount one (root with CAP_SYS_ADMIN), so that the
# disk really fills up; otherwise a plain folder, made impossible to write below later.
fixtures="$tmp/fixtures"
mkdir -p "$fixtures"
if [[ -z "${PROXY_FAULTS_NO_TMPFS:-}" ]] && mount -t tmpfs -o size=256k tmpfs "$fixtures" 2>/dev/null; then
  mounted=$fixtures
  echo "fixtures on a 256 KiB tmpfs"
fi

start_emulator emulator
start proxy "$bin" proxy --mode record --upstream "$url" --fixtures "$fixtures" --listen 127.0.0.1:0
proxy=$url
port=${proxy##*:}
call() { curl -s -o "$tmp/body" -w '%{http_code}' "$proxy/?Action=DescribeRegions&Version=2014-05-26&Format=JSON&RegionId=$1"; }

[[ $(call cn-hangzhou) == 200 ]] || fail "a first recording failed: $(cat "$tmp/body")"

# Malformed HTTP: an error answer (or a close), never a crash.
python3 - "$port" <<'PY'
import socket, sys
port = int(sys.argv[1])
for junk in [b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
             b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64]:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(junk)
    data = s.recv(65536)
    s.close()
    if data and not data.startswith(b"HTTP/1.1 4"):
        sys.exit("malformed request answered with %r" % data[:60])
PY
healthy "malformed requests"

# A slow client holds its connection open with half a request; others are served meanwhile.
python3 - "$port" "$proxy" <<'PY'
import socket, sys, urllib.request
port, proxy = int(sys.argv[1]), sys.argv[2]
slow = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(20)]
for s in slow:
    s.sendall(b"GET /?Action=DescribeRegions HTTP/1.1\r\nHost: x\r\nX-Slow: ")
for _ in range(20):
    body = urllib.request.urlopen(proxy + "/__popcheck/health", timeout=5).read()
    if b'"status":"ok"' not in body:
        sys.exit("health failed while slow clients hang")
for s in slow:
    s.close()
PY
healthy "slow clients"

# A body over the server's limit (8 MiB) is refused, and nothing is recorded for it.
before=$(find "$fixtures" -type f | wc -l)
code=$(head -c $((12 * 1024 * 1024)) /dev/zero | tr '\0' 'a' |
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary @- "$proxy/?Action=Huge" || true)
[[ $code == 4* || $code == 000 ]] || fail "a huge body got $code"
[[ $(find "$fixtures" -type f | wc -l) == "$before" ]] || fail "a huge body was recorded"
healthy "a huge body"

# Disk full while recording.
find "$fixtures" -type f | sort >"$tmp/before"
if [[ -n "$mounted" ]]; then
  dd if=/dev/zero of="$fixtures/filler" bs=4k 2>/dev/null || true  # until ENOSPC
else
  # No tmpfs: the fixtures folder becomes a file, so nothing can be created below it.
  mv "$fixtures" "$tmp/fixtures.saved"
  echo "not a folder" >"$fixtures"
fi
code=$(call eu-west-1)
[[ $code == 5* ]] || fail "recording on a full disk answered $code: $(cat "$tmp/body")"
grep -q '"Code":"Popcheck.Fixture.WriteFailed"' "$tmp/body" || fail "no Alibaba-style error: $(cat "$tmp/body")"
grep -q '"RequestId"' "$tmp/body" || fail "error body without RequestId"
if [[ -n "$mounted" ]]; then
  find "$fixtures" -type f ! -name filler | sort >"$tmp/after"
  diff "$tmp/before" "$tmp/after" || fail "files left behind by the failed recording"
  for f in $(find "$fixtures" -name '*.json'); do python3 -m json.tool "$f" >/dev/null || fail "corrupt $f"; done
  rm "$fixtures/filler"
else
  rm "$fixtures"
  mv "$tmp/fixtures.saved" "$fixtures"
fi
healthy "a full disk"
[[ $(call eu-west-1) == 200 ]] || fail "recording did not recover once there was room: $(cat "$tmp/body")"
n=$(find "$fixtures" -name '*.json' | wc -l)
[[ $n == 2 ]] || fail "expected 2 fixtures after recovery, found $n"
stats=$(curl -sf "$proxy/__popcheck/stats")
echo "stats: $stats"
grep -q '"recorded":2' <<<"$stats" || fail "stats do not count 2 recordings"
# Corrupt fixture files are named at start-up, and the rest still load and replay.
kill -TERM "${pids[2]}"; wait "${pids[2]}" || true  # the recording proxy
mkdir -p "$tmp/replay/ecs/DescribeRegions"
good=$(grep -rl '"RegionId": "cn-hangzhou"' "$fixtures" | head -1)
cp "$good" "$tmp/replay/ecs/DescribeRegions/000000-good.json"
printf '{"request": {"method": "GET"' >"$tmp/replay/ecs/DescribeRegions/000001-truncated.json"
printf '{"request": {}, "response": {"status": "x"}}' >"$tmp/replay/ecs/DescribeRegions/000002-bad.json"
start replay "$bin" proxy --mode replay --fixtures "$tmp/replay" --listen 127.0.0.1:0
for f in 000001-truncated.json 000002-bad.json; do
  grep -q "$f" "$tmp/replay.err" || fail "start-up does not name $f: $(cat "$tmp/replay.err")"
done
[[ $(curl -s -o /dev/null -w '%{http_code}' "$url/?Action=DescribeRegions&Version=2014-05-26&RegionId=cn-hangzhou") == 200 ]] ||
  fail "the good fixture does not replay beside corrupt ones"
echo "start-up report: $(cat "$tmp/replay.err")"

echo "PASS: malformed HTTP, slow clients, a huge body, a full disk, corrupt fixtures; the proxy kept serving"
