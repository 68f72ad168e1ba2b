#!/usr/bin/env bash
# HAR 1.2 interchange end to end:
#  1. real SDK calls (pop-core GET/POST, ecs20140526 V3 and v2, vpc20160428) recorded through the
#     proxy against the emulator, exported with `fixtures export-har`; every field HAR 1.2 requires
#     is checked with node;
#  2. the HAR imported into an empty folder gives the same match keys, and a replay proxy on it, with
#     the emulator stopped, gives the SDKs identical answers;
#  3. a hand-written browser-style capture (base64 body, V3 POST, a page request, a signed URL with
#     AccessKeyId and Signature) imports, replays, and leaves no secret in any fixture;
#  4. a malformed HAR exits 2 naming the entry, and its good entries are still imported.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
require_sdk @alicloud/pop-core

dummy_id=LTAIharDummyKey3344
dummy_secret=harDummySecret3344
recorded="$tmp/recorded"
imported="$tmp/imported"

# 1. Record through the proxy, export.
start_emulator emulator
emulator_pid=$server_pid
start proxy "$bin" proxy --mode record --upstream "$url" --fixtures "$recorded" \
  --listen 127.0.0.1:0
proxy_pid=$server_pid
node "$src/tests/e2e/proxy_sdk.js" "${url#http://}" "$dummy_id" "$dummy_secret" "" \
  "$tmp/record.json"
# One XML answer as well: its body is text, not JSON.
curl -sf -o /dev/null "$url/?Action=DescribeRegions&Version=2014-05-26&Format=XML&RegionId=cn-hangzhou"
stop "$proxy_pid"
stop "$emulator_pid"
count=$(find "$recorded" -name '*.json' | wc -l)
[[ $count -eq 10 ]] || fail "expected 10 recorded fixtures, found $count"

"$bin" fixtures export-har "$recorded" --out "$tmp/recorded.har" 2>"$tmp/export.err" ||
  fail "export-har: $(cat "$tmp/export.err")"
cat "$tmp/export.err"

node - "$tmp/recorded.har" "$count" <<'EOF'
// Every field HAR 1.2 requires (http://www.softwareishard.com/blog/har-12-spec/), with its type.
const har = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const want = Number(process.argv[3]);
const problems = [];
const need = (obj, at, field, type) => {
  const v = obj == null ? undefined : obj[field];
  const ok = type === 'array' ? Array.isArray(v) : type === 'object'
    ? v !== null && typeof v === 'object' && !Array.isArray(v) : typeof v === type;
  if (!ok) problems.push(`${at}.${field}: expected ${type}, got ${JSON.stringify(v)}`);
  return v;
};
const log = need(har, '', 'log', 'object');
if (log.version !== '1.2') problems.push(`log.version is ${log.version}`);
need(need(log, 'log', 'creator', 'object'), 'log.creator', 'name', 'string');
need(log.creator, 'log.creator', 'version', 'string');
const entries = need(log, 'log', 'entries', 'array') || [];
if (entries.length !== want) problems.push(`${entries.length} entries, expected ${want}`);
let forms = 0, gets = 0, base = null;
entries.forEach((e, i) => {
  const at = `entries[${i}]`;
  const t = need(e, at, 'startedDateTime', 'string');
  if (isNaN(Date.parse(t))) problems.push(`${at}.startedDateTime is not a date: ${t}`);
  if (base !== null && Date.parse(t) < base) problems.push(`${at} is out of recorded order`);
  base = Date.parse(t);
  need(e, at, 'time', 'number');
  const req = need(e, at, 'request', 'object');
  for (const f of ['method', 'url', 'httpVersion']) need(req, `${at}.request`, f, 'string');
  for (const f of ['cookies', 'headers', 'queryString']) need(req, `${at}.request`, f, 'array');
  for (const f of ['headersSize', 'bodySize']) need(req, `${at}.request`, f, 'number');
  new URL(req.url);
  if (req.method === 'GET') {
    gets++;
    if (!/[?&]Action=/.test(req.url)) problems.push(`${at}: a GET without Action in its URL`);
  }
  if (req.postData) {
    need(req.postData, `${at}.request.postData`, 'mimeType', 'string');
    if (/x-www-form-urlencoded/.test(req.postData.mimeType)) {
      forms++;
      need(req.postData, `${at}.request.postData`, 'params', 'array');
      need(req.postData, `${at}.request.postData`, 'text', 'string');
    }
  }
  const res = need(e, at, 'response', 'object');
  for (const f of ['status', 'headersSize', 'bodySize']) need(res, `${at}.response`, f, 'number');
  for (const f of ['statusText', 'httpVersion', 'redirectURL']) need(res, `${at}.response`, f, 'string');
  for (const f of ['cookies', 'headers']) need(res, `${at}.response`, f, 'array');
  const c = need(res, `${at}.response`, 'content', 'object');
  need(c, `${at}.response.content`, 'size', 'number');
  need(c, `${at}.response.content`, 'mimeType', 'string');
  need(c, `${at}.response.content`, 'text', 'string');
  need(e, at, 'cache', 'object');
  const tm = need(e, at, 'timings', 'object');
  for (const f of ['send', 'wait', 'receive']) need(tm, `${at}.timings`, f, 'number');
});
if (gets < 2 || forms < 2) problems.push(`expected GETs and form POSTs, got ${gets} and ${forms}`);
if (problems.length) { console.error('FAIL: HAR problems:\n' + problems.join('\n')); process.exit(1); }
console.log(`HAR ok: ${entries.length} entries, ${gets} GETs, ${forms} form POSTs`);
EOF
if grep -qF -e "$dummy_id" -e "$dummy_secret" "$tmp/recorded.har"; then
  fail "the exported HAR contains a credential"
fi

# 2. Import into an empty folder: same match keys (the file name's hash), identical replay.
"$bin" fixtures import-har "$tmp/recorded.har" --out "$imported" >"$tmp/import.out" ||
  fail "import-har: $(cat "$tmp/import.out")"
cat "$tmp/import.out"
grep -q "$count imported, 0 skipped" "$tmp/import.out" || fail "unexpected summary"
keys() { find "$1" -name '*.json' | sed 's/.*-\([0-9a-f]*\)\.json$/\1/' | sort; }
diff <(keys "$recorded") <(keys "$imported") || fail "imported fixtures have other match keys"
diff <(cd "$recorded" && find . -name '*.json' | sort) \
  <(cd "$imported" && find . -name '*.json' | sort) || fail "imported fixtures have other paths"
# File by file: the same request parameters and method, the same answer, the same provenance.
node - "$recorded" "$imported" <<'EOF'
const fs = require('fs'), path = require('path');
const [a, b] = process.argv.slice(2);
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
let n = 0;
for (const file of walk(a)) {
  const rel = path.relative(a, file);
  const x = JSON.parse(fs.readFileSync(file)), y = JSON.parse(fs.readFileSync(path.join(b, rel)));
  for (const part of [['request', 'method'], ['request', 'params'], ['response'], ['provenance']]) {
    const pick = (f) => part.reduce((o, k) => o[k], f);
    if (JSON.stringify(pick(x)) !== JSON.stringify(pick(y))) {
      console.error(`FAIL: ${rel}: ${part.join('.')} differs:\n${JSON.stringify(pick(x))}\n${JSON.stringify(pick(y))}`);
      process.exit(1);
    }
  }
  n++;
}
console.log(`${n} imported fixtures equal the recorded ones (params, response, provenance)`);
EOF

start replay "$bin" proxy --mode replay --fixtures "$imported" --listen 127.0.0.1:0
replay_pid=$server_pid
node "$src/tests/e2e/proxy_sdk.js" "${url#http://}" LTAIotherDummy5566 otherSecret5566 "" \
  "$tmp/replay.json"
curl -s -D "$tmp/xml.head" -o "$tmp/xml.body" \
  "$url/?Action=DescribeRegions&Version=2014-05-26&Format=XML&RegionId=cn-hangzhou"
stats=$(curl -sf "$url/__popcheck/stats")
stop "$replay_pid"
diff -u "$tmp/record.json" "$tmp/replay.json" || fail "replay of the imported HAR differs"
grep -qi '^content-type: text/xml' "$tmp/xml.head" || fail "XML answer lost its Content-Type"
original_xml=$(find "$recorded" -path '*DescribeRegions*' -name '*.json' -exec \
  node -e 'process.stdout.write(require(process.argv[1]).response.body)' {} \;)
[[ "$(cat "$tmp/xml.body")" == "$original_xml" ]] || fail "XML body differs after the round trip"
node -e '
  const s = JSON.parse(process.argv[1]);
  if (s.misses !== 0 || s.hits !== 10) { console.error("FAIL: replay stats", s); process.exit(1); }
' "$stats"
echo "round trip: $count exchanges replayed identically from the imported HAR"

# 3. A browser-style capture.
browser="$tmp/browser"
cat >"$tmp/browser.har" <<'EOF'
{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
 "pages": [{"startedDateTime": "2026-11-23T10:00:00.000+08:00", "id": "page_1", "title": "console",
            "pageTimings": {}}],
 "entries": [
  {"pageref": "page_1", "startedDateTime": "2026-11-23T10:00:00.100+08:00", "time": 12.5,
   "request": {"method": "GET", "url": "https://console.example.com/index.html",
               "httpVersion": "http/2.0", "headers": [], "queryString": [], "cookies": [],
               "headersSize": -1, "bodySize": 0},
   "response": {"status": 200, "statusText": "", "httpVersion": "http/2.0", "headers": [],
                "cookies": [], "content": {"size": 5, "mimeType": "text/html", "text": "<p/>"},
                "redirectURL": "", "headersSize": -1, "bodySize": -1},
   "cache": {}, "timings": {"send": 0, "wait": 12, "receive": 0.5}},
  {"startedDateTime": "2026-11-23T10:00:01.000+08:00", "time": 30,
   "request": {"method": "GET",
               "url": "https://ecs.cn-hangzhou.aliyuncs.com/?AccessKeyId=LTAIbrowserHar9911&Action=DescribeRegions&Format=JSON&RegionId=cn-hangzhou&SecurityToken=STS.browserToken9911&SignatureMethod=HMAC-SHA1&SignatureNonce=1f2e3d&SignatureVersion=1.0&Timestamp=2026-11-23T02%3A00%3A01Z&Version=2014-05-26&Signature=SGFyU2lnbmF0dXJlOTkxMQ%3D%3D",
               "httpVersion": "http/2.0",
               "headers": [{"name": ":authority", "value": "ecs.cn-hangzhou.aliyuncs.com"},
                           {"name": "cookie", "value": "login_aliyunid_ticket=TICKETSECRET9911"},
                           {"name": "accept", "value": "application/json"}],
               "queryString": [], "cookies": [{"name": "login_aliyunid_ticket", "value": "TICKETSECRET9911"}],
               "headersSize": -1, "bodySize": 0},
   "response": {"status": 200, "statusText": "", "httpVersion": "http/2.0",
                "headers": [{"name": "content-type", "value": "application/json;charset=utf-8"},
                            {"name": "content-encoding", "value": "gzip"},
                            {"name": "x-acs-request-id", "value": "B1-REQ"}],
                "cookies": [],
                "content": {"size": 63, "mimeType": "application/json",
                            "text": "eyJSZXF1ZXN0SWQiOiJCMS1SRVEiLCJSZWdpb25zIjp7IlJlZ2lvbiI6W3siUmVnaW9uSWQiOiJjbi1oYW5nemhvdSJ9XX19",
                            "encoding": "base64"},
                "redirectURL": "", "headersSize": -1, "bodySize": -1},
   "cache": {}, "timings": {"send": 0, "wait": 30, "receive": 0}},
  {"startedDateTime": "2026-11-23T02:00:02Z",
   "request": {"method": "POST", "url": "https://vpc.aliyuncs.com/?RegionId=cn-hangzhou&VpcName=web",
               "headers": [{"name": "x-acs-action", "value": "CreateVpc"},
                           {"name": "x-acs-version", "value": "2016-04-28"},
                           {"name": "x-acs-accesskey-id", "value": "LTAIbrowserHar9911"},
                           {"name": "Authorization", "value": "ACS3-HMAC-SHA256 Credential=LTAIbrowserHar9911,SignedHeaders=host;x-acs-action;x-acs-version,Signature=9f8e7d6c5b4a39281706f5e4d3c2b1a0"},
                           {"name": "content-type", "value": "application/json"}],
               "postData": {"mimeType": "application/json", "text": "{\"CidrBlock\":\"172.16.0.0/12\"}"}},
   "response": {"status": 200,
                "content": {"mimeType": "application/json",
                            "text": "{\"RequestId\":\"B2-REQ\",\"VpcId\":\"vpc-har1\"}"}}}
 ]}}
EOF
"$bin" fixtures import-har "$tmp/browser.har" --out "$browser" >"$tmp/browser.out" ||
  fail "import-har of the browser capture: $(cat "$tmp/browser.out")"
cat "$tmp/browser.out"
grep -q "2 imported, 1 skipped" "$tmp/browser.out" || fail "unexpected summary for the browser capture"
[[ -n $(find "$browser/ecs/DescribeRegions" -name '*.json') ]] || fail "no ecs/DescribeRegions fixture"
[[ -n $(find "$browser/vpc/CreateVpc" -name '*.json') ]] || fail "no vpc/CreateVpc fixture"
for secret in LTAIbrowserHar9911 STS.browserToken9911 SGFyU2lnbmF0dXJlOTkxMQ TICKETSECRET9911 \
  9f8e7d6c5b4a39281706f5e4d3c2b1a0 1f2e3d; do
  if grep -rlF -- "$secret" "$browser"; then fail "a fixture contains a secret ($secret)"; fi
done
if grep -rl '"Signature"\|"AccessKeyId"\|ACS3-HMAC' "$browser"; then
  fail "a fixture contains a credential field"
fi
# The base64 answer replays decoded, to any client and any key.
start browser_replay "$bin" proxy --mode replay --fixtures "$browser" --listen 127.0.0.1:0
browser_pid=$server_pid
got=$(curl -s "$url/?Action=DescribeRegions&Version=2014-05-26&RegionId=cn-hangzhou&AccessKeyId=x")
v3=$(curl -s -X POST -H 'x-acs-action: CreateVpc' -H 'x-acs-version: 2016-04-28' \
  "$url/?RegionId=cn-hangzhou&VpcName=web")
stop "$browser_pid"
[[ "$got" == '{"RequestId":"B1-REQ","Regions":{"Region":[{"RegionId":"cn-hangzhou"}]}}' ]] ||
  fail "the base64 answer replayed as: $got"
[[ "$v3" == '{"RequestId":"B2-REQ","VpcId":"vpc-har1"}' ]] || fail "the V3 answer replayed as: $v3"
echo "browser capture: imported, replayed, no secret in any fixture"

# --redact-path is repeatable and takes one path each, so HAR files may follow it.
cat >"$tmp/sts.har" <<'EOF2'
{"log": {"entries": [{"request": {"url": "https://sts.aliyuncs.com/?Action=AssumeRole&Version=2015-04-01"},
 "response": {"status": 200, "content": {"text": "{\"Credentials\":{\"Expiration\":\"2026-11-23T17:00:00Z\",\"Key\":\"STSKEY1234\"},\"Password\":\"PW123456\",\"RequestId\":\"R\"}"}}}]}}
EOF2
"$bin" fixtures import-har "$tmp/browser.har" --redact-path 'Credentials.*' "$tmp/sts.har" \
  --redact-path '$.Password' --out "$tmp/sts" >"$tmp/sts.out" || fail "import-har with --redact-path"
grep -q "3 imported, 1 skipped" "$tmp/sts.out" || fail "both HAR files were not read: $(cat "$tmp/sts.out")"
if grep -rl -e STSKEY1234 -e PW123456 "$tmp/sts"; then fail "--redact-path left a value"; fi
grep -rq '"RequestId": "R"' "$tmp/sts/sts" || fail "the STS answer lost more than the redacted paths"

# 4. A malformed HAR: exit 2, every problem named with its entry, the good entry still imported.
cat >"$tmp/bad.har" <<'EOF'
{"log": {"entries": [
  {"request": {"method": "GET", "url": "http://127.0.0.1:1/?Action=DescribeZones&Version=2014-05-26"},
   "response": {"status": 200, "content": {"text": "{}"}}},
  {"request": {"method": "GET", "url": "http://127.0.0.1:1/?Action=DescribeRegions&Version=2014-05-26"},
   "response": {"content": {"text": "{}"}}},
  {"request": {"method": "GET"}, "response": {"status": 200}}
]}}
EOF
set +e
"$bin" fixtures import-har "$tmp/bad.har" --out "$tmp/bad" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
set -e
cat "$tmp/bad.out" "$tmp/bad.err"
[[ $rc -eq 2 ]] || fail "a malformed HAR exited $rc, expected 2"
grep -qF "bad.har: entries[1].response.status: missing" "$tmp/bad.err" || fail "entry 1 not named"
grep -qF "bad.har: entries[2].request.url: missing" "$tmp/bad.err" || fail "entry 2 not named"
grep -q "1 imported, 0 skipped (not Alibaba RPC calls), 2 errors" "$tmp/bad.out" ||
  fail "unexpected summary for the malformed HAR"
[[ $(find "$tmp/bad" -name '*.json' | wc -l) -eq 1 ]] || fail "the good entry was not imported"

# Not a HAR at all, and a missing fixtures folder: exit 2 too.
echo '[1,2]' >"$tmp/not.har"
set +e
"$bin" fixtures import-har "$tmp/not.har" --out "$tmp/not" >/dev/null 2>"$tmp/not.err"
rc_not=$?
"$bin" fixtures export-har "$tmp/nowhere" --out "$tmp/x.har" 2>"$tmp/nowhere.err"
rc_nowhere=$?
"$bin" fixtures import-har "$tmp/absent.har" --out "$tmp/absent" >/dev/null 2>"$tmp/absent.err"
rc_absent=$?
set -e
[[ $rc_not -eq 2 ]] && grep -q "not a HAR file" "$tmp/not.err" || fail "not.har: exit $rc_not"
[[ $rc_nowhere -eq 2 ]] && grep -q "no such fixtures folder" "$tmp/nowhere.err" ||
  fail "export of a missing folder: exit $rc_nowhere"
[[ $rc_absent -eq 2 ]] && grep -qF "absent.har" "$tmp/absent.err" || fail "absent.har: exit $rc_absent"
echo "PASS: HAR export, import, round trip, browser capture and malformed input"
