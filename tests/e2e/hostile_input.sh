#!/usr/bin/env bash
# Hostile input through the real binary (issue 19, items 1, 2 and 6). Every deep input is generated
# here (100,000 levels of JSON in 200 KB, 30,000 levels of schema), never checked in:
#  1. a record-mode proxy gets a POST whose JSON body nests 100,000 deep, forwards and records it,
#     and then answers a normal request; start-up removed the temporaries a killed recording left
#     (and said how many);
#  2. a replay proxy with one deep fixture among good ones names it and serves the good ones;
#  3. `compile` of an api-docs.json with one deep API exits 2 naming product, version and action,
#     and still compiles the file's other API;
#  4. `run --cases` with a deep contract, `fixtures export-har`, `cases from-fixtures`,
#     `fixtures import-har`, `report html|diff|merge` on deep input exit 2 naming the file (not 139).
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

# deep N OPEN CLOSE: OPEN N times, then CLOSE N times, on stdout.
deep() {
  head -c "$1" /dev/zero | tr '\0' "$2"
  head -c "$1" /dev/zero | tr '\0' "$3"
}
deep 100000 '[' ']' >"$tmp/deep.json"
[[ $(wc -c <"$tmp/deep.json") -eq 200000 ]] || fail "the deep body is not 200 KB"

# expect_refusal NAME FILE CMD...: CMD exits 2 (not 139, not 0) and its stderr names FILE.
expect_refusal() {
  local name=$1 file=$2 rc=0
  shift 2
  "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
  [[ $rc -eq 2 ]] || fail "$name: exit status $rc, expected 2: $(head -c 600 "$tmp/$name.err")"
  grep -qF -- "$file" "$tmp/$name.err" || fail "$name: the error does not name $file: $(head -c 600 "$tmp/$name.err")"
  grep -q "deeper than" "$tmp/$name.err" || fail "$name: the error does not say what is wrong"
}

# ---- 1. The recording proxy survives the deep POST and keeps serving.
recorded="$tmp/recorded"
mkdir -p "$recorded/ecs/DescribeRegions"
# What kill -9 during a recording leaves behind, and a look-alike that is not the writer's.
echo '{"half' >"$recorded/ecs/DescribeRegions/.000003-ab12cd34.json.tmp-1234567890"
echo '{"half' >"$recorded/ecs/.000000-ffffffff.json.tmp-42"
echo 'keep' >"$recorded/ecs/DescribeRegions/.notes.tmp-x"
start_emulator emulator
emulator_url=$url
emulator_pid=$server_pid
start recorder "$bin" proxy --mode record --upstream "$emulator_url" --fixtures "$recorded" \
  --listen 127.0.0.1:0
proxy_pid=$server_pid
grep -q "removed 2 temporary file" "$tmp/recorder.err" ||
  fail "start-up did not report the 2 stale temporaries: $(cat "$tmp/recorder.err")"
[[ -z $(find "$recorded" -name '.*.json.tmp-*') ]] || fail "stale temporaries are left"
[[ -f "$recorded/ecs/DescribeRegions/.notes.tmp-x" ]] || fail "a file not the writer's was removed"

query="Action=DescribeRegions&Version=2014-05-26&RegionId=cn-hangzhou"
status=$(curl -s -o "$tmp/deep.answer" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  --data-binary @"$tmp/deep.json" "$url/?$query") || fail "the deep POST got no answer"
[[ $status -eq 200 ]] || fail "the deep POST was answered $status: $(head -c 300 "$tmp/deep.answer")"
kill -0 "$proxy_pid" 2>/dev/null || fail "the recording proxy died"
curl -sf "$url/?$query&Format=JSON" >"$tmp/normal.answer" || fail "no answer after the deep POST"
grep -q '"RequestId"' "$tmp/normal.answer" || fail "the normal answer has no RequestId"
stop "$proxy_pid"
count=$(find "$recorded" -name '*.json' | wc -l)
[[ $count -eq 2 ]] || fail "expected 2 recorded fixtures, found $count"
grep -lF "$(head -c 1000 "$tmp/deep.json")" -r "$recorded" >/dev/null ||
  fail "the deep request body was not recorded"
echo "1. record: the 100,000-deep POST was recorded, the next request served, 2 temporaries removed"

# ---- 2. Replay: one deep fixture among good ones is named and skipped.
replay="$tmp/replay"
cp -r "$recorded" "$replay"
mkdir -p "$replay/ecs/Deep"
bad_fixture="$replay/ecs/Deep/000000-deadbeef.json"
{
  printf '{"request": {"params": {"Action": "Deep"}}, "response": {"status": 200, '
  printf '"body_format": "json", "body": '
  cat "$tmp/deep.json"
  printf '}}\n'
} >"$bad_fixture"
start replayer "$bin" proxy --mode replay --fixtures "$replay" --listen 127.0.0.1:0
replay_pid=$server_pid
grep -qF "$bad_fixture" "$tmp/replayer.err" || fail "replay did not name the deep fixture"
curl -sf "$url/?$query&Format=JSON" >"$tmp/replayed.answer" || fail "replay did not serve a good fixture"
grep -q '"RequestId"' "$tmp/replayed.answer" || fail "the replayed answer has no RequestId"
stop "$replay_pid"
stop "$emulator_pid"
echo "2. replay: the deep fixture was named and skipped, the good ones served"

# ---- 3. compile: one deep API is named; the file's other API compiles.
{
  printf '{"info": {"product": "Vpc", "version": "2016-04-28"}, "apis": {'
  printf '"DescribeVpcs": {"parameters": [{"name": "RegionId", "in": "query", "schema": {"type": "string"}}]},'
  printf '"DeepAction": {"responses": {"200": {"schema": '
  printf '{"type":"object","properties":{"A":%.0s' $(seq 30000)
  printf '{"type":"string"}'
  printf '}}%.0s' $(seq 30000)
  printf '}}}}}\n'
} >"$tmp/api-docs.json"
expect_refusal compile "$tmp/api-docs.json" "$bin" compile "$tmp/api-docs.json" --out "$tmp/catalogue"
grep -q "Vpc 2016-04-28 DeepAction" "$tmp/compile.err" || fail "compile: product, version and action not named"
[[ -f "$tmp/catalogue/vpc/DescribeVpcs.json" ]] || fail "compile: the other API was not compiled"
echo "3. compile: the deep API was named, the other compiled"

# ---- 4. Every other reader of files.
mkdir -p "$tmp/cases/ecs"
cp "$src/cases/ecs/RemoveTags.json" "$tmp/cases/ecs/"
{
  printf '{"contract": {"product": "Ecs", "version": "2014-05-26", "action": "Deep", "response": '
  printf '{"name":"A","type":"object","children":[%.0s' $(seq 30000)
  printf '{}'
  printf ']}%.0s' $(seq 30000)
  printf '}, "cases": []}\n'
} >"$tmp/cases/ecs/Deep.json"
expect_refusal run "$tmp/cases/ecs/Deep.json" "$bin" run --cases "$tmp/cases" --report-dir "$tmp/run"

deep_fixtures="$tmp/deep-fixtures"
mkdir -p "$deep_fixtures/ecs"
cp -r "$recorded/ecs/DescribeRegions" "$deep_fixtures/ecs/"
cp -r "$replay/ecs/Deep" "$deep_fixtures/ecs/"
deep_fixture="$deep_fixtures/ecs/Deep/000000-deadbeef.json"
expect_refusal export-har "$deep_fixture" "$bin" fixtures export-har "$deep_fixtures" --out "$tmp/x.har"
expect_refusal from-fixtures "$deep_fixture" "$bin" cases from-fixtures "$deep_fixtures" --out "$tmp/derived"

{
  printf '{"log": {"version": "1.2", "entries": [], "comment": '
  cat "$tmp/deep.json"
  printf '}}\n'
} >"$tmp/deep.har"
expect_refusal import-har "$tmp/deep.har" "$bin" fixtures import-har "$tmp/deep.har" --out "$tmp/imported"

{
  printf '{"endpoint": "http://127.0.0.1:1", "cases": [{"id": "a", "status": "passed", "detail": '
  cat "$tmp/deep.json"
  printf '}]}\n'
} >"$tmp/results.json"
expect_refusal html "$tmp/results.json" "$bin" report html "$tmp/results.json" -o "$tmp/r.html"
expect_refusal diff "$tmp/results.json" "$bin" report diff "$tmp/results.json" "$tmp/results.json"
expect_refusal merge "$tmp/results.json" "$bin" report merge "$tmp/results.json" --out "$tmp/merged"
echo "4. run, export-har, from-fixtures, import-har, report html|diff|merge: exit 2 naming the file"

echo "PASS: hostile input refused by name, every server kept serving"
