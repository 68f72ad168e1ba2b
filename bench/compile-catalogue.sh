#!/usr/bin/env bash
# Benchmark: `popcheck compile` of the whole shared RPC catalogue sample (48 api-docs.json files,
# 3,605 APIs) in one process, into an empty folder. Each round reports wall time, CPU time (user +
# sys), peak memory (max RSS) and the output's size, from /usr/bin/time -v; the machine's load
# average is printed before and after, because the machine is shared. Every round is bounded by
# `timeout`. Figures are measured, never asserted. Aim: under 3 s and 500 MB on 2 cores, so that the
# whole catalogue (about four times the sample) stays under 15 s and 2 GB.
#
# Usage: bash bench/compile-catalogue.sh
# Environment: POPCHECK (binary; default: a release build in build/release), ROUNDS (3),
#              LIMIT (seconds per round, 120), POPCHECK_SHARED (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh
shared=$(shared_folder)
rounds=${ROUNDS:-3}
limit=${LIMIT:-120}
[[ -x /usr/bin/time ]] || { echo "bench/compile-catalogue.sh needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

bin=$(popcheck_binary)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inputs=("$shared"/metadata/*.json "$shared"/metadata/catalogue/*.json)
apis=$(node -e '
  let n = 0;
  for (const f of process.argv.slice(1)) n += Object.keys(JSON.parse(require("fs").readFileSync(f, "utf8")).apis).length;
  console.log(n);' "${inputs[@]}" 2>/dev/null || echo "?")
echo "inputs: ${#inputs[@]} files, $apis APIs ($(du -ch "${inputs[@]}" | tail -1 | cut -f1));" \
     "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

for round in $(seq 1 "$rounds"); do
  rm -rf "$tmp/cat"
  rc=0
  timeout "$limit" /usr/bin/time -v -o "$tmp/time.txt" "$bin" compile "${inputs[@]}" --out "$tmp/cat" \
    --quiet 2>"$tmp/err.txt" || rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "round $round: exit $rc (124: over ${limit} s); $(head -3 "$tmp/err.txt")"
    continue
  fi
  awk -v round="$round" -v files="$(find "$tmp/cat" -type f | wc -l)" \
      -v bytes="$(du -sb "$tmp/cat" | cut -f1)" \
      -v largest="$(find "$tmp/cat" -type f -printf '%s\n' | sort -n | tail -1)" '
    /User time/ { user = $NF } /System time/ { sys = $NF } /Maximum resident/ { rss = $NF }
    /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); wall = t[n] + (n > 1 ? 60 * t[n - 1] : 0) }
    END { printf "round %d: wall %.2f s, cpu %.2f s (user %.2f + sys %.2f), peak RSS %.0f MB; " \
                 "%d files, %.1f MB (%.1f KB per file), largest %.0f KB\n",
                 round, wall, user + sys, user, sys, rss / 1024, files, bytes / 1e6,
                 bytes / files / 1000, largest / 1000 }' "$tmp/time.txt"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
