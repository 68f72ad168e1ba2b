// `popcheck compile` through the real binary: bad input gets a clear error naming the file (and the
// line where it applies) while the good input beside it still compiles; the bundled metadata of ECS,
// VPC and ESS compiles into one file per API with one error case per documented error code; a
// page that names no version takes the one the other pages of its product name, and says so.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { dataDir, jsonFilesBelow, popcheck, readJson, src, tempDir } from './lib/harness.mjs';

const metadata = path.join(dataDir, 'metadata');

test('bad input: each file is named with what is wrong, the good page compiles, exit 2', async () => {
  const tmp = tempDir();
  const at = (name) => path.join(tmp, name);
  fs.writeFileSync(at('empty.md'), '');
  fs.writeFileSync(at('binary.bin'), Buffer.from(
    '7f454c4602010100000000000000000003003e0001000000', 'hex'));
  fs.writeFileSync(at('notables.md'),
    '# DescribeThings\n\nThis page describes things but has no table at all.\n\n## Examples\n\nNone.\n');
  // Line 7 holds a byte that is not UTF-8.
  fs.writeFileSync(at('badutf8.md'), Buffer.concat([
    Buffer.from('# RemoveThings\n\n## 请求参数\n\n|名称|类型|是否必选|示例值|描述|\n|--|--|----|---|--|\n|RegionId|String|是|cn-'),
    Buffer.from([0xff]), Buffer.from('|地域。|\n')]));
  fs.writeFileSync(at('notjson.json'), '{\n  "info": {"product": "Ecs"},\n  "apis": {\n    oops\n  }\n}\n');
  fs.writeFileSync(at('truncated.md'),
    '# RemoveThings\n\n## 请求参数\n\n|名称|类型|是否必选|示例值|描述|\n|--|--|----|---|--|\n|RegionId|String|是|cn-hangzhou|地域\n');
  fs.writeFileSync(at('big.md'), Buffer.alloc(52428800, 'x'));
  fs.copyFileSync(path.join(src, 'tests', 'data', 'pages', 'zh-five-columns.md'), at('good.md'));

  const bad = ['empty.md', 'binary.bin', 'notables.md', 'badutf8.md', 'notjson.json', 'truncated.md', 'big.md'];
  const r = await popcheck(['compile', ...[...bad, 'good.md'].map(at),
    '--metadata', path.join(metadata, 'ecs-2014-05-26.json'), '--out', at('cat')]);
  assert.equal(r.code, 2, r.text);
  for (const f of bad) assert.ok(r.stderr.includes(at(f)), `no error names ${f}:\n${r.stderr}`);
  assert.ok(!r.stderr.includes(at('good.md')), 'the good page was reported as an error');
  assert.ok(r.stderr.includes(`${at('notjson.json')}:4:`), 'the JSON error does not name line 4');
  assert.ok(r.stderr.includes(`${at('badutf8.md')}:7:`), 'the UTF-8 error does not name line 7');
  assert.match(r.stderr, /larger than/, 'the 50 MB file is not reported as too large');
  assert.ok(fs.existsSync(at('cat/ecs/UnbindLabels.json')), 'the good page was not compiled');
  assert.match(r.stdout, /^1 actions/m, 'the summary does not count the one good action');
  assert.match(r.stdout, /7 failed/, 'the summary does not count seven failed inputs');
  // No stack traces or sanitizer reports: every line of stderr is a popcheck message.
  const stray = r.stderr.split('\n').filter((l) => l && !l.startsWith('popcheck compile: '));
  assert.deepEqual(stray, [], 'unexpected stderr output');
});

test('the bundled metadata: 807 APIs, one file each, one error case per documented code', async () => {
  const out = path.join(tempDir(), 'cat');
  const files = fs.readdirSync(metadata).filter((f) => f.endsWith('.json')).map((f) => path.join(metadata, f));
  const r = await popcheck(['compile', ...files, '--out', out]);
  assert.equal(r.code, 0, r.text);
  assert.equal(jsonFilesBelow(out).length, 807);
  assert.match(r.stdout, /^807 actions/m, 'the summary does not say 807 actions');
  // The codes are counted from the raw api-docs.json files, the cases from the written catalogue.
  let rows = 0;
  for (const f of files) {
    for (const api of Object.values(readJson(f).apis)) {
      for (const list of Object.values(api.errorCodes || {})) rows += list.length;
    }
  }
  let errors = 0;
  const ids = new Set();
  let duplicated = 0;
  for (const f of jsonFilesBelow(out)) {
    for (const c of readJson(out, f).cases) {
      if (c.kind === 'error') errors++;
      if (ids.has(c.id)) duplicated++;
      ids.add(c.id);
    }
  }
  assert.ok(rows >= 10000, `only ${rows} documented error codes`);
  assert.equal(errors, rows, 'error cases and documented error codes differ');
  assert.equal(duplicated, 0, 'duplicated case ids');
});

// A reference page of `action` (made up), whose API Explorer link names `version` when given.
function gadgetPage(action, version) {
  const link = `https://api.aliyun.com/#product=Gadget&api=${action}${version ? `&version=${version}` : ''}`;
  return `# ${action}\n\nDoes something to a gadget.\n\nTry it in [API Explorer](${link}).\n\n` +
    '## Request parameters\n\n|Name|Type|Required|Example|Description|\n|:--|:--|:--|:--|:--|\n' +
    `|Action|String|Yes|${action}|The operation.|\n|GadgetId|String|Yes|g-7f3k|The gadget.|\n\n` +
    '## Examples\n\nRequest example\n\n```\nhttps://[Endpoint]/?Action=' + action + '\n&GadgetId=g-7f3k\n```\n';
}

test('a folder of one product\'s pages: the page naming no version takes the one the others name', async () => {
  const tmp = tempDir();
  const at = (name) => path.join(tmp, name);
  fs.writeFileSync(at('open.md'), gadgetPage('OpenGadget', '2021-03-04'));
  fs.writeFileSync(at('close.md'), gadgetPage('CloseGadget', '2021-03-04'));
  fs.writeFileSync(at('shake.md'), gadgetPage('ShakeGadget', ''));
  const pages = ['open.md', 'close.md', 'shake.md'].map(at);

  // Said without --warnings: it decides what the page compiles to.
  const r = await popcheck(['compile', ...pages, '--out', at('cat')]);
  assert.equal(r.code, 0, r.text);
  const said = r.stderr.split('\n').filter((l) => l.includes('compile.version_from_batch'));
  assert.equal(said.length, 1, r.stderr);
  assert.ok(said[0].startsWith(`popcheck compile: warning: ${at('shake.md')}: ShakeGadget: `), said[0]);
  assert.match(said[0], /2021-03-04 \(2 pages\)/);
  assert.equal(readJson(at('cat/gadget/ShakeGadget.json')).contract.version, '2021-03-04');

  // --version wins, and nothing is taken from the batch.
  const flag = await popcheck(['compile', ...pages, '--version', '2020-01-01', '--out', at('flag')]);
  assert.equal(flag.code, 0, flag.text);
  assert.ok(!flag.stderr.includes('from_batch'), flag.stderr);
  // Two versions of Gadget in that catalogue: a folder each.
  assert.equal(readJson(at('flag/gadget/2020-01-01/ShakeGadget.json')).contract.version, '2020-01-01');

  // Two versions among the others: the page fails naming both, the others compile.
  fs.writeFileSync(at('close.md'), gadgetPage('CloseGadget', '2022-07-15'));
  const two = await popcheck(['compile', ...pages, '--out', at('two')]);
  assert.equal(two.code, 2, two.text);
  assert.match(two.stderr, new RegExp(`${at('shake.md')}: .*2021-03-04 \\(1 page\\), 2022-07-15 \\(1 page\\).*--version.*\\[compile\\.no_version\\]`));
  assert.equal(jsonFilesBelow(at('two')).length, 2);
});
