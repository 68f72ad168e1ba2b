#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (the fuzz preset: clang 16, ASan+UBSan) and fuzzes each one for
# SECONDS_PER_TARGET seconds, starting from its seed corpus (fuzz/corpus/<target>) and its regressions
# (fuzz/regressions/<target>, inputs that once crashed it, replayed first). New inputs go to a working
# corpus under build/fuzz/fuzz-work/<target>/ (the committed seeds are never written), crashes to
# build/fuzz/fuzz-work/<target>/crash-*. Prints one line of figures per target and exits non-zero when
# any target crashed, leaked, timed out or broke a property.
#   scripts/fuzz.sh 3                   # what scripts/test.sh runs: a few seconds per target
#   scripts/fuzz.sh 600                 # the long run: 10 minutes per target
#   scripts/fuzz.sh 60 har fixture      # some targets only
#   scripts/fuzz.sh keep [TARGET...]    # after a long run: keep what it learnt in fuzz/corpus/
# `keep` merges each working corpus into the committed seed corpus fuzz/corpus/<target>/, adding
# only the inputs that reach an edge the seeds do not (libFuzzer -set_cover_merge, hit counters
# ignored, so that the set stays small): every CI run then fuzzes from there, and `ctest --preset
# fuzz` replays them under ASan+UBSan. It builds nothing.
# Environment: FUZZ_JOBS=N runs N targets at once (default 1); FUZZ_NO_BUILD=1 skips the build;
# FUZZ_BIN and FUZZ_WORK change the folders of the binaries and of the working corpora.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: scripts/fuzz.sh SECONDS_PER_TARGET|keep [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in fuzz/*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
if [ "${FUZZ_NO_BUILD:-0}" != 1 ] && [ "$seconds" != keep ]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"
fi
bin=${FUZZ_BIN:-build/fuzz/fuzz}
work=${FUZZ_WORK:-build/fuzz/fuzz-work}
mkdir -p "$work"

# The largest input tried. Nesting deeper than about half of it cannot be written, which keeps the
# JSON readers' recursion (depth limits are another change) within the stack.
max_len() {
  case "$1" in
    doc_*) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

run_one() {
  local t=$1 dir="$work/$1" log="$work/$1.log"
  mkdir -p "$dir/corpus"
  local inputs=("$dir/corpus" "fuzz/corpus/$t")
  [ -d "fuzz/regressions/$t" ] && inputs+=("fuzz/regressions/$t")
  local rc=0
  # -timeout: one input taking longer is a hang and a finding. The outer timeout only guards the run.
  UBSAN_OPTIONS=print_stacktrace=1 timeout $((seconds + 120)) "$bin/fuzz_$t" \
    -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$dir/" "${inputs[@]}" >"$log" 2>&1 || rc=$?
  local execs cov ft corp
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  if [ "$rc" -eq 0 ]; then
    printf 'fuzz %-16s ok    %ss execs=%s cov=%s ft=%s corpus=%s\n' "$t" "$seconds" "${execs:-?}" "${cov:-?}" \
      "${ft:-?}" "${corp:-?}"
  else
    printf 'fuzz %-16s FAIL  rc=%s, log %s, input %s\n' "$t" "$rc" "$log" \
      "$(ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* 2>/dev/null | head -1)"
    grep -m1 -A12 'ERROR: \|runtime error\|fuzz property violated\|deadly signal' "$log" | sed 's/^/  /' || true
  fi
  return "$rc"
}

keep_one() {
  local t=$1 before
  if [ ! -d "$work/$t/corpus" ]; then echo "fuzz.sh: no working corpus $work/$t/corpus" >&2; return 2; fi
  before=$(ls "fuzz/corpus/$t" | wc -l)
  timeout 600 "$bin/fuzz_$t" -set_cover_merge=1 -use_counters=0 -max_len="$(max_len "$t")" \
    "fuzz/corpus/$t" "$work/$t/corpus" >"$work/$t.keep.log" 2>&1 ||
    { echo "fuzz.sh: merging $t failed, see $work/$t.keep.log" >&2; return 1; }
  printf 'keep %-16s %5d -> %5d inputs (%s bytes)\n' "$t" "$before" "$(ls "fuzz/corpus/$t" | wc -l)" \
    "$(cat "fuzz/corpus/$t"/* | wc -c)"
}

if [ "$seconds" = keep ]; then
  for t in "${targets[@]}"; do
    if [ ! -x "$bin/fuzz_$t" ]; then echo "fuzz.sh: no target '$t'" >&2; exit 2; fi
    keep_one "$t"
  done
  exit 0
fi

failed=0
jobs=${FUZZ_JOBS:-1}
pids=()
for t in "${targets[@]}"; do
  if [ ! -x "$bin/fuzz_$t" ]; then echo "fuzz.sh: no target '$t'" >&2; exit 2; fi
  run_one "$t" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
exit "$failed"
