// The shared metadata sample of the RPC catalogue (../shared/metadata: ECS, VPC, ESS and 45 random
// product-versions, 48 files, 3,605 APIs) compiles in one process, bounded; then metadata made to be
// hostile (huge numbers, deep nesting, empty and wrong-typed fields, a name that is no file name) is
// reported API by API while the good APIs are written.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { jsonFilesBelow, needsShared, popcheck, readJson, tempDir } from './lib/harness.mjs';

const shared = needsShared('compile_catalogue');
const sample = path.join(shared, 'metadata');
if (!fs.existsSync(path.join(sample, 'catalogue'))) {
  console.log(`SKIP: the shared metadata sample (${sample}/catalogue) is absent`);
  process.exit(77);
}
const tmp = tempDir();

const jsonIn = (dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f));

test('the whole sample compiles in one process: one file per API, bounded, unique ids', async () => {
  const docs = [...jsonIn(sample), ...jsonIn(path.join(sample, 'catalogue'))];
  const out = path.join(tmp, 'cat');
  const r = await popcheck(['compile', ...docs, '--out', out]);
  assert.equal(r.code, 0, r.text);
  // The APIs are counted from the raw api-docs.json files, independently of popcheck.
  const want = new Set();
  for (const f of docs) {
    const d = readJson(f);
    for (const a of Object.keys(d.apis)) want.add(`${d.info.product.toLowerCase()}/${a}.json`);
  }
  assert.ok(docs.length >= 48 && want.size >= 3605, 'the sample is smaller than 48 files and 3,605 APIs');
  const files = jsonFilesBelow(out);
  assert.deepEqual([...want].filter((k) => !files.includes(k)), [], 'APIs without a catalogue file');
  assert.equal(files.length, want.size);
  let bytes = 0;
  let biggest = 0;
  let duplicated = 0;
  const ids = new Set();
  for (const f of files) {
    const text = fs.readFileSync(path.join(out, f), 'utf8');
    bytes += Buffer.byteLength(text);
    biggest = Math.max(biggest, Buffer.byteLength(text));
    for (const c of JSON.parse(text).cases) {
      if (ids.has(c.id)) duplicated++;
      ids.add(c.id);
    }
  }
  console.log(`${docs.length} documents, ${want.size} APIs; ${bytes} bytes (${Math.round(bytes / files.length)} ` +
    `per API), largest ${biggest}; ${ids.size} case ids`);
  assert.ok(biggest <= 1048576, `a file of ${biggest} bytes is over 1 MiB`);
  assert.ok(bytes <= 40000 * files.length, `${bytes / files.length} bytes per API is over 40 KB`);
  assert.equal(duplicated, 0, 'duplicated case ids across products');
  assert.match(r.stdout, /^3605 actions/m, 'the summary does not say 3605 actions');
});

// An api-docs.json made to be hostile, as text: some numbers are spliced in as JSON numbers no 64-bit
// integer holds.
function hostileDocument() {
  const p = (name, schema) => ({ name, in: 'query', schema });
  const ok = { 200: { schema: { type: 'object', properties: { RequestId: { type: 'string' } } } } };
  let deep = { type: 'string' };
  for (let i = 0; i < 30; i++) deep = { type: 'object', properties: { Level: deep } };
  let deepResponse = { type: 'string' };
  for (let i = 0; i < 45; i++) deepResponse = { type: 'array', items: { type: 'object', properties: { Items: deepResponse } } };
  const apis = {
    HugeLength: {
      parameters: [p('Name', { type: 'string', maxLength: '9223372036854775807' }),
        p('Other', { type: 'string', maxLength: 'MAXLEN31' }),
        p('Ids', { type: 'array', maxItems: 'MAXITEMS', items: { type: 'string' } })],
      responses: ok,
    },
    HugeNumbers: {
      parameters: [p('Size', { type: 'integer', format: 'int64', maximum: 'BEYOND64' }),
        p('Low', { type: 'integer', minimum: '-9223372036854775809' }),
        p('Len', { type: 'string', minLength: -3, maxLength: -1 })],
      responses: ok,
    },
    DeepParameter: { parameters: [p('Root', deep)], responses: ok },
    DeepResponse: { parameters: [], responses: { 200: { schema: deepResponse } } },
    EmptyApi: {},
    WrongTypes: { parameters: 'none', responses: [], errorCodes: 7, title: {} },
    '../../../etc/Escape': { parameters: [] },
  };
  return JSON.stringify({ info: { product: 'Hostile', version: '2024-01-01' }, apis })
    .replace('"MAXLEN31"', '2147483647').replace('"MAXITEMS"', '9223372036854775807')
    .replace('"BEYOND64"', '123456789012345678901234567890');
}

test('hostile metadata: one message per bad API, the rest compiled, no name escapes', async () => {
  fs.writeFileSync(path.join(tmp, 'hostile.json'), hostileDocument());
  const out = path.join(tmp, 'hostile');
  const r = await popcheck(['compile', path.join(tmp, 'hostile.json'),
    path.join(sample, 'catalogue', 'ram-2015-05-01.json'), '--out', out]);
  assert.equal(r.code, 2, r.text);
  for (const api of ['DeepParameter', 'DeepResponse', '../../../etc/Escape']) {
    assert.ok(r.stderr.includes(`Hostile 2024-01-01 ${api}:`), `no message names Hostile 2024-01-01 ${api}`);
  }
  assert.equal(r.stderr.split('popcheck compile:').length - 1, 3, `expected exactly 3 messages:\n${r.stderr}`);
  for (const api of ['HugeLength', 'HugeNumbers', 'EmptyApi', 'WrongTypes']) {
    assert.ok(fs.existsSync(path.join(out, 'hostile', `${api}.json`)), `${api} was not compiled`);
  }
  assert.equal(jsonFilesBelow(path.join(out, 'ram')).length, 63, 'the good document lost APIs');
  const escaped = fs.readdirSync(tmp, { recursive: true }).filter((f) => path.basename(f).startsWith('Escape'));
  assert.deepEqual(escaped, [], 'a name escaped the folder');

  // Hostile numbers are read as what they are.
  const huge = readJson(out, 'hostile', 'HugeLength.json');
  const nums = readJson(out, 'hostile', 'HugeNumbers.json');
  for (const e of [huge, nums]) {
    for (const c of e.cases) {
      for (const v of Object.values(c.request.params)) {
        assert.ok(String(v).length <= 65536, `${c.id}: a value over 64 KiB`);
      }
    }
  }
  const warnings = (huge.contract.warnings || []).join('\n');
  for (const id of ['Name.max_length', 'Other.max_length', 'Ids.N.repeat']) {
    assert.ok(warnings.includes(`Hostile.HugeLength.negative.${id} is not generated`), `no reason recorded for ${id}`);
  }
  const value = (e, id, name) => e.cases.find((k) => k.id === id)?.request.params[name];
  const size = value(nums, 'Hostile.HugeNumbers.negative.Size.maximum', 'Size');
  assert.ok(size && BigInt(size) > 123456789012345678901234567890n, `Size breaking value ${size}`);
  const low = value(nums, 'Hostile.HugeNumbers.negative.Low.minimum', 'Low');
  assert.ok(low && BigInt(low) < -9223372036854775809n, `Low breaking value ${low}`);
  assert.ok((nums.contract.warnings || []).some((w) => w.includes('negative minLength')),
    'a negative minLength is not reported');
});
