#!/usr/bin/env bash
# How well the page readers do on reference pages of products they were not built on: each page
# compiled alone (`popcheck compile PAGE --metadata ...`), as a new user would, then
#   - pages with one contract: the compile exits 0 and writes exactly one catalogue file;
#   - parameter-table agreement: the contract's parameters (name and required flag) equal a second,
#     simpler reading of the page's parameter table (bench/page_tables.py).
# Prints every page that fails either, the totals (and per product when pages name one), the CPU
# time of the compiles and the load average.
#
#   bash bench/page-readers.sh [--metadata FILE]... [--product P --version V] PAGE|FOLDER...
#   bash bench/page-readers.sh [--catalogue DIR]... FOLDER-WITH-INDEX.tsv...
#   bash bench/page-readers.sh                 # ../shared/corpus/docs and products with ../shared/metadata
#
# A folder holding an INDEX.tsv (file, repo, path, commit, product code, API version, tab-separated;
# `-` where the page does not say) gives each of its pages the product and version of its line, as
# --product/--version: what a user who knows them but has no metadata passes. Where a catalogue
# folder (--catalogue DIR, default ../shared/metadata/catalogue and ../shared/metadata) holds the
# product's api-docs.json (`<product code lower-case>-<version>.json`), that file is passed as
# --metadata too: the one of the page's version, else every version the folder has of the product.
# The pages of such a folder are the files its INDEX.tsv lists; those of a folder without one, its
# .md and .txt files (but README.md), with the flags given on the command line only. A page of an
# INDEX.tsv that fails alone for want of a product or version is compiled a second time, in one
# batch with its repository's other pages, where popcheck's batch rule may give them (below).
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

flags=() inputs=() catalogues=()
while (($#)); do
  case $1 in
    --metadata|--product|--version)
      (($# >= 2)) || { echo "page-readers: $1 needs a value" >&2; exit 2; }
      flags+=("$1" "$2"); shift 2 ;;
    --catalogue)
      (($# >= 2)) && [[ -d $2 ]] || { echo "page-readers: --catalogue needs a folder" >&2; exit 2; }
      catalogues+=("$2"); shift 2 ;;
    -*) echo "page-readers: unknown option $1" >&2; exit 2 ;;
    *) inputs+=("$1"); shift ;;
  esac
done
shared=${POPCHECK_SHARED:-$root/../shared}
if ((${#inputs[@]} == 0)); then
  inputs=("$shared/corpus/docs" "$shared/corpus/products")
  for m in "$shared"/metadata/*.json; do flags+=(--metadata "$m"); done
fi
if ((${#catalogues[@]} == 0)); then
  for d in "$shared/metadata/catalogue" "$shared/metadata"; do [[ -d $d ]] && catalogues+=("$d"); done
fi

# The api-docs.json files of product $1 (code, any case) in version $2 ('-': unknown) found in the
# catalogue folders: the version's own file, else every version of the product.
metadata_of() {
  local code=${1,,} version=$2 d f found=()
  for d in "${catalogues[@]}"; do
    [[ $version != - && -f $d/$code-$version.json ]] && found+=("$d/$code-$version.json")
  done
  if ((${#found[@]} == 0)); then
    for d in "${catalogues[@]}"; do
      for f in "$d/$code"-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9].json; do
        [[ -f $f ]] && found+=("$f")
      done
    done
  fi
  printf '%s\n' "${found[@]}"
}

# One line per page: page, product code and version ('-' when no INDEX.tsv says).
pages=()
declare -A page_product=() page_version=() page_repo=()
for i in "${inputs[@]}"; do
  [[ $i != / ]] && i=${i%/}
  if [[ -f $i/INDEX.tsv ]]; then
    # The pages are the files INDEX.tsv lists (the folder may hold other notes).
    while IFS=$'\t' read -r file repo _path _commit product version _rest; do
      [[ -z $file || $file == file ]] && continue
      [[ -f $i/$file ]] || { echo "page-readers: $i/INDEX.tsv names $file, which is not in $i" >&2; exit 2; }
      pages+=("$i/$file")
      page_product[$i/$file]=${product:--}
      page_version[$i/$file]=${version:--}
      page_repo[$i/$file]=${repo:--}
    done < <(sort "$i/INDEX.tsv")
  elif [[ -d $i ]]; then
    while IFS= read -r f; do pages+=("$f"); done < <(find "$i" -maxdepth 1 -type f \( -name '*.md' -o -name '*.txt' \) ! -name README.md | sort)
  else
    pages+=("$i")
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
start_cpu=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
t0=$(date +%s.%N)
with_metadata=0 with_product=0

# compile_page PAGE PRODUCT VERSION RESULTS: one compile, its line appended to RESULTS (page, output
# folder, exit status, group: the INDEX.tsv repository, else '-').
compile_page() {
  local page=$1 product=$2 version=$3 status=0 own=() meta=() m
  n=$((n + 1))
  local out=$work/out-$n
  [[ $product != - ]] && own+=(--product "$product")
  [[ $version != - ]] && own+=(--version "$version")
  if [[ $product != - ]]; then
    with_product=$((with_product + 1))
    while IFS= read -r m; do [[ -n $m ]] && meta+=(--metadata "$m"); done < <(metadata_of "$product" "$version")
    ((${#meta[@]})) && with_metadata=$((with_metadata + 1))
    own+=("${meta[@]}")
  fi
  timeout 60 "$bin" compile "$page" "${flags[@]}" "${own[@]}" --out "$out" > "$work/log-$n" 2>&1 || status=$?
  printf '%s\t%s\t%s\t%s\t%s\n' "$page" "$out" "$status" "${page_repo[$page]:--}" "$n" >> "$4"
}

for page in "${pages[@]}"; do
  compile_page "$page" "${page_product[$page]:--}" "${page_version[$page]:--}" "$work/first.tsv"
done

# Second pass, for pages of an INDEX.tsv whose compile stopped at compile.no_product or
# compile.no_version (neither the page nor its INDEX line names them): the page is compiled again
# in one batch with the other pages of its repository, as a user compiling that product's pages
# would (`popcheck compile PAGE OTHER-PAGES... --metadata ...`: the metadata of every page of the
# repository that the catalogue folders have, no --product/--version from INDEX.tsv), and
# popcheck's batch rule gives it the product and version those pages agree on (docs/readers.md,
# "Product and version"). The page goes first, so that no other page of the same action takes its
# place; its result is the catalogue file whose contract comes from it, and it failed when an
# error message names it. (Before the rule was popcheck's, this bench gave such pages the one
# product and version of their repository's compiled pages itself; that rule is gone.)
batch_cpu=0 skip_cpu=0 batch_pages=0
# batch_page PAGE REPOSITORY RESULTS
batch_page() {
  local page=$1 repo=$2 status=0 others=() meta=() m p c0
  declare -A seen_meta=()
  n=$((n + 1))
  local out=$work/out-$n batch=$work/batch-$n
  for p in "$page" "${pages[@]}"; do
    [[ ${page_repo[$p]:--} == "$repo" ]] || continue
    [[ $p != "$page" ]] && others+=("$p")
    [[ ${page_product[$p]:--} == - ]] && continue
    while IFS= read -r m; do
      [[ -n $m && -z ${seen_meta[$m]:-} ]] && seen_meta[$m]=1 && meta+=(--metadata "$m")
    done < <(metadata_of "${page_product[$p]}" "${page_version[$p]:--}")
  done
  ((${#meta[@]})) && with_metadata=$((with_metadata + 1))
  batch_pages=$((batch_pages + 1 + ${#others[@]}))
  c0=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
  timeout 120 "$bin" compile "$page" "${others[@]}" "${flags[@]}" "${meta[@]}" --out "$batch" \
    > "$work/batch-log-$n" 2>&1 || status=$?
  batch_cpu=$((batch_cpu + $(awk '{print $14+$15+$16+$17}' /proc/$$/stat) - c0))
  # What the batch said of this page (its errors, and with them the warnings that name it).
  grep -F -e "popcheck compile: $page: " -e "popcheck compile: warning: $page: " \
    "$work/batch-log-$n" > "$work/log-$n" || true
  if ((status <= 2)); then
    status=0
    grep -qF "popcheck compile: $page: " "$work/log-$n" && status=2
  fi
  # The page's own catalogue file, copied out of the batch's (not counted as compile time).
  c0=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
  python3 - "$batch" "$page" "$out" <<'PY'
import json, os, shutil, sys
batch, page, out = sys.argv[1:]
os.makedirs(out, exist_ok=True)
for root, _, names in os.walk(batch):
    for n in names:
        if n.endswith(".json"):
            path = os.path.join(root, n)
            if json.load(open(path, encoding="utf-8"))["contract"]["source"]["file"] == page:
                os.makedirs(os.path.join(out, os.path.basename(root)), exist_ok=True)
                shutil.copy(path, os.path.join(out, os.path.basename(root), n))
PY
  skip_cpu=$((skip_cpu + $(awk '{print $14+$15+$16+$17}' /proc/$$/stat) - c0))
  printf '%s\t%s\t%s\t%s\t%s\n' "$page" "$out" "$status" "$repo" "$n" >> "$3"
}

: > "$work/final.tsv"
second=0
while IFS=$'\t' read -r page out status repo k; do
  if [[ $status != 0 && $repo != - ]] && grep -q 'compile\.no_product\|compile\.no_version' "$work/log-$k"; then
    batch_page "$page" "$repo" "$work/final.tsv"
    second=$((second + 1))
  else
    printf '%s\t%s\t%s\t%s\t%s\n' "$page" "$out" "$status" "$repo" "$k" >> "$work/final.tsv"
  fi
done < "$work/first.tsv"
t1=$(date +%s.%N)
# The compiles are children of this shell: their CPU time is in its cutime/cstime.
cpu=$(awk -v s="$((start_cpu + skip_cpu))" -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15+$16+$17-s)/hz}' /proc/$$/stat)

if ((second)); then
  echo "first pass (each page alone; product and version only as INDEX.tsv gives them):"
  python3 "$here/page_tables.py" --summary "$work/first.tsv" | sed 's/^/  /'
  echo "after compiling $second of them again in one batch with their repository's other pages:"
fi
python3 "$here/page_tables.py" "$work/final.tsv"
while IFS=$'\t' read -r page out status repo k; do
  [[ $status == 0 ]] && continue
  echo "compile messages of $page:"
  grep -v '^$' "$work/log-$k" | head -3 | sed 's/^/    /'
done < "$work/final.tsv"
((with_product || second)) && printf 'product from INDEX.tsv: %d compiles; %d compiles with metadata from %s\n' \
  "$with_product" "$with_metadata" "${catalogues[*]:-no catalogue}"
((second)) && printf 'second pass: %d batch compiles of %d pages in all, CPU %.2f s\n' "$second" "$batch_pages" \
  "$(awk -v t="$batch_cpu" -v hz="$(getconf CLK_TCK)" 'BEGIN {print t / hz}')"
printf 'compiles: %d, of %d pages; wall %.1f s, CPU %s s (user+sys of the compiles); load average %s\n' \
  "$n" "${#pages[@]}" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" "$cpu" "$(cut -d' ' -f1-3 /proc/loadavg)"
