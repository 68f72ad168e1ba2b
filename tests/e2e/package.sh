#!/usr/bin/env bash
# popcheck as its users get it (issue 18): the Debian package CPack builds from this build tree,
# unpacked into a fresh prefix and used from an unrelated working directory, with nothing of the
# checkout in reach but the Node SDKs.
#  - the package: its fields (Package, Version equal to `popcheck --version`'s, Depends naming the
#    Debian package of every shared library the binary loads, Recommends nodejs) and its files
#    (bin/popcheck and share/popcheck/{metadata,schemas,cases,adapters}, nothing outside /usr);
#  - the installed binary: `run` (the seed suite on the embedded emulator, every case passes),
#    `emulate` (an API of a bundled product outside the seed suite answers from its contract),
#    `compile` of a page, and `run --sdk pop-core` (the adapters of the install tree);
#  - the CI templates of ci-templates/: their shard and join jobs' own scripts, run here as the CI
#    runs them (N shard processes in parallel, then the join), give the unsharded run's results and
#    publish junit.xml and report.html;
#  - the Dockerfile: it installs the file CPack produces, and its entry point is popcheck.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

# The build tree of $bin: the folder above it holding CPackConfig.cmake.
build=$(dirname "$bin")
while [[ ! -f "$build/CPackConfig.cmake" ]]; do
  [[ "$build" != / ]] || fail "no CPackConfig.cmake above $bin: not a CMake build tree"
  build=$(dirname "$build")
done

# --- The package -------------------------------------------------------------------------------------
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/cpack" >"$tmp/cpack.log" 2>&1 ||
  fail "cpack failed: $(tail -20 "$tmp/cpack.log")"
debs=("$tmp"/cpack/*.deb)
if ((${#debs[@]} != 1)) || [[ ! -f "${debs[0]}" ]]; then
  fail "cpack made no single .deb file: ${debs[*]}"
fi
deb=${debs[0]}
field() { dpkg-deb -f "$deb" "$1"; }
echo "package: $(basename "$deb"): $(field Package) $(field Version) $(field Architecture)"
[[ "$(basename "$deb")" == "$(field Package)_$(field Version)_$(field Architecture).deb" ]] ||
  fail "$(basename "$deb") is not named <Package>_<Version>_<Architecture>.deb"
for f in Maintainer Section Description Depends; do
  [[ -n "$(field "$f")" ]] || fail "the package has no $f field"
done
echo "Depends: $(field Depends)"
[[ ",$(field Recommends)," == *",nodejs,"* || "$(field Recommends)" == nodejs* ]] ||
  fail "nodejs (for --sdk) is not in Recommends: $(field Recommends)"

root=$tmp/root
dpkg-deb -x "$deb" "$root"
prefix=$root/usr
installed=$prefix/bin/popcheck
[[ -x "$installed" ]] || fail "the package has no executable usr/bin/popcheck"
dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/contents"
outside=$(grep -v -e '^\./$' -e '^\./usr/' "$tmp/contents" || true)
[[ -z "$outside" ]] || fail "the package installs outside /usr: $outside"

# Depends names the Debian package of every shared library the binary needs (its NEEDED entries, as
# ldd resolves them), and each name it gives is a package of this Debian.
depends=$(field Depends)
# owner_of FILE: the package that ships FILE, by its path, its resolved path or (merged /usr) the
# path with or without the /usr prefix; empty when none does.
owner_of() {
  local path
  for path in "$1" "$(readlink -f "$1")" "${1#/usr}" "/usr$1"; do
    dpkg -S "$path" 2>/dev/null | grep -v '^diversion' | head -1 | cut -d: -f1 && return 0
  done
  return 0
}
while read -r lib; do
  owner=$(owner_of "$lib")
  [[ -n "$owner" ]] || fail "no Debian package owns $lib, which popcheck needs"
  [[ ", $depends," == *", $owner "* || ", $depends," == *", $owner,"* ]] ||
    fail "popcheck needs $lib of $owner, which Depends does not name: $depends"
done < <(readelf -d "$installed" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | while read -r needed; do
  ldd "$installed" | awk -v n="$needed" '$1 == n && $3 ~ /^\// {print $3}'
done)
for name in $(tr ',' '\n' <<<"$depends" | awk '{print $1}'); do
  dpkg-query -W "$name" >/dev/null 2>&1 || fail "Depends names $name, which is not a Debian package here"
done

# The data of the agreed layout, and the same catalogue and adapters as the checkout's.
data=$prefix/share/popcheck
compgen -G "$data/metadata/*.json" >/dev/null || fail "no metadata/*.json in $data"
[[ -f "$data/schemas/junit-ant.xsd" ]] || fail "no schemas/junit-ant.xsd in $data"
diff -r "$src/cases" "$data/cases" >/dev/null || fail "the installed cases differ from $src/cases"
for a in "$src"/adapters/*.js; do
  cmp -s "$a" "$data/adapters/$(basename "$a")" || fail "adapter $(basename "$a") is not installed as is"
done

# Everything from here runs the installed binary in an unrelated folder, with no data location given.
unset POPCHECK_DATA_DIR POPCHECK_SHARED POPCHECK_ADAPTERS POPCHECK_SDK_MODULES NODE_PATH
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"

# --version: "popcheck VERSION (commit C)", VERSION the package's, C a commit of this repository.
version_line=$("$installed" --version)
echo "version: $version_line"
[[ "$version_line" =~ ^popcheck\ ([^ ]+)\ \(commit\ ([0-9a-f]{7,}(-dirty)?|unknown)\)$ ]] ||
  fail "--version prints '$version_line', not 'popcheck VERSION (commit C)'"
[[ "${BASH_REMATCH[1]}" == "$(field Version)" ]] ||
  fail "--version says ${BASH_REMATCH[1]}, the package $(field Version)"
commit=${BASH_REMATCH[2]%-dirty}
if [[ "$commit" != unknown ]] && git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$src" rev-parse --verify --quiet "$commit^{commit}" >/dev/null ||
    fail "--version names commit $commit, which $src does not have"
fi

# The seed suite on the embedded emulator, every case passing.
"$installed" run --report-dir seed -q || fail "popcheck run of the installed seed suite exited $?"
node - seed/results.json <<'JS' ||
const fs = require('fs');
const r = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const s = r.summary;
if (!(s.total > 0 && s.passed === s.total)) {
  console.error(`not every case passed: ${JSON.stringify(s)}`);
  process.exit(1);
}
console.log(`run: ${s.passed}/${s.total} cases of the installed catalogue passed`);
JS
  fail "the installed seed suite did not pass"

# The standalone emulator answers an ECS API outside the seed suite from its bundled contract.
start_emulator emulate
answer=$(curl -sS --max-time 30 "$url/?Action=DescribeRegions&Version=2014-05-26&Format=JSON&RegionId=cn-hangzhou")
node -e '
const a = JSON.parse(process.argv[1]);
if (!a.RequestId || !a.Regions) { console.error("no RequestId and Regions: " + process.argv[1]); process.exit(1); }
console.log("emulate: DescribeRegions answered with its contract'"'"'s Regions");' "$answer" ||
  fail "the installed emulator did not answer DescribeRegions from its contract"
stop "$server_pid"

# compile of a page written here, for a made-up action.
cat >page.md <<'MD'
# ListWidgets

## Request parameters

|Parameter|Type|Required|Example|Description|
|---|---|---|---|---|
|RegionId|String|Yes|cn-hangzhou|The region of the widgets.|
|PageSize|Integer|No|10|Widgets per page. Valid values: 1 to 50.|

## Error codes

|HttpCode|Error code|Error message|Description|
|---|---|---|---|
|404|InvalidRegionId.NotFound|The specified RegionId does not exist.|The region is unknown.|
MD
"$installed" compile page.md --product Ecs --version 2014-05-26 --out compiled -q ||
  fail "compile of a page exited $?"
grep -rlq '"InvalidRegionId.NotFound"' compiled || fail "the page's error row made no case"
grep -rlq '"PageSize"' compiled || fail "the page's parameters are not in the compiled catalogue"
echo "compile: $(find compiled -name '*.json' | wc -l) catalogue file(s) from one page"

# run --sdk pop-core: the adapter comes from the install tree, the SDK from the checkout's tests/sdk.
if command -v node >/dev/null 2>&1 && [[ -d "$sdk/@alicloud/pop-core" ]]; then
  rc=0
  NODE_PATH=$sdk "$installed" run --sdk pop-core --report-dir sdk -q || rc=$?
  ((rc <= 1)) || fail "run --sdk pop-core with the installed adapters exited $rc"
  grep -q '@alicloud/pop-core@' sdk/results.json || fail "the SDK run did not report pop-core"
  echo "run --sdk pop-core: the installed adapter ran (exit $rc)"
else
  echo "SKIP run --sdk: node or $sdk/@alicloud/pop-core missing (cd tests/sdk && npm ci)"
fi

# --- The CI templates, run here as their CI runs them ----------------------------------------------------
"$installed" run --cases "$data/cases" --report-dir unsharded -q || fail "the unsharded run exited $?"
for template in "$src"/ci-templates/*.yml; do
  name=$(basename "$template" .yml)
  jobs=$tmp/ci-$name
  python3 "$here/ci_templates.py" "$template" "$jobs" || fail "$name does not have the expected shape"
  n=$(cat "$jobs/shards")
  grep -qx "POPCHECK_CASES=/usr/share/popcheck/cases" "$jobs/env" ||
    fail "$name does not default POPCHECK_CASES to the catalogue the package installs"
  [[ -d "$root/usr/share/popcheck/cases" ]] || fail "the package has no /usr/share/popcheck/cases"
  mkdir "$tmp/elsewhere/$name"
  (
    cd "$tmp/elsewhere/$name"
    while IFS='=' read -r k v; do export "$k=$v"; done <"$jobs/env"
    export POPCHECK_CASES=$data/cases PATH=$prefix/bin:$PATH
    shard_pids=()
    for ((i = 1; i <= n; i++)); do
      SHARD=$i SHARDS=$n CI_NODE_INDEX=$i CI_NODE_TOTAL=$n bash -eo pipefail "$jobs/shard.sh" \
        >"shard$i.log" 2>&1 &
      shard_pids+=($!)
    done
    for ((i = 1; i <= n; i++)); do
      wait "${shard_pids[i - 1]}" || fail "$name: shard $i/$n failed: $(cat "shard$i.log")"
    done
    bash -eo pipefail "$jobs/report.sh" >report.log 2>&1 || fail "$name: the join job failed: $(cat report.log)"
    while read -r published; do
      [[ -e "$published" ]] || fail "$name publishes $published, which its jobs did not write"
    done <"$jobs/published"
    [[ -s reports/merged/report.html ]] || fail "$name: no reports/merged/report.html"
    xmllint --noout reports/merged/junit.xml 2>/dev/null || [[ ! -x "$(command -v xmllint)" ]] ||
      fail "$name: reports/merged/junit.xml is not XML"
    node "$here/same_results.mjs" "$tmp/elsewhere/unsharded/results.json" reports/merged/results.json ||
      fail "$name: the merged shards differ from the unsharded run"
  )
  echo "$name: $n shards in parallel, merged: the unsharded run's results"
done

# --- The Dockerfile ------------------------------------------------------------------------------------
dockerfile=$src/Dockerfile
stages=$(grep -c '^FROM ' "$dockerfile")
((stages == 2)) || fail "the Dockerfile has $stages stages, not a build stage and the image"
grep -q '^FROM debian:12 AS package$' "$dockerfile" || fail "the Dockerfile's build stage is not Debian 12"
[[ "$(grep '^FROM ' "$dockerfile" | tail -1)" == "FROM debian:12" ]] ||
  fail "the Dockerfile's image is not based on Debian 12"
grep -q 'cpack -G DEB --config build/release/CPackConfig.cmake -B /deb' "$dockerfile" ||
  fail "the Dockerfile's build stage does not package with cpack -G DEB into /deb"
copied=$(sed -n 's|^COPY --from=package /deb/\([^ ]*\) /tmp/$|\1|p' "$dockerfile")
[[ -n "$copied" ]] || fail "the Dockerfile does not copy a package from the build stage"
# shellcheck disable=SC2053  # $copied is the Dockerfile's glob
[[ "$(basename "$deb")" == $copied && "$copied" == "$(field Package)_"* ]] ||
  fail "the Dockerfile copies /deb/$copied, which does not name the package cpack made: $(basename "$deb")"
grep -qF "apt-get install -y -qq --no-install-recommends /tmp/$copied" "$dockerfile" ||
  fail "the Dockerfile does not install the package it copies"
grep -qx 'ENTRYPOINT \["popcheck"\]' "$dockerfile" || fail "the Dockerfile's ENTRYPOINT is not [\"popcheck\"]"
grep -qx '\./usr/bin/popcheck' "$tmp/contents" || fail "popcheck is not on the image's PATH (/usr/bin)"
echo "Dockerfile: installs $copied (cpack made $(basename "$deb")), entry point popcheck"
echo "package: passed"
