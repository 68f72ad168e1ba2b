#!/usr/bin/env bash
# The checked-in seed catalogue (cases/) is what the compiler produces today: recompile the seeds into
# a temporary folder with scripts/compile-seeds.sh and diff. A stale catalogue fails this test; run
# scripts/compile-seeds.sh, review the diff of cases/ and commit it.
set -euo pipefail
: "${POPCHECK:?path of the popcheck binary}" "${POPCHECK_SRC:?source tree}"
# shellcheck source=lib-shared.sh
source "$(dirname "$0")/lib-shared.sh"
needs_shared compile_seeds
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
POPCHECK="$POPCHECK" POPCHECK_SHARED="$shared" \
  bash "$POPCHECK_SRC/scripts/compile-seeds.sh" "$tmp/cases" >"$tmp/out.txt" 2>&1 || {
  cat "$tmp/out.txt"
  echo "FAIL: compiling the seeds failed" >&2
  exit 1
}
grep -q "^5 actions" "$tmp/out.txt" || { cat "$tmp/out.txt"; echo "FAIL: expected 5 actions" >&2; exit 1; }
if ! diff -r "$POPCHECK_SRC/cases" "$tmp/cases" >"$tmp/diff.txt"; then
  head -100 "$tmp/diff.txt"
  echo "FAIL: cases/ is stale; run scripts/compile-seeds.sh and review the diff" >&2
  exit 1
fi
echo "ok: cases/ matches a fresh compile of the seeds"
