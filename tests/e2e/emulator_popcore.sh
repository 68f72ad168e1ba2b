#!/usr/bin/env bash
# @alicloud/pop-core, the real Node SDK, calls `popcheck emulate` (the binary, with signature checking
# on) for successes and errors, by GET and by POST, and the test checks what the SDK hands back to
# its caller: the parsed body on success, an Error with code, name and data on failure.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
require_sdk @alicloud/pop-core

start_emulator emulator --verify-signature --key testid=testsecret

NODE_PATH="$sdk" node "$(dirname "$0")/emulator_popcore.js" "$url"

# The emulator stops cleanly on SIGTERM.
stop "$server_pid"
grep -q "stopped (SIGTERM)" "$tmp/emulator.err" || fail "no clean stop: $(cat "$tmp/emulator.err")"
echo "PASS: pop-core against the emulator"
