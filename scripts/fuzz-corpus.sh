#!/usr/bin/env bash
# Keeps what a long fuzzing run learnt: merges each target's working corpus (build/fuzz/fuzz-work/
# <target>/corpus, written by scripts/fuzz.sh) into its committed seed corpus fuzz/corpus/<target>/,
# adding only the inputs that reach edges or features the seeds do not (libFuzzer -set_cover_merge,
# edges without hit counters, so that the set stays small). Every CI run then fuzzes from there, and
# `ctest --preset fuzz` replays them under ASan+UBSan.
#   FUZZ_JOBS=2 bash scripts/fuzz.sh 600 && bash scripts/fuzz-corpus.sh     # every target
#   bash scripts/fuzz-corpus.sh har fixture                                  # some targets
# Environment: FUZZ_BIN and FUZZ_WORK as for scripts/fuzz.sh. Needs the fuzz preset built.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${FUZZ_BIN:-build/fuzz/fuzz}
work=${FUZZ_WORK:-build/fuzz/fuzz-work}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in fuzz/*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
for t in "${targets[@]}"; do
  if [ ! -x "$bin/fuzz_$t" ]; then echo "fuzz-corpus.sh: no target '$t' in $bin" >&2; exit 2; fi
  if [ ! -d "$work/$t/corpus" ]; then echo "fuzz-corpus.sh: no working corpus $work/$t/corpus" >&2; exit 2; fi
  case "$t" in doc_*) max_len=8192 ;; *) max_len=4096 ;; esac
  before=$(ls "fuzz/corpus/$t" | wc -l)
  timeout 600 "$bin/fuzz_$t" -set_cover_merge=1 -use_counters=0 -max_len="$max_len" \
    "fuzz/corpus/$t" "$work/$t/corpus" >"$work/$t.merge.log" 2>&1 ||
    { echo "fuzz-corpus.sh: merging $t failed, see $work/$t.merge.log" >&2; exit 1; }
  after=$(ls "fuzz/corpus/$t" | wc -l)
  printf 'corpus %-16s %5d -> %5d inputs (%s bytes)\n' "$t" "$before" "$after" \
    "$(cat "fuzz/corpus/$t"/* | wc -c)"
done
