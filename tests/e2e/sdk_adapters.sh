#!/usr/bin/env bash
# The seed suite through each shipped SDK adapter against `popcheck emulate`: pop-core GET and
# POST, ecs20140526 V3 and v2, vpc20160428 V3. The emulator answers conformingly, so every reported
# failure is the SDK's own behaviour (checked against a plain HTTP run of the same suite);
# sdk_adapters_check.js checks the counts and the findings of docs/protocol.md 4.2 in each results.json.
# The suite is the repository's cases/ plus, because the seed pages document errors in JSON only, an
# XML copy of every error case (same request and expectation, Format=XML). Then an emulator whose
# DetachDisk errors lack Code shows pop-core ignoring the HTTP status.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
# Set SDK_FINDINGS=FILE to also write the Markdown summary that docs/sdk-findings.md shows.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
require_sdk @alicloud/pop-core
[[ -d "$src/cases" ]] || { echo "FAIL: no seed suite in $src/cases" >&2; exit 1; }

# Signatures are verified: every SDK request must be signed correctly for a case to get its answer.
# With no credentials in the environment, popcheck hands the adapters its documented dummy pair.
unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET ALIBABA_CLOUD_SECURITY_TOKEN
start_emulator emulator --verify-signature --key popcheck-dummy-key-id=popcheck-dummy-key-secret

# The suite: cases/ and the XML copies of its error cases.
cp -r "$src/cases" "$tmp/cases"
node "$here/sdk_adapters_check.js" xml-errors "$tmp/cases"

run() {  # NAME ADAPTER PRODUCT OPTIONS(k=v,k=v) [ACTION]
  local name=$1 adapter=$2 product=$3 options=$4 action=${5:-} out="$tmp/reports/$1"
  mkdir -p "$out"
  # Each run starts from the emulator's initial state.
  curl -sf -X POST -H 'X-Popcheck-Admin: 1' "$url/__popcheck/reset" >/dev/null
  local args=(run --sdk "$adapter" --endpoint "$url" --cases "$tmp/cases" --report-dir "$out" -q)
  [[ -n "$product" ]] && args+=(--product "$product")
  [[ -n "$action" ]] && args+=(--action "$action")
  local IFS=,
  for o in $options; do args+=(--sdk-option "$o"); done
  unset IFS
  local rc=0
  POPCHECK_SDK_MODULES="$sdk" "$bin" "${args[@]}" \
    >"$out/console.txt" 2>"$out/adapter.log" || rc=$?
  if [[ $rc -ne 1 ]]; then  # the SDKs' findings are failures: exit status 1
    echo "FAIL: $name: popcheck run exited with $rc" >&2
    cat "$out/console.txt" "$out/adapter.log" >&2
    return 1
  fi
  [[ -f "$out/results.json" ]] || { echo "FAIL: $name: no results.json" >&2; return 1; }
  # The JUnit report of an SDK run validates like any other.
  if command -v xmllint >/dev/null 2>&1 && [[ -f "$src/data/schemas/junit-ant.xsd" ]]; then
    xmllint --noout --schema "$src/data/schemas/junit-ant.xsd" "$out/junit.xml" \
      2>"$out/xmllint.txt" ||
      { echo "FAIL: $name: junit.xml does not validate" >&2; cat "$out/xmllint.txt" >&2; return 1; }
  fi
}

# The baseline: the same suite over plain HTTP. Whatever it finds is the emulator's or the
# catalogue's business; the SDK runs may repeat it but must add nothing beyond docs/protocol.md 4.2.
curl -sf -X POST -H 'X-Popcheck-Admin: 1' "$url/__popcheck/reset" >/dev/null
mkdir -p "$tmp/reports/http"
rc=0
"$bin" run --endpoint "$url" --cases "$tmp/cases" --report-dir "$tmp/reports/http" -q \
  >"$tmp/reports/http/console.txt" 2>&1 || rc=$?
if [[ $rc -gt 1 || ! -f "$tmp/reports/http/results.json" ]]; then
  echo "FAIL: the plain HTTP baseline run failed ($rc)" >&2
  cat "$tmp/reports/http/console.txt" >&2
  exit 1
fi

# [ name adapter product options ]: the generated clients run their own product's cases.
configs=(
  "pop-core-get|pop-core||method=GET"
  "pop-core-post|pop-core||method=POST"
  "ecs20140526-v3|openapi|Ecs|signature=v3"
  "ecs20140526-v2|openapi|Ecs|signature=v2"
  "vpc20160428-v3|openapi|Vpc|signature=v3"
)
for c in "${configs[@]}"; do
  IFS='|' read -r name adapter product options <<<"$c"
  run "$name" "$adapter" "$product" "$options"
done

# Secrets never reach a report: the dummy secret must not appear anywhere in them.
if grep -rqE 'popcheck-dummy-key-(secret|id)' "$tmp/reports"; then
  echo "FAIL: the access key secret reached a report" >&2
  exit 1
fi

node "$here/sdk_adapters_check.js" check "$tmp/cases" "$tmp/reports" \
  ${SDK_FINDINGS:+"$SDK_FINDINGS"}

# pop-core never looks at the HTTP status (docs/protocol.md 4.2): an emulator whose DetachDisk errors
# carry no Code makes it return success for 4xx answers, while openapi-core throws without a code.
start_emulator deviant --deviation drop:DetachDisk:Code
run dropcode-pop-core-get pop-core "" method=GET DetachDisk
run dropcode-ecs20140526-v3 openapi Ecs signature=v3 DetachDisk
node "$here/sdk_adapters_check.js" dropcode "$tmp/cases" "$tmp/reports" \
  ${SDK_FINDINGS:+"$SDK_FINDINGS"}
if grep -rqE 'popcheck-dummy-key-(secret|id)' "$tmp/reports"; then
  echo "FAIL: the access key secret reached a report" >&2
  exit 1
fi
echo "PASS: seed suite through 5 SDK adapter configurations, and the missing-Code deviation"
