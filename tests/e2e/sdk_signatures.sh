#!/usr/bin/env bash
# Cross-checks popcheck's signer, verifier, normaliser and redaction against the real Node SDKs:
# sdk_signatures.js signs random parameter sets with @alicloud/openapi-core's and openapi-util's own
# helpers and captures whole requests that pop-core and openapi-core put on the wire; the protocol
# unit tests (SdkVectors.*) then recompute every signature and verify every request.
#
# Environment: POPCHECK (the popcheck binary; the test binary sits in its build tree), POPCHECK_SRC,
# optionally POPCHECK_PROTOCOL_TESTS (the popcheck_protocol_tests binary), SDK_SIGNATURES_SEED and
# SDK_SIGNATURES_COUNT to reproduce or widen a run.
set -euo pipefail

src=${POPCHECK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
sdk="$src/tests/sdk/node_modules"

if ! command -v node >/dev/null 2>&1 || [[ ! -d "$sdk/@alicloud/openapi-core" ]]; then
  echo "SKIP: node or the SDKs under $sdk are not installed (cd tests/sdk && npm ci)"
  exit 0
fi

tests=${POPCHECK_PROTOCOL_TESTS:-}
if [[ -z "$tests" && -n "${POPCHECK:-}" ]]; then
  tests="$(dirname "$POPCHECK")/../core/popcheck_protocol_tests"  # <build>/bin/popcheck
fi
if [[ -z "$tests" || ! -x "$tests" ]]; then
  echo "FAIL: popcheck_protocol_tests not found (${tests:-POPCHECK unset}); build the target" \
    "popcheck_protocol_tests or set POPCHECK_PROTOCOL_TESTS" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

seed=${SDK_SIGNATURES_SEED:-$(( (RANDOM << 15 | RANDOM) + 1 ))}
count=${SDK_SIGNATURES_COUNT:-100}
echo "seed $seed, $count vectors of each kind (rerun with SDK_SIGNATURES_SEED=$seed)"
node "$src/tests/e2e/sdk_signatures.js" "$tmp/vectors.json" "$seed" "$count"

# The file must actually be used: a skipped SdkVectors test would prove nothing.
POPCHECK_SDK_VECTORS="$tmp/vectors.json" "$tests" --gtest_filter='SdkVectors.*' \
  --gtest_output="json:$tmp/result.json"
node -e '
  const r = require(process.argv[1]);
  const ran = r.testsuites.flatMap((s) => s.testsuite).filter((t) => t.result === "COMPLETED");
  if (ran.length !== 3) { console.error(`expected 3 SdkVectors tests to run, ran ${ran.length}`); process.exit(1); }
' "$tmp/result.json"
echo "PASS: signatures, verification and normalisation agree with the SDKs"
