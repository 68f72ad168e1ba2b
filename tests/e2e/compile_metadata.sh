#!/usr/bin/env bash
# All 807 APIs of the ECS, VPC and ESS metadata compile through the binary, one file per action, and
# the catalogue holds exactly one error case per documented error code (the codes are counted from the
# raw api-docs.json files, the cases from the written catalogue, independently).
set -euo pipefail
: "${POPCHECK:?path of the popcheck binary}" "${POPCHECK_SRC:?source tree}"
data="$POPCHECK_SRC/data"  # the bundled metadata
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$POPCHECK" compile "$data"/metadata/*.json --out "$tmp/cat" >"$tmp/out.txt"
cat "$tmp/out.txt"
files=$(find "$tmp/cat" -name '*.json' | wc -l)
[ "$files" -eq 807 ] || { echo "FAIL: $files catalogue files, expected 807" >&2; exit 1; }
grep -q "^807 actions" "$tmp/out.txt" || { echo "FAIL: summary does not say 807 actions" >&2; exit 1; }
node - "$data/metadata" "$tmp/cat" <<'JS'
const fs = require('fs'), path = require('path');
const [meta, cat] = process.argv.slice(2);
let rows = 0;
for (const f of fs.readdirSync(meta).filter((f) => f.endsWith('.json'))) {
  const apis = JSON.parse(fs.readFileSync(path.join(meta, f), 'utf8')).apis;
  for (const a of Object.values(apis))
    for (const list of Object.values(a.errorCodes || {})) rows += list.length;
}
let errors = 0, ids = new Set(), dup = 0;
for (const p of fs.readdirSync(cat)) {
  for (const f of fs.readdirSync(path.join(cat, p))) {
    const e = JSON.parse(fs.readFileSync(path.join(cat, p, f), 'utf8'));
    for (const c of e.cases) {
      if (c.kind === 'error') errors++;
      if (ids.has(c.id)) dup++;
      ids.add(c.id);
    }
  }
}
console.log(`documented error codes: ${rows}, error cases: ${errors}, duplicate ids: ${dup}`);
if (rows !== errors || dup !== 0 || rows < 10000) process.exit(1);
JS
