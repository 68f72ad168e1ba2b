#!/usr/bin/env bash
# Real SDK clients record through the proxy against the emulator, then replay from the fixtures with
# the emulator gone, and must see identical results, successes and errors alike.
#  - The clients use dummy keys; the proxy holds the "real" ones (environment) and re-signs every
#    request, V1 (GET, POST form, POST query) and V3; the emulator verifies signatures with the real
#    keys only, so a request that was not re-signed correctly fails the recording.
#  - Replay uses other dummy keys again: matching must not depend on credentials or signatures.
#  - Every fixture is scanned for every key id, secret and token used.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
require_sdk @alicloud/pop-core

real_id=LTAIrealProxyKey7788
real_secret=realProxySecret7788xyz
dummy_id=LTAIdummyClientKey1122
dummy_secret=dummyClientSecret1122
dummy_token=STS.dummyClientToken1122+/=
fixtures="$tmp/fixtures"

start_emulator emulator --verify-signature --key "$real_id=$real_secret"
emulator_pid=$server_pid
emulator_url=$url

ALIBABA_CLOUD_ACCESS_KEY_ID=$real_id ALIBABA_CLOUD_ACCESS_KEY_SECRET=$real_secret \
  start proxy "$bin" proxy --mode record --upstream "$emulator_url" --fixtures "$fixtures" \
  --listen 127.0.0.1:0
proxy_pid=$server_pid
node "$src/tests/e2e/proxy_sdk.js" "${url#http://}" "$dummy_id" "$dummy_secret" "$dummy_token" \
  "$tmp/record.json"
stats=$(curl -sf "$url/__popcheck/stats")
echo "record stats: $stats"
stop "$proxy_pid"
stop "$emulator_pid"

# What was recorded must be real answers: signatures verified upstream, both successes and errors.
node -e '
  const r = require(process.argv[1]);
  const ok = r.filter((x) => x.ok).length, bad = r.filter((x) => !x.ok).length;
  console.log(`recorded ${r.length} calls: ${ok} successes, ${bad} errors`);
  const sig = r.filter((x) => !x.ok && /Signature|AccessKey/i.test(String(x.code)));
  if (sig.length) { console.error("FAIL: the upstream rejected re-signed requests:", JSON.stringify(sig)); process.exit(1); }
  const transport = r.filter((x) => !x.ok && !x.code && !x.statusCode);
  if (transport.length) { console.error("FAIL: calls failed in transport:", JSON.stringify(transport)); process.exit(1); }
  if (ok < 2 || bad < 2) { console.error("FAIL: expected at least 2 successes and 2 errors"); process.exit(1); }
' "$tmp/record.json"

count=$(find "$fixtures" -name '*.json' | wc -l)
[[ $count -eq 9 ]] || { echo "FAIL: expected 9 fixture files, found $count" >&2; exit 1; }
for secret in "$real_id" "$real_secret" "$dummy_id" "$dummy_secret" "$dummy_token" \
  "STS.dummyClientToken1122"; do
  if grep -rlF -- "$secret" "$fixtures"; then
    echo "FAIL: a fixture contains a credential ($secret)" >&2
    exit 1
  fi
done
if grep -rl '"Signature"\|SignatureNonce\|ACS3-HMAC' "$fixtures"; then
  echo "FAIL: a fixture contains a signature" >&2
  exit 1
fi

# Replay: no upstream at all, other dummy keys.
start replay "$bin" proxy --mode replay --fixtures "$fixtures" --listen 127.0.0.1:0
replay_pid=$server_pid
node "$src/tests/e2e/proxy_sdk.js" "${url#http://}" LTAIanotherDummy9900 anotherSecret9900 \
  "" "$tmp/replay.json"
stats=$(curl -sf "$url/__popcheck/stats")
echo "replay stats: $stats"
stop "$replay_pid"

if ! diff -u "$tmp/record.json" "$tmp/replay.json"; then
  echo "FAIL: replay differs from the recording" >&2
  exit 1
fi
node -e '
  const s = JSON.parse(process.argv[1]);
  if (s.misses !== 0 || s.hits !== 9 || s.forwarded !== 0) { console.error("FAIL: replay stats", s); process.exit(1); }
' "$stats"
echo "PASS: 9 SDK calls recorded through the proxy and replayed identically"
