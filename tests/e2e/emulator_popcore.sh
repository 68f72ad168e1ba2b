#!/usr/bin/env bash
# @alicloud/pop-core, the real Node SDK, calls `popcheck emulate` (the binary, with signature checking
# on) for successes and errors, by GET and by POST, and the test checks what the SDK hands back to
# its caller: the parsed body on success, an Error with code, name and data on failure.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

src=${POPCHECK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${POPCHECK:?set POPCHECK to the popcheck binary}
sdk="$src/tests/sdk/node_modules"
if ! command -v node >/dev/null 2>&1 || [[ ! -d "$sdk/@alicloud/pop-core" ]]; then
  echo "SKIP: node or the SDKs under $sdk are not installed (cd tests/sdk && npm ci)"
  exit 0
fi

tmp=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# The emulator prints its URL once it listens: that line is the readiness signal (no sleeping).
mkfifo "$tmp/out"
"$bin" emulate --listen 127.0.0.1:0 --verify-signature --key testid=testsecret \
  >"$tmp/out" 2>"$tmp/err" &
pid=$!
exec {fd}<"$tmp/out"
if ! read -r -t 30 -u "$fd" line; then
  echo "FAIL: the emulator did not start: $(cat "$tmp/err")" >&2
  exit 1
fi
url=$(grep -o 'http://[0-9.:]*' <<<"$line" | head -1)
[[ -n "$url" ]] || { echo "FAIL: no URL in '$line'" >&2; exit 1; }
cat <&"$fd" >/dev/null &
exec {fd}<&-

NODE_PATH="$sdk" node "$(dirname "$0")/emulator_popcore.js" "$url"

# The emulator stops cleanly on SIGTERM.
kill -TERM "$pid"
wait "$pid"
pid=""
grep -q "stopped (SIGTERM)" "$tmp/err" || { echo "FAIL: no clean stop: $(cat "$tmp/err")" >&2; exit 1; }
echo "PASS: pop-core against the emulator"
