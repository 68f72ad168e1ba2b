#!/usr/bin/env bash
# `popcheck run` against an endpoint that is not a popcheck emulator: a case whose needs have no value
# is skipped with the need's description as the reason (console, JUnit <skipped>, results.json), the
# run still exits 0; with --var (or --vars) the value reaches the request and the case runs.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
data="$src/data"  # the bundled JUnit schema
command -v python3 >/dev/null || { echo "SKIP: python3 is needed for the plain API server"; exit 0; }
export ALIBABA_CLOUD_ACCESS_KEY_ID=e2e-key-id ALIBABA_CLOUD_ACCESS_KEY_SECRET=e2e-key-secret
unset ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_PROFILE

# A plain API server: no /__popcheck/ endpoints, a conforming DetachDisk answer for everything else,
# and a log of the query strings it received.
cat >"$tmp/server.py" <<'PY'
import http.server, os, sys
log = open(sys.argv[1], "a")
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/__popcheck/"):
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        if os.path.exists(sys.argv[1] + ".drop"):  # hang up on API requests without answering
            self.close_connection = True; return
        log.write(self.path + "\n"); log.flush()
        body = b'{"RequestId":"0A1B2C3D-0000-0000-0000-000000000000"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print("http://127.0.0.1:%d" % s.server_address[1], flush=True)
s.serve_forever()
PY
start server python3 "$tmp/server.py" "$tmp/requests.log"

mkdir -p "$tmp/cases/ecs"
cat >"$tmp/cases/ecs/DetachDisk.json" <<'JSON'
{"contract": {"product": "Ecs", "version": "2014-05-26", "action": "DetachDisk",
              "examples": {"json": {"format": "json", "body": "{\"RequestId\": \"X\"}", "valid": true}}},
 "cases": [
  {"id": "Ecs.DetachDisk.example.json", "kind": "example", "product": "Ecs", "version": "2014-05-26",
   "action": "DetachDisk",
   "request": {"method": "GET", "format": "JSON",
               "params": {"Action": "DetachDisk", "Version": "2014-05-26", "InstanceId": "${instance}",
                          "DiskId": "${disk}"}},
   "expect": {"status": 200, "shape": "example"},
   "needs": [{"var": "instance", "resource": "instance", "with": {"Status": "Running"},
              "description": "a Running ECS instance"},
             {"var": "disk", "resource": "disk", "with": {"InstanceId": "${instance}"},
              "description": "a data disk attached to that instance"}]},
  {"id": "Ecs.DetachDisk.plain", "kind": "example", "product": "Ecs", "version": "2014-05-26",
   "action": "DetachDisk",
   "request": {"method": "GET", "format": "JSON",
               "params": {"Action": "DetachDisk", "Version": "2014-05-26", "InstanceId": "i-plain",
                          "DiskId": "d-plain"}},
   "expect": {"status": 200, "shape": "example"}}]}
JSON

# Without values: the case with needs is skipped and says why; the other one passes; exit 0.
rc=0
"$bin" run --endpoint "$url" --cases "$tmp/cases" --report-dir "$tmp/r1" >"$tmp/out1" 2>&1 || rc=$?
[[ $rc -eq 0 ]] || fail "exit $rc with a skipped case: $(cat "$tmp/out1")"
grep -q '^SKIP  Ecs.DetachDisk.example.json: a Running ECS instance' "$tmp/out1" ||
  fail "no skip line with the reason: $(cat "$tmp/out1")"
grep -q '1 passed, 0 failed, 1 skipped' "$tmp/out1" || fail "summary: $(tail -1 "$tmp/out1")"
grep -q '"skip_reason": "a Running ECS instance' "$tmp/r1/results.json" || fail "no skip_reason in results.json"
grep -q '<skipped message="a Running ECS instance' "$tmp/r1/junit.xml" || fail "no <skipped> in junit.xml"
xmllint --noout --schema "$data/schemas/junit-ant.xsd" "$tmp/r1/junit.xml" 2>/dev/null ||
  fail "junit.xml with a skip does not validate"
[[ $(grep -c 'Action=DetachDisk' "$tmp/requests.log") -eq 1 ]] || fail "the skipped case reached the server"

# With one value missing it is still skipped, naming the missing need.
"$bin" run --endpoint "$url" --cases "$tmp/cases" --report-dir "$tmp/r2" --var instance=i-given \
  >"$tmp/out2" 2>&1 || fail "exit $? with one var"
grep -q 'SKIP  Ecs.DetachDisk.example.json: a data disk attached to that instance' "$tmp/out2" ||
  fail "the second need is not named: $(cat "$tmp/out2")"

# With both (one from a file), the values reach the request.
printf '# test vars\ndisk = d-from-file\n' >"$tmp/vars.env"
"$bin" run --endpoint "$url" --cases "$tmp/cases" --report-dir "$tmp/r3" --var instance=i-given \
  --vars "$tmp/vars.env" >"$tmp/out3" 2>&1 || fail "exit $? with vars: $(cat "$tmp/out3")"
grep -q '2 passed, 0 failed, 0 skipped' "$tmp/out3" || fail "summary with vars: $(tail -1 "$tmp/out3")"
grep -q 'InstanceId=i-given.*DiskId=d-from-file\|DiskId=d-from-file.*InstanceId=i-given' \
  "$tmp/requests.log" || fail "the values did not reach the server: $(cat "$tmp/requests.log")"
! grep -q 'e2e-key-id\|e2e-key-secret' "$tmp/r3/results.json" "$tmp/r3/junit.xml" ||
  fail "credentials in the reports"

# The server answers its health endpoint but hangs up on every API request: every case fails on the
# network, which is an infrastructure error (exit 2, one message), not a list of failed cases.
touch "$tmp/requests.log.drop"
rc=0
"$bin" run --endpoint "$url" --cases "$tmp/cases" --report-dir "$tmp/r4" --retries 1 \
  >"$tmp/out4" 2>"$tmp/err4" || rc=$?
[[ $rc -eq 2 ]] || fail "every case failing on the network: exit $rc: $(cat "$tmp/out4" "$tmp/err4")"
grep -q 'every case failed on the network' "$tmp/err4" || fail "message: $(cat "$tmp/err4")"
grep -q '"errors": 1' "$tmp/r4/results.json" || fail "the network error is not in results.json"
echo "PASS: unmet needs skip with their description; --var/--vars meet them; all-network-failure is exit 2"
