#!/usr/bin/env bash
# Runs clang-tidy (the checks of .clang-tidy) over the project's C++ sources and exits 1 when it
# finds anything.
#
#   scripts/tidy.sh               every product source of the ci build's compilation database (the
#                                 unit tests' sources are left out: their helpers favour brevity)
#   scripts/tidy.sh FILE...       the files named (sources; a header is checked through them)
#   TIDY_JOBS=N                   clang-tidy processes at once (default 2)
#
# Needs clang-tidy 16 (Debian's default 14 cannot parse libstdc++ 12's std::expected;
# scripts/setup.sh lint installs it) and the ci build's compile_commands.json (cmake --preset ci).
# The code is C++23 to GCC; clang 16 calls that -std=c++2b, reads scripts/tidy-prelude.hpp first
# (std::expected), and ignores the GCC-only warning flags.
set -euo pipefail
cd "$(dirname "$0")/.."
tidy=${CLANG_TIDY:-clang-tidy-16}
command -v "$tidy" >/dev/null 2>&1 || {
  echo "tidy.sh: $tidy is not installed (bash scripts/setup.sh lint)" >&2
  exit 2
}
db=build/ci/compile_commands.json
[[ -f "$db" ]] || cmake --preset ci >/dev/null
if [[ $# -gt 0 ]]; then
  files=("$@")
else
  mapfile -t files < <(python3 - "$db" "$PWD" <<'PY'
import json, os, sys
root = sys.argv[2]
for entry in json.load(open(sys.argv[1])):
    path = os.path.relpath(os.path.join(entry["directory"], entry["file"]), root)
    if not path.startswith(("build", "..")) and "/tests/" not in path:
        print(path)
PY
  )
fi
# The build precompiles common headers (cmake_pch.hxx, made into GCC's .gch, which clang cannot
# read but picks up beside the header): clang-tidy reads a copy of the database in build/ci/tidy
# whose commands include a copy of each cmake_pch.hxx as plain text, with no .gch beside it.
python3 - "$db" build/ci/tidy <<'PY'
import json, os, shutil, sys
db, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
entries = []
for entry in json.load(open(db)):
    if entry["file"].endswith(".hxx.cxx"):
        continue  # the precompiled header's own compilation
    args = entry["command"].split(" ")
    for i, a in enumerate(args):
        if a.endswith("/cmake_pch.hxx") and i > 0 and args[i - 1] == "-include":
            copy = os.path.join(os.path.abspath(out), a.strip("/").replace("/", "_"))
            shutil.copyfile(a, copy)
            args[i] = copy
    entry["command"] = " ".join(x for x in args if x != "-Winvalid-pch")
    entries.append(entry)
json.dump(entries, open(os.path.join(out, "compile_commands.json"), "w"), indent=1)
PY
extra=(--extra-arg=-std=c++2b --extra-arg=-include"$PWD/scripts/tidy-prelude.hpp"
       --extra-arg=-Wno-unknown-warning-option)
# Findings in the project's own headers count; those in Boost, the standard library and the
# generated headers under build/ do not.
root=$(sed 's/[.[\*^$+?(){}|]/\\&/g' <<<"$PWD")
extra+=(--header-filter="^$root/(app|core|emulator|fuzz|net|proxy|reports|runner|tests)/")
rc=0
printf '%s\n' "${files[@]}" | sort -u |
  xargs -P "${TIDY_JOBS:-2}" -n 1 "$tidy" -p build/ci/tidy --quiet "${extra[@]}" || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "tidy.sh: clang-tidy reported findings (above)" >&2
  exit 1
fi
echo "tidy.sh: ${#files[@]} file(s), no findings"
