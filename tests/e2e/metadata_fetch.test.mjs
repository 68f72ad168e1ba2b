// `popcheck metadata fetch` against a metadata service started here (node:http on 127.0.0.1, port
// 0): a product in any case (its default version), PRODUCT:VERSION, an unknown product or version, an
// HTTP error, a connection dropped mid-body (no file, no temporary), a second fetch (not rewritten),
// HTTP_PROXY and its NO_PROXY bypass, `metadata list`. Then, offline, the fetched metadata used by
// product name: compile --product, compile PRODUCT:VERSION, the ambiguity of two cached versions,
// run --cases PRODUCT, emulate --metadata PRODUCT:VERSION, metadata list --offline.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import test from 'node:test';

import { popcheck, readJson, request, startEmulator, tempDir } from './lib/harness.mjs';

const tmp = tempDir();
const dir = path.join(tmp, 'metadata');
process.env.POPCHECK_METADATA_DIR = dir;

// An api-docs.json of PRODUCT VERSION with the given actions.
const doc = (product, version, actions) => JSON.stringify({
  version: '1.0', info: { style: 'RPC', product, version },
  apis: Object.fromEntries(actions.map((a) => [a, {
    title: a, summary: a,
    parameters: [{ name: 'RegionId', in: 'query', schema: { type: 'string', required: true, example: 'cn-hangzhou' } },
      { name: 'Name', in: 'query', schema: { type: 'string', maxLength: 16, example: 'n1' } }],
    responses: { 200: { schema: { type: 'object', properties: { RequestId: { type: 'string' } } } } },
    errorCodes: { 400: [{ errorCode: 'InvalidName', errorMessage: 'The name is invalid.' }] },
  }])),
  endpoints: [],
}, null, 2);
const products = [
  { code: 'Rds', style: 'RPC', defaultVersion: '2014-08-15', versions: ['2013-05-28', '2014-08-15'] },
  { code: 'R-kvstore', style: 'RPC', defaultVersion: '2015-01-01', versions: ['2015-01-01'] },
  { code: 'Broken', style: 'RPC', defaultVersion: '2020-01-01', versions: ['2020-01-01'] },
  { code: 'Drop', style: 'RPC', defaultVersion: '2020-01-01', versions: ['2020-01-01'] },
];
const docs = {
  '/meta/products/Rds/versions/2014-08-15/api-docs.json': doc('Rds', '2014-08-15', ['DescribeRegions', 'CreateDBInstance']),
  '/meta/products/Rds/versions/2013-05-28/api-docs.json': doc('Rds', '2013-05-28', ['DescribeRegions']),
  '/meta/products/R-kvstore/versions/2015-01-01/api-docs.json': doc('R-kvstore', '2015-01-01', ['DescribeRegions']),
};

// The metadata service; `seen` lists "direct PATH" or "proxy PATH" (through a proxy the request
// line holds the whole URL).
const seen = [];
const service = http.createServer((req, res) => {
  const url = req.url.replace(/^http:\/\/[^/]*/, '');
  seen.push(`${req.url.startsWith('http://') ? 'proxy' : 'direct'} ${url}`);
  if (url === '/meta/products.json') return res.end(JSON.stringify(products));
  if (url.startsWith('/meta/products/Broken/')) {
    res.statusCode = 500;
    return res.end('{"Code":"InternalError"}');
  }
  if (url.startsWith('/meta/products/Drop/')) {
    // Declares 100,000 bytes, sends 100, and closes.
    res.writeHead(200, { 'Content-Length': '100000', 'Content-Type': 'application/json' });
    return res.write(`{"info": {"product": "Drop", "version": "2020-01-01"}, "apis": {${' '.repeat(36)}`,
      () => res.socket.destroy());
  }
  if (docs[url]) return res.end(docs[url]);
  res.statusCode = 404;
  return res.end('{"Code":"NotFound"}');
});
await new Promise((resolve) => service.listen(0, '127.0.0.1', resolve));
const serviceUrl = `http://127.0.0.1:${service.address().port}`;
const base = `${serviceUrl}/meta`;
const fetch = (...args) => popcheck(['metadata', 'fetch', '--base-url', base, ...args]);

// CMD exits 2 and its stderr says `says`.
async function expectFail(says, resultPromise) {
  const r = await resultPromise;
  assert.equal(r.code, 2, r.text);
  assert.ok(r.stderr.includes(says), `did not say '${says}': ${r.stderr}`);
  return r;
}

test('fetch: a product in any case gets the service\'s code and default version, byte for byte', async () => {
  const r = await fetch('rds');
  assert.equal(r.code, 0, r.text);
  assert.ok(new RegExp(`^Rds 2014-08-15: ${dir}/rds-2014-08-15\\.json \\(.* bytes, written\\)`, 'm').test(r.stdout), r.stdout);
  const served = await request(`${base}/products/Rds/versions/2014-08-15/api-docs.json`);
  assert.ok(fs.readFileSync(path.join(dir, 'rds-2014-08-15.json')).equals(served.raw), 'the cached file is not the served document');
});

test('fetch of the same document again: said unchanged, not rewritten', async () => {
  const file = path.join(dir, 'rds-2014-08-15.json');
  const before = fs.statSync(file, { bigint: true });
  const r = await fetch('Rds:2014-08-15');
  assert.equal(r.code, 0, r.text);
  assert.match(r.stdout, /\(.* bytes, unchanged\)/);
  const after = fs.statSync(file, { bigint: true });
  assert.equal(after.mtimeNs, before.mtimeNs, 'the unchanged document was rewritten');
  assert.equal(after.ino, before.ino, 'the unchanged document was replaced');
});

test('HTTP_PROXY is used (a product code with a dash), and NO_PROXY bypasses it', async () => {
  // 127.0.0.2 has no server, so only the proxy can answer.
  const through = await popcheck(['metadata', 'fetch', '--base-url', 'http://127.0.0.2:9/meta', 'r-kvstore'],
    { env: { HTTP_PROXY: serviceUrl } });
  assert.equal(through.code, 0, through.text);
  assert.match(through.stdout, /^R-kvstore 2015-01-01/m);
  assert.ok(seen.includes('proxy /meta/products/R-kvstore/versions/2015-01-01/api-docs.json'), 'the request did not go through the proxy');
  await expectFail('127.0.0.2', popcheck(['metadata', 'fetch', '--base-url', 'http://127.0.0.2:9/meta', 'r-kvstore'],
    { env: { HTTP_PROXY: serviceUrl, NO_PROXY: 'localhost,127.0.0.2' } }));
});

test('errors: unknown product or version, an HTTP status, a dropped connection, a bad name', async () => {
  await expectFail('lists no product Nosuch', fetch('Nosuch'));
  await expectFail('lists no version 2001-01-01 of Rds', fetch('Rds:2001-01-01'));
  const broken = await expectFail('answered HTTP 500', fetch('broken'));
  assert.ok(broken.stderr.includes('Broken 2020-01-01'), 'the HTTP error does not name product and version');
  await expectFail('Drop 2020-01-01: no complete answer', fetch('Drop'));
  assert.ok(!fs.existsSync(path.join(dir, 'drop-2020-01-01.json')), 'a partial document was written');
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('.') && f.includes('tmp')), [], 'a temporary file was left');
  await expectFail('is not PRODUCT or PRODUCT:VERSION', fetch('Rds:latest'));
});

test('metadata list shows what the service offers', async () => {
  const r = await popcheck(['metadata', 'list', '--base-url', base]);
  assert.equal(r.code, 0, r.text);
  assert.ok(r.stdout.includes(`offered by ${base}: 4 products`), r.stdout);
  assert.match(r.stdout, /^ {2}Rds RPC default 2014-08-15 \(2013-05-28, 2014-08-15\)/m);
});

test('offline, the fetched metadata is used by product name', async (t) => {
  await new Promise((resolve) => service.close(resolve));
  process.env.POPCHECK_METADATA_URL = 'http://127.0.0.1:9/meta';
  await t.test('compile --product Rds and compile r-kvstore:2015-01-01', async () => {
    const r = await popcheck(['compile', '--product', 'Rds', '--out', path.join(tmp, 'cases')]);
    assert.equal(r.code, 0, r.text);
    assert.match(r.stdout, /^2 actions \(Rds 2\)/m);
    assert.ok(fs.existsSync(path.join(tmp, 'cases', 'rds', 'CreateDBInstance.json')), 'no catalogue file for Rds CreateDBInstance');
    const kv = await popcheck(['compile', 'r-kvstore:2015-01-01', '--out', path.join(tmp, 'cases')]);
    assert.match(kv.stdout, /^1 actions \(R-kvstore 1\)/m, kv.text);
  });
  await t.test('two cached versions of one product: a version must be named', async () => {
    fs.writeFileSync(path.join(dir, 'rds-2013-05-28.json'),
      fs.readFileSync(path.join(dir, 'rds-2014-08-15.json'), 'utf8').replaceAll('"version": "2014-08-15"', '"version": "2013-05-28"'));
    await expectFail('several versions of Rds', popcheck(['compile', '--product', 'Rds', '--out', path.join(tmp, 'cases')]));
    await expectFail('several versions of Rds', popcheck(['run', '--cases', 'Rds', '-q', '--report-dir', path.join(tmp, 'report-ambiguous')]));
    const old = await popcheck(['compile', '--product', 'Rds', '--version', '2013-05-28', '--out', path.join(tmp, 'old')]);
    assert.match(old.stdout, /^2 actions \(Rds 2\)/m, old.text);
  });
  await t.test('a product neither cached nor bundled says how to fetch it; a bundled one needs no fetch', async () => {
    await expectFail('popcheck metadata fetch Slb', popcheck(['compile', '--product', 'Slb', '--out', path.join(tmp, 'cases')]));
    const ess = await popcheck(['compile', '--product', 'Ess', '--out', path.join(tmp, 'ess')]);
    assert.match(ess.stdout, /^79 actions \(Ess 79\)/m, ess.text);
  });
  await t.test('run takes a product as its catalogue and selects PRODUCT:VERSION', async () => {
    const report = path.join(tmp, 'report');
    // The cases may fail against the emulator; that they ran counts.
    const r = await popcheck(['run', '--cases', 'Rds:2014-08-15', '--product', 'Rds:2014-08-15', '--kind', 'example', '-q',
      '--report-dir', report]);
    assert.ok(fs.existsSync(path.join(report, 'results.json')), `run --cases Rds:2014-08-15 did not run: ${r.text}`);
    const ids = readJson(report, 'results.json').cases.map((c) => c.id);
    assert.equal(ids.length, 4, ids.join(' '));
    assert.ok(ids.every((i) => i.startsWith('Rds.')), ids.join(' '));
  });
  await t.test('emulate --metadata PRODUCT:VERSION serves it; an unknown product says how to fetch it', async () => {
    const emulator = await startEmulator(['--metadata', 'Rds:2014-08-15']);
    const r = await request(`${emulator.url}/?Action=CreateDBInstance&Version=2014-08-15&Format=JSON&RegionId=cn-hangzhou`);
    assert.equal(r.status, 200, r.body);
    assert.ok(JSON.parse(r.body).RequestId, r.body);
    assert.equal(await emulator.stop(), 0);
    await expectFail('popcheck metadata fetch Nosuch', popcheck(['emulate', '--metadata', 'Nosuch', '--listen', '127.0.0.1:0']));
  });
  await t.test('metadata list --offline shows the cached files', async () => {
    const r = await popcheck(['metadata', 'list', '--offline']);
    assert.match(r.stdout, /^ {2}rds 2014-08-15/m, r.text);
    assert.match(r.stdout, /^ {2}r-kvstore 2015-01-01/m, r.text);
  });
});
