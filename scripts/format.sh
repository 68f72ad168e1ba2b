#!/usr/bin/env bash
# Applies .clang-format to the C++ sources git tracks (and those it does not ignore), or checks
# them.
#
#   scripts/format.sh                    formats every file in place
#   scripts/format.sh FILE...            formats the files named
#   scripts/format.sh --check [FILE...]  changes nothing; lists each file clang-format would change
#                                        with its count of replacements; exits 1 when there is any
#
# Needs clang-format (Debian's clang-format, version 14; scripts/setup.sh lint installs it).
# Generated files under build/ are never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [[ "${1:-}" == "--check" ]]; then
  check=1
  shift
fi
command -v clang-format >/dev/null 2>&1 || {
  echo "format.sh: clang-format is not installed (bash scripts/setup.sh lint)" >&2
  exit 2
}
if [[ $# -gt 0 ]]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp' '*.h' \
                         | grep -v '^build')
fi
[[ ${#files[@]} -gt 0 ]] || exit 0
if ((check)); then
  # One warning line per replacement; counted per file.
  report=$(clang-format --dry-run "${files[@]}" 2>&1 |
             sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning:.*/\1/p' | sort | uniq -c | sort -rn)
  if [[ -n "$report" ]]; then
    echo "$report"
    total=$(awk '{n += $1} END {print n}' <<<"$report")
    echo "format.sh: $total replacement(s) in $(wc -l <<<"$report") file(s);" \
         "run scripts/format.sh" >&2
    exit 1
  fi
  exit 0
fi
clang-format -i "${files[@]}"
