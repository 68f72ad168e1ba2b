#!/usr/bin/env bash
# How well the page readers do on reference pages of products they were not built on: each page
# compiled alone (`popcheck compile PAGE --metadata ...`), as a new user would, then
#   - pages with one contract: the compile exits 0 and writes exactly one catalogue file;
#   - parameter-table agreement: the contract's parameters (name and required flag) equal a second,
#     simpler reading of the page's parameter table (bench/page_tables.py).
# Prints every page that fails either, the totals, the CPU time of the compiles and the load average.
#
#   bash bench/page-readers.sh [--metadata FILE]... [--product P --version V] PAGE|FOLDER...
#   bash bench/page-readers.sh                 # ../shared/corpus/docs and products with ../shared/metadata
#
# POPCHECK names the binary (default build/ci/bin/popcheck, else build/release/bin/popcheck).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${POPCHECK:-}
if [[ -z $bin ]]; then
  for b in "$root/build/ci/bin/popcheck" "$root/build/release/bin/popcheck"; do
    [[ -x $b ]] && bin=$b && break
  done
fi
[[ -x ${bin:-} ]] || { echo "page-readers: build popcheck first or set POPCHECK" >&2; exit 2; }

flags=() inputs=()
while (($#)); do
  case $1 in
    --metadata|--product|--version) flags+=("$1" "$2"); shift 2 ;;
    *) inputs+=("$1"); shift ;;
  esac
done
if ((${#inputs[@]} == 0)); then
  shared=${POPCHECK_SHARED:-$root/../shared}
  inputs=("$shared/corpus/docs" "$shared/corpus/products")
  for m in "$shared"/metadata/*.json; do flags+=(--metadata "$m"); done
fi

pages=()
for i in "${inputs[@]}"; do
  if [[ -d $i ]]; then
    while IFS= read -r f; do pages+=("$f"); done < <(find "$i" -maxdepth 1 -type f \( -name '*.md' -o -name '*.txt' \) ! -name README.md | sort)
  else
    pages+=("$i")
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=$work/results.tsv
: > "$results"
n=0
start_cpu=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
t0=$(date +%s.%N)
for page in "${pages[@]}"; do
  n=$((n + 1))
  out=$work/out-$n
  status=0
  timeout 60 "$bin" compile "$page" "${flags[@]}" --out "$out" > "$work/log-$n" 2>&1 || status=$?
  if ((status != 0)); then sed "s|^|    |" "$work/log-$n" | grep -v '^    $' | head -3 >> "$work/errors"; fi
  printf '%s\t%s\t%s\n' "$page" "$out" "$status" >> "$results"
done
t1=$(date +%s.%N)
# The compiles are children of this shell: their CPU time is in its cutime/cstime.
cpu=$(awk -v s="$start_cpu" -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15+$16+$17-s)/hz}' /proc/$$/stat)

python3 "$here/page_tables.py" "$results"
[[ -s $work/errors ]] && { echo "compile messages of the pages without a contract:"; cat "$work/errors"; }
printf 'compiles: %d pages, wall %.1f s, CPU %s s (user+sys of the compiles); load average %s\n' \
  "$n" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" "$cpu" "$(cut -d' ' -f1-3 /proc/loadavg)"
