#!/usr/bin/env bash
# The data folder (docs/data.md) through the real binary: a copy of popcheck with nothing beside it
# stops with exit 2 and says where it looked and how to set it (run and emulate, never a silent
# fallback to the seed APIs); POPCHECK_DATA_DIR and --data-dir make it whole, the flag winning; the
# build tree's own layout (<build>/bin/popcheck, <build>/share/popcheck) serves the seed suite from
# any current directory.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
unset POPCHECK_DATA_DIR ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET \
  ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_PROFILE
export HOME="$tmp"
share="$(dirname "$bin")/../share/popcheck"
[[ -d "$share/metadata" ]] || fail "the build tree has no share/popcheck/metadata beside $bin"

mkdir -p "$tmp/alone/bin" "$tmp/elsewhere"
cp "$bin" "$tmp/alone/bin/popcheck"
alone="$tmp/alone/bin/popcheck"
cd "$tmp/elsewhere"

for cmd in run emulate; do
  rc=0
  "$alone" "$cmd" >"$tmp/$cmd.out" 2>"$tmp/$cmd.err" || rc=$?
  [[ $rc -eq 2 ]] || fail "$cmd with no data folder: exit $rc, expected 2"
  grep -q "popcheck $cmd: no data folder: looked for $tmp/alone/share/popcheck/metadata" "$tmp/$cmd.err" ||
    fail "$cmd does not say where it looked: $(cat "$tmp/$cmd.err")"
  grep -q -- "--data-dir DIR or POPCHECK_DATA_DIR" "$tmp/$cmd.err" ||
    fail "$cmd does not say how to set it: $(cat "$tmp/$cmd.err")"
done

# The variable makes the copy whole: the seed catalogue against the embedded emulator.
POPCHECK_DATA_DIR="$share" "$alone" run -q --report-dir "$tmp/r1" >"$tmp/r1.out" 2>&1 ||
  fail "run with POPCHECK_DATA_DIR: $(cat "$tmp/r1.out")"
grep -Eq '^[1-9][0-9]* passed, 0 failed' "$tmp/r1.out" || fail "summary: $(cat "$tmp/r1.out")"

# The flag wins over the variable: a variable naming nothing is not consulted.
POPCHECK_DATA_DIR="$tmp/nowhere" "$alone" run -q --data-dir "$share" --report-dir "$tmp/r2" \
  >"$tmp/r2.out" 2>&1 || fail "run --data-dir: $(cat "$tmp/r2.out")"
rc=0
"$alone" run -q --data-dir "$tmp/nowhere" >"$tmp/r3.out" 2>&1 || rc=$?
[[ $rc -eq 2 ]] || fail "a --data-dir that is not a folder: exit $rc, expected 2"
grep -q -- "--data-dir names $tmp/nowhere" "$tmp/r3.out" || fail "message: $(cat "$tmp/r3.out")"

# The build tree's binary finds its data from any current directory; the emulator serves the
# metadata-only APIs too.
"$bin" run -q --report-dir "$tmp/r4" >"$tmp/r4.out" 2>&1 || fail "run from $PWD: $(cat "$tmp/r4.out")"
start_emulator emulator
curl -sf "$url/?Action=DescribeRegions&Version=2014-05-26&Format=JSON" | grep -q '"Regions"' ||
  fail "the emulator does not serve DescribeRegions from the bundled metadata"
echo "ok: no data is exit 2 with where and how; the variable, the flag and the build tree all work"
