# shellcheck shell=bash
# Plumbing for the end-to-end tests that stay in bash because they are about the shell (package.sh;
# the others are node:test specs, tests/e2e/README.md). Not a test: tests/CMakeLists.txt registers
# every other *.sh here as a ctest and leaves this one out. A script sources it right after
# `set -euo pipefail`:
#
#   source "$(dirname "$0")/lib.sh"
#
# Sourcing it
#  - sets $bin from POPCHECK (the script stops with a usage message when it is unset), $src from
#    POPCHECK_SRC (default: this repository) and $sdk (the Node SDKs under tests/sdk);
#  - makes $tmp, a fresh temporary folder, and $pids, the processes to end on exit, and installs
#    `cleanup` as the EXIT trap: it ends every process in $pids and removes $tmp.
# Only the plumbing lives here; what a script checks stays in the script.

bin=${POPCHECK:?set POPCHECK to the popcheck binary}
src=${POPCHECK_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
sdk="$src/tests/sdk/node_modules"

# fail MESSAGE...: prints "FAIL: MESSAGE" on stderr and exits 1, which ctest reports as a failure.
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

tmp=$(mktemp -d)
pids=()

# stop_started: ends every process in $pids (SIGTERM, then reaps it), ignoring those already gone.
stop_started() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
cleanup() {
  stop_started
  rm -rf "$tmp"
}
trap cleanup EXIT

# start_matching NAME PATTERN CMD...: runs CMD in the background, its stdout on the fifo
# $tmp/NAME.fifo and its stderr in $tmp/NAME.err, and reads its output line by line (up to 30 s for
# each) until a line holds PATTERN (grep's basic syntax). That line is the readiness signal: a server
# prints its address once it listens, so nothing sleeps. Sets $found to the matched text and
# $server_pid to CMD's pid; appends CMD and the reader that keeps draining its further output to
# $tmp/NAME.out (so that it never blocks on a full pipe) to $pids. Fails the script when CMD ends or
# goes quiet before printing PATTERN. A NAME may be used again once its earlier server has stopped.
start_matching() {
  local name=$1 pattern=$2 line fd
  shift 2
  rm -f "$tmp/$name.fifo"
  mkfifo "$tmp/$name.fifo"
  "$@" >"$tmp/$name.fifo" 2>"$tmp/$name.err" &
  server_pid=$!
  pids+=("$server_pid")
  exec {fd}<"$tmp/$name.fifo"
  found=""
  while read -r -t 30 -u "$fd" line; do
    found=$(grep -o -- "$pattern" <<<"$line" | head -1 || true)
    [[ -n "$found" ]] && break
  done
  [[ -n "$found" ]] || fail "$name did not start: $(cat "$tmp/$name.err")"
  cat <&"$fd" >"$tmp/$name.out" &
  pids+=($!)
  exec {fd}<&-
}

# start NAME CMD...: start_matching for a server that prints its http:// URL (popcheck emulate and
# popcheck proxy print "... listening on http://127.0.0.1:PORT"). Sets $url and $server_pid, and
# prints "NAME: URL" for the log.
start() {
  local name=$1
  shift
  start_matching "$name" 'http://[0-9.:]*' "$@"
  url=$found
  echo "$name: $url"
}

# start_emulator NAME [ARGS...]: `popcheck emulate ARGS...` on a free port of 127.0.0.1, started as
# `start NAME` does (sets $url and $server_pid).
start_emulator() {
  local name=$1
  shift
  start "$name" "$bin" emulate --listen 127.0.0.1:0 "$@"
}

# stop PID: asks a server to stop (SIGTERM) and waits for it; under `set -e` a server that does not
# exit with status 0 fails the script.
stop() {
  kill -TERM "$1"
  wait "$1"
}
