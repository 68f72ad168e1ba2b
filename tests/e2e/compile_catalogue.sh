#!/usr/bin/env bash
# The whole shared metadata sample of the RPC catalogue (ECS, VPC, ESS and 45 random product-versions:
# 48 files, 3,605 APIs) compiles in one process: exit 0, one catalogue file per API (counted from the
# raw api-docs.json files, independently), no file over 1 MiB, at most 40 KB per API on average, and
# case ids unique across products that share action names and version dates. Then metadata made to be
# hostile (huge numbers, deep nesting, empty and wrong-typed fields, a name that is no file name):
# exit 2, one message per bad API naming product, version and action, no crash, the good APIs
# written, no breaking value over 64 KiB. Skips (exit 77) when the shared folder is absent.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
shared="${POPCHECK_SHARED:-$src/../shared}"
if [[ ! -d "$shared/metadata/catalogue" ]]; then
  echo "SKIP: the shared metadata sample ($shared/metadata/catalogue) is absent"
  exit 77
fi
command -v node >/dev/null 2>&1 || fail "node is needed to count the APIs independently"

# 1. The whole sample, in one process.
"$bin" compile "$shared"/metadata/*.json "$shared"/metadata/catalogue/*.json --out "$tmp/cat" \
  >"$tmp/out.txt" 2>"$tmp/err.txt" || fail "exit $?: $(head -20 "$tmp/err.txt")"
cat "$tmp/out.txt"
node - "$shared/metadata" "$tmp/cat" <<'JS' || fail "the catalogue does not hold the sample"
const fs = require('fs'), path = require('path');
const [meta, cat] = process.argv.slice(2);
const docs = fs.readdirSync(meta).filter((f) => f.endsWith('.json')).map((f) => path.join(meta, f))
  .concat(fs.readdirSync(path.join(meta, 'catalogue')).filter((f) => f.endsWith('.json'))
    .map((f) => path.join(meta, 'catalogue', f)));
const want = new Set();
for (const f of docs) {
  const d = JSON.parse(fs.readFileSync(f, 'utf8'));
  for (const a of Object.keys(d.apis)) want.add(`${d.info.product.toLowerCase()}/${a}.json`);
}
let files = 0, bytes = 0, biggest = 0, dup = 0;
const ids = new Set(), got = new Set();
for (const p of fs.readdirSync(cat)) {
  for (const f of fs.readdirSync(path.join(cat, p))) {
    const text = fs.readFileSync(path.join(cat, p, f), 'utf8');
    const size = Buffer.byteLength(text);
    files++;
    bytes += size;
    biggest = Math.max(biggest, size);
    got.add(`${p}/${f}`);
    const e = JSON.parse(text);
    for (const c of e.cases) {
      if (ids.has(c.id)) dup++;
      ids.add(c.id);
    }
  }
}
const missing = [...want].filter((k) => !got.has(k));
console.log(`${docs.length} documents, ${want.size} APIs; ${files} files, ${bytes} bytes ` +
  `(${Math.round(bytes / files)} per API), largest ${biggest}; ${ids.size} case ids, ${dup} duplicated`);
let bad = false;
if (docs.length < 48 || want.size < 3605) { console.error('the sample is smaller than 48 files and 3,605 APIs'); bad = true; }
if (missing.length) { console.error(`missing: ${missing.slice(0, 5).join(', ')} (${missing.length})`); bad = true; }
if (files !== want.size) { console.error(`${files} files for ${want.size} APIs`); bad = true; }
if (biggest > 1048576) { console.error(`a file of ${biggest} bytes is over 1 MiB`); bad = true; }
if (bytes > 40000 * files) { console.error(`${bytes / files} bytes per API is over 40 KB`); bad = true; }
if (dup) { console.error(`${dup} duplicated case ids`); bad = true; }
process.exit(bad ? 1 : 0);
JS
grep -q "^3605 actions" "$tmp/out.txt" || fail "the summary does not say 3605 actions"

# 2. Hostile metadata next to a good document.
node - "$tmp/hostile.json" <<'JS'
const fs = require('fs');
const p = (name, schema) => ({ name, in: 'query', schema });
const ok = { 200: { schema: { type: 'object', properties: { RequestId: { type: 'string' } } } } };
let deep = { type: 'string' };
for (let i = 0; i < 30; i++) deep = { type: 'object', properties: { Level: deep } };
let deepResponse = { type: 'string' };
for (let i = 0; i < 45; i++) deepResponse = { type: 'array', items: { type: 'object', properties: { Items: deepResponse } } };
const apis = {
  // Numbers as the catalogue writes them, as text; the JSON numbers are spliced in below.
  HugeLength: { parameters: [p('Name', { type: 'string', maxLength: '9223372036854775807' }),
                             p('Other', { type: 'string', maxLength: 'MAXLEN31' }),
                             p('Ids', { type: 'array', maxItems: 'MAXITEMS', items: { type: 'string' } })],
                responses: ok },
  HugeNumbers: { parameters: [p('Size', { type: 'integer', format: 'int64', maximum: 'BEYOND64' }),
                              p('Low', { type: 'integer', minimum: '-9223372036854775809' }),
                              p('Len', { type: 'string', minLength: -3, maxLength: -1 })],
                 responses: ok },
  DeepParameter: { parameters: [p('Root', deep)], responses: ok },
  DeepResponse: { parameters: [], responses: { 200: { schema: deepResponse } } },
  EmptyApi: {},
  WrongTypes: { parameters: 'none', responses: [], errorCodes: 7, title: {} },
  '../../../etc/Escape': { parameters: [] },
};
let text = JSON.stringify({ info: { product: 'Hostile', version: '2024-01-01' }, apis });
// JSON numbers no 64-bit integer holds, and 2^31-1 as a number.
text = text.replace('"MAXLEN31"', '2147483647').replace('"MAXITEMS"', '9223372036854775807')
  .replace('"BEYOND64"', '123456789012345678901234567890');
fs.writeFileSync(process.argv[2], text);
JS
set +e
"$bin" compile "$tmp/hostile.json" "$shared/metadata/catalogue/ram-2015-05-01.json" \
  --out "$tmp/hostile" >"$tmp/h-out.txt" 2>"$tmp/h-err.txt"
rc=$?
set -e
cat "$tmp/h-err.txt"
[[ $rc -eq 2 ]] || fail "exit status $rc for hostile metadata, expected 2"
for api in DeepParameter DeepResponse ../../../etc/Escape; do
  grep -qF "Hostile 2024-01-01 $api:" "$tmp/h-err.txt" || fail "no message names Hostile 2024-01-01 $api"
done
[[ $(grep -c "popcheck compile:" "$tmp/h-err.txt") -eq 3 ]] || fail "expected exactly 3 messages"
for api in HugeLength HugeNumbers EmptyApi WrongTypes; do
  [[ -f "$tmp/hostile/hostile/$api.json" ]] || fail "$api was not compiled"
done
[[ $(find "$tmp/hostile/ram" -name '*.json' | wc -l) -eq 63 ]] || fail "the good document lost APIs"
[[ -z "$(find "$tmp" -name 'Escape*' -not -path "$tmp/hostile.json")" ]] || fail "a name escaped the folder"
node - "$tmp/hostile/hostile" <<'JS' || fail "hostile numbers were not read as what they are"
const fs = require('fs'), path = require('path');
const dir = process.argv[2];
const load = (a) => JSON.parse(fs.readFileSync(path.join(dir, a + '.json'), 'utf8'));
let bad = false;
const check = (ok, what) => { if (!ok) { console.error(what); bad = true; } };
const huge = load('HugeLength'), nums = load('HugeNumbers');
for (const e of [huge, nums])
  for (const c of e.cases)
    for (const v of Object.values(c.request.params)) check(String(v).length <= 65536, `${c.id}: a value over 64 KiB`);
const warnings = (huge.contract.warnings || []).join('\n');
for (const id of ['Name.max_length', 'Other.max_length', 'Ids.N.repeat'])
  check(warnings.includes(`Hostile.HugeLength.negative.${id} is not generated`), `no reason recorded for ${id}`);
const value = (e, id, name) => { const c = e.cases.find((k) => k.id === id); return c && c.request.params[name]; };
const size = value(nums, 'Hostile.HugeNumbers.negative.Size.maximum', 'Size');
check(size && BigInt(size) > 123456789012345678901234567890n, `Size breaking value ${size}`);
const low = value(nums, 'Hostile.HugeNumbers.negative.Low.minimum', 'Low');
check(low && BigInt(low) < -9223372036854775809n, `Low breaking value ${low}`);
check((nums.contract.warnings || []).some((w) => w.includes('negative minLength')), 'negative minLength not reported');
process.exit(bad ? 1 : 0);
JS
echo "PASS: 3605 APIs compiled in one process, bounded; hostile metadata reported per API"
