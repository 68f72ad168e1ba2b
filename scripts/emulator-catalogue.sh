#!/usr/bin/env bash
# Runs every case of the whole shared metadata (../shared/metadata: ECS, VPC, ESS and the 45
# product-versions of catalogue/) against the embedded emulator, as `popcheck run` with no endpoint
# does, and compares the cases that do not pass with the register docs/emulator-register.json.
#
# Usage: scripts/emulator-catalogue.sh [--update] [REPORT_DIR]
#   (default REPORT_DIR: a temporary folder, removed at the end)
#   --update   rewrites the register's list from this run, keeping the reasons of the entries it
#              already had and writing "REASON?" for new ones (fill them in by hand)
# Env: POPCHECK (binary; default build/ci/bin/popcheck), POPCHECK_SHARED (default ../shared),
#      JOBS (cases run in parallel; default 4)
# Exit: 0 the failures are the register's, 1 they differ (each difference printed), 2 usage or
# infrastructure.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
update=0
if [[ "${1:-}" == --update ]]; then
  update=1
  shift
fi
bin="${POPCHECK:-$src/build/ci/bin/popcheck}"
shared="${POPCHECK_SHARED:-$src/../shared}"
register="$src/docs/emulator-register.json"
[[ -x "$bin" ]] || { echo "emulator-catalogue: no popcheck binary at $bin" >&2; exit 2; }
[[ -d "$shared/metadata/catalogue" ]] || { echo "emulator-catalogue: no $shared/metadata/catalogue" >&2; exit 2; }
command -v node >/dev/null 2>&1 || { echo "emulator-catalogue: node is needed to read the results" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
reports="${1:-$work/reports}"

# The 48 files as fetched metadata, named PRODUCT:VERSION: the run compiles them in memory and the
# embedded emulator serves them.
mkdir -p "$work/metadata"
names=()
for f in "$shared"/metadata/*.json "$shared"/metadata/catalogue/*.json; do
  base=$(basename "$f" .json)
  ln -s "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$work/metadata/$base.json"
  names+=("${base%-????-??-??}:${base: -10}")
done
set +e
(cd "$work" && POPCHECK_METADATA_DIR="$work/metadata" "$bin" run --cases "${names[@]}" \
  -j "${JOBS:-4}" -q --report-dir "$reports")
rc=$?
set -e
if [[ $rc -ne 0 && $rc -ne 1 ]]; then
  echo "emulator-catalogue: popcheck run exited $rc" >&2
  exit 2
fi

node - "$reports/results.json" "$register" "$update" <<'JS'
const fs = require('fs');
const [results, registerFile, update] = process.argv.slice(2);
const run = JSON.parse(fs.readFileSync(results, 'utf8'));
const register = JSON.parse(fs.readFileSync(registerFile, 'utf8'));
const known = new Map(register.cases.map((e) => [e.id, e.reason]));
const failing = new Map();
for (const c of run.cases) {
  if (c.status === 'passed') continue;
  const what = c.status === 'skipped' ? `skipped: ${c.skip_reason}`
    : c.status === 'error' ? `network error: ${c.error}`
    : (c.failures || []).map((f) => `${f.check}${f.path ? ' ' + f.path : ''}: expected ${f.expected}, got ${f.actual}`).join('; ');
  failing.set(c.id, what);
}
const total = run.cases.length;
const passed = run.cases.filter((c) => c.status === 'passed').length;
console.log(`${total} cases, ${passed} passed (${(100 * passed / total).toFixed(2)}%), ` +
  `${failing.size} not passed; the register lists ${known.size}`);
if (update === '1') {
  const cases = [...failing.keys()].sort().map((id) => ({id, reason: known.get(id) || 'REASON?'}));
  register.cases = cases;
  fs.writeFileSync(registerFile, JSON.stringify(register, null, 2) + '\n');
  console.log(`wrote ${cases.length} entries to ${registerFile}`);
  for (const c of cases)
    if (c.reason === 'REASON?') console.log(`NEW      ${c.id}: ${failing.get(c.id)}`);
  process.exit(0);
}
const added = [...failing.keys()].filter((id) => !known.has(id)).sort();
const gone = [...known.keys()].filter((id) => !failing.has(id)).sort();
for (const id of added) console.log(`NEW      ${id}: ${failing.get(id)}`);
for (const id of gone) console.log(`PASSES   ${id} (registered as: ${known.get(id)}): remove it from the register`);
process.exit(added.length || gone.length ? 1 : 0);
JS
