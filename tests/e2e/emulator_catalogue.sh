#!/usr/bin/env bash
# The whole shared metadata (ECS, VPC, ESS and the 45 product-versions of ../shared/metadata/catalogue:
# 3,605 APIs, about 43,000 cases) compiled and run against the embedded emulator: at least 99% of the
# cases pass, and the ones that do not are exactly those of the register docs/emulator-register.json,
# each with its reason (docs/emulator-register.md). A case that starts failing shows up as a new entry
# and fails this test; one that starts passing must leave the register. Skips (exit 77) when the
# shared folder is absent.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib-shared.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib-shared.sh"
needs_shared emulator_catalogue
[[ -d "$shared/metadata/catalogue" ]] || fail "the shared folder has no metadata/catalogue"
command -v node >/dev/null 2>&1 || fail "node is needed to read the results"
# The emulator's documented dummy credentials, whatever the environment holds.
unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_PROFILE

POPCHECK="$bin" POPCHECK_SHARED="$shared" JOBS=4 bash "$src/scripts/emulator-catalogue.sh" \
  "$tmp/reports" | tee "$tmp/out.txt" || fail "the failures differ from docs/emulator-register.json (above)"
# The run itself: every product-version of the 48 files that has APIs (cas-2018-07-13 has none),
# counted from the files independently, and the 99% the register allows at most.
node - "$tmp/reports/results.json" "$shared/metadata" <<'JS' || fail "the catalogue run is not the whole sample or passes under 99%"
const fs = require('fs'), path = require('path');
const [results, meta] = process.argv.slice(2);
const files = fs.readdirSync(meta).filter((f) => f.endsWith('.json')).map((f) => path.join(meta, f))
  .concat(fs.readdirSync(path.join(meta, 'catalogue')).filter((f) => f.endsWith('.json'))
    .map((f) => path.join(meta, 'catalogue', f)));
const want = files.filter((f) => Object.keys(JSON.parse(fs.readFileSync(f, 'utf8')).apis || {}).length > 0).length;
const run = JSON.parse(fs.readFileSync(results, 'utf8'));
const products = new Set(run.cases.map((c) => `${c.product}:${c.version}`));
const passed = run.cases.filter((c) => c.status === 'passed').length;
console.log(`${files.length} files, ${want} with APIs; ${products.size} product-versions run, ` +
  `${run.cases.length} cases, ${passed} passed`);
process.exit(files.length >= 48 && products.size === want && passed >= 0.99 * run.cases.length ? 0 : 1);
JS
echo "PASS: the whole shared metadata against the embedded emulator; failures as registered"
