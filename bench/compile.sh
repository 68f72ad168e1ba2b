#!/usr/bin/env bash
# Benchmark: `popcheck compile` over the shared corpus (74 markdown pages) plus the three api-docs.json
# files (807 APIs), release build. Two figures, each the wall time of the whole command:
#   fresh      into an empty folder: every catalogue file is written (and flushed to disk);
#   unchanged  into the folder of the previous run: nothing has changed, so nothing is rewritten
#              (the everyday case of recompiling after editing one page).
# Uses hyperfine when it is installed, else repeats /usr/bin/time. Figures are measured, never asserted.
#
# Usage: bash bench/compile.sh
# Environment: POPCHECK (binary; default: a release build in build/release), RUNS (10),
#              POPCHECK_SHARED (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh
shared=$(shared_folder)
runs=${RUNS:-10}

[[ -n ${POPCHECK:-} ]] || bash scripts/setup.sh bench
bin=$(popcheck_binary)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$shared"
inputs=(corpus/docs/*.md metadata/*.json)
cmd=("$bin" compile "${inputs[@]}" --out "$tmp/cat" --quiet)

echo "inputs: ${#inputs[@]} files ($(du -ch "${inputs[@]}" | tail -1 | cut -f1)); machine: $(nproc) cores," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" compile "${inputs[@]}" --out "$tmp/check" | sed 's/^/  /'

if command -v hyperfine >/dev/null; then
  hyperfine --runs "$runs" --warmup 1 --prepare "rm -rf '$tmp/cat'" -n fresh "${cmd[*]}"
  "${cmd[@]}"
  hyperfine --runs "$runs" --warmup 1 -n unchanged "${cmd[*]}"
  exit 0
fi

# Without hyperfine: wall, user and system seconds of each run; min, median and mean of the wall time.
measure() {
  local name=$1 prepare=$2 i
  : >"$tmp/$name.times"
  for i in $(seq 1 "$runs"); do
    if [[ "$prepare" == yes ]]; then rm -rf "$tmp/cat"; fi
    /usr/bin/time -f "%e %U %S" -a -o "$tmp/$name.times" "${cmd[@]}"
  done
  sort -n "$tmp/$name.times" | awk -v name="$name" -v runs="$runs" '
    { wall[NR] = $1; sum += $1; user += $2; sys += $3 }
    END { printf "%-10s wall min %.3f s, median %.3f s, mean %.3f s; cpu mean %.3f s user + %.3f s sys (%d runs)\n",
          name, wall[1], wall[int((NR + 1) / 2)], sum / NR, user / NR, sys / NR, runs }'
}
measure fresh yes
"${cmd[@]}"
measure unchanged no
