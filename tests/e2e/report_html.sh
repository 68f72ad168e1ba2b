#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium opens reports made from synthetic results of
# the seed catalogue (small, every detail checked) and of the whole ECS/VPC/ESS catalogue compiled
# from the metadata (17,000+ cases: it must open and filter). tests/browser/check_report.mjs does
# the checking; screenshots and the reports are kept under $POPCHECK_ARTIFACTS (default:
# <build>/artifacts/report_html).
#
# Needs Chromium (Debian's chromium package; installed here with apt-get when missing and running as
# root) and playwright-core from tests/browser/package-lock.json (installed here with npm ci when
# missing).
set -euo pipefail

: "${POPCHECK:?the popcheck binary}"
: "${POPCHECK_SRC:?the source tree}"
data=$POPCHECK_SRC/data  # the bundled metadata
browser_dir=$POPCHECK_SRC/tests/browser
artifacts=${POPCHECK_ARTIFACTS:-$(dirname "$POPCHECK")/artifacts}/report_html
mkdir -p "$artifacts"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "report_html: $*" >&2; exit 1; }

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "report_html: installing Debian's chromium package"
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >"$work/apt.log" 2>&1 ||
      { cat "$work/apt.log" >&2; fail "apt-get install chromium failed"; }
  else
    fail "chromium is not installed and this test is not root: apt-get install -y chromium"
  fi
fi
if [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
  echo "report_html: npm ci in tests/browser"
  (cd "$browser_dir" && npm ci --no-audit --no-fund >"$work/npm.log" 2>&1) ||
    { cat "$work/npm.log" >&2; fail "npm ci in tests/browser failed"; }
fi

# --- A small report with coverage against the seed catalogue -------------------------------------
cp -r "$POPCHECK_SRC/cases" "$work/seed-cases"  # the checked-in seed catalogue
[ -n "$(find "$work/seed-cases" -name '*.json' 2>/dev/null)" ] || fail "no seed catalogue"
node "$browser_dir/make_results.mjs" "$work/seed-cases" "$work/small.json"
"$POPCHECK" report html "$work/small.json" -o "$artifacts/small.html" --cases "$work/seed-cases" \
  --title "popcheck e2e: seeds"
# Credentials in the results never reach the page, whatever the browser shows.
if grep -q -e LTAIe2eFakeKeyId0001 -e e2eFakeSignatureValue "$artifacts/small.html"; then
  fail "the HTML report holds the fake credentials of the results file"
fi
node "$browser_dir/check_report.mjs" "$artifacts/small.html" "$work/small.json" \
  "$artifacts/small.png"

# --- The whole catalogue: the big-report path must open and filter --------------------------------
"$POPCHECK" compile "$data"/metadata/*.json --out "$work/all-cases" -q
node "$browser_dir/make_results.mjs" "$work/all-cases" "$work/big.json"
total=$(node -e 'const fs = require("fs");
  console.log(JSON.parse(fs.readFileSync(process.argv[1])).cases.length)' \
  "$work/big.json")
echo "report_html: whole catalogue: $total cases"
[ "$total" -ge 10000 ] || fail "the big report has only $total cases; it should have 10,000 or more"
"$POPCHECK" report html "$work/big.json" -o "$artifacts/big.html" --cases "$work/all-cases" \
  --title "popcheck e2e: whole catalogue"
node "$browser_dir/check_report.mjs" "$artifacts/big.html" "$work/big.json" "$artifacts/big.png"
echo "report_html: passed; screenshots in $artifacts"
