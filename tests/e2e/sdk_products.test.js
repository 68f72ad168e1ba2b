'use strict';
// Five real Alibaba Cloud SDKs from npm against ONE popcheck emulator serving their five products at
// once: @alicloud/ecs20140526, @alicloud/vpc20160428, @alicloud/ram20150501,
// @alicloud/r-kvstore20150101 and @alicloud/cms20190101 (tests/sdk/package.json pins them), each with
// its default V3 signing. Each product gets a success and a documented error:
//  - ECS and VPC: a contract-driven success, and a seed API's own documented NotFound error;
//  - RAM, R-kvstore, CloudMonitor: a contract-driven success whose body carries the documented
//    example's fields, and an error row of the API's documentation (code, message and status read
//    from the metadata here) made reachable through the fault need (docs/needs.md), as the
//    catalogue's error cases reach it.
// ECS, VPC, RAM and R-kvstore share the main listener (routing by Version and Action); CloudMonitor is
// on a listener of its own (--product-at 127.0.0.1:0=Cms), as a user points one SDK at one port.
//
// RAM, R-kvstore and CloudMonitor's metadata come from the workshop folder ../shared (the bundled
// metadata holds ECS, VPC and ESS only), so the suite is gated on it like the other corpus suites:
// skipped with one line and exit 77 when absent, failed when POPCHECK_REQUIRE_SHARED=1, logged to
// POPCHECK_CORPUS_LOG. Its tests are skipped when the SDKs are not installed (cd tests/sdk && npm ci).
//
//   POPCHECK=build/ci/bin/popcheck node tests/e2e/sdk_products.test.js
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const readline = require('node:readline');

const src = process.env.POPCHECK_SRC || path.join(__dirname, '..', '..');
const shared = process.env.POPCHECK_SHARED || path.join(src, '..', 'shared');
const sdkDir = process.env.POPCHECK_SDK_DIR || path.join(src, 'tests', 'sdk', 'node_modules');
const packages = ['ecs20140526', 'vpc20160428', 'ram20150501', 'r-kvstore20150101', 'cms20190101']
  .map((p) => `@alicloud/${p}`);

const metadata = {
  Ecs: path.join(src, 'data', 'metadata', 'ecs-2014-05-26.json'),
  Vpc: path.join(src, 'data', 'metadata', 'vpc-2016-04-28.json'),
  Ram: path.join(shared, 'metadata', 'catalogue', 'ram-2015-05-01.json'),
  'R-kvstore': path.join(shared, 'metadata', 'catalogue', 'r-kvstore-2015-01-01.json'),
  Cms: path.join(shared, 'metadata', 'catalogue', 'cms-2019-01-01.json'),
};

// The gate on the workshop folder, as the other specs have it: one line and exit 77 (ctest: skipped)
// when it is absent, exit 1 under POPCHECK_REQUIRE_SHARED=1; "ran|skipped e2e.sdk_products" goes to
// POPCHECK_CORPUS_LOG either way.
{
  const present = fs.existsSync(path.join(shared, 'seeds'));
  if (process.env.POPCHECK_CORPUS_LOG) {
    fs.appendFileSync(process.env.POPCHECK_CORPUS_LOG, `${present ? 'ran' : 'skipped'} e2e.sdk_products\n`);
  }
  if (!present) {
    const line = `the shared folder ${shared} (seed pages, corpus, metadata catalogue) is absent: ` +
      'set POPCHECK_SHARED to it to run this suite';
    if (process.env.POPCHECK_REQUIRE_SHARED === '1') {
      console.error(`FAIL: ${line} (POPCHECK_REQUIRE_SHARED=1)`);
      process.exit(1);
    }
    console.log(`SKIP: ${line}`);
    process.exit(77);
  }
}
const sdkMissing = packages.filter((p) => !fs.existsSync(path.join(sdkDir, p)));
let skip = sdkMissing.length
  ? `the SDKs ${sdkMissing.join(', ')} are not under ${sdkDir} (cd tests/sdk && npm ci)` : false;
if (!process.env.POPCHECK && !skip) skip = 'set POPCHECK to the popcheck binary';

const load = (name) => require(path.join(sdkDir, name));
const uuid = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;

// The documented error row `code` of `action` in a product's metadata: {status, code, message}.
function documentedError(product, action, code) {
  const doc = JSON.parse(fs.readFileSync(metadata[product], 'utf8'));
  const rows = doc.apis[action].errorCodes || {};
  for (const [status, list] of Object.entries(rows)) {
    for (const row of list) {
      if (row.errorCode === code) return { status: Number(status), code, message: row.errorMessage };
    }
  }
  throw new Error(`${product} ${action} documents no error ${code}`);
}

// The documented success example of `action`, parsed.
function documentedExample(product, action) {
  const doc = JSON.parse(fs.readFileSync(metadata[product], 'utf8'));
  const demos = JSON.parse(doc.apis[action].responseDemo);
  return JSON.parse(demos.find((d) => d.type === 'json').example);
}

let emulator;      // the child process
let mainHost;      // "127.0.0.1:PORT": ECS, VPC, RAM, R-kvstore
let cmsHost;       // CloudMonitor's own listener

// Starts `popcheck emulate` and reads its listening lines: the main one, then one per --product-at.
function startEmulator() {
  const args = ['emulate', '--listen', '127.0.0.1:0', '--product-at', '127.0.0.1:0=Cms', '--metadata',
    ...Object.values(metadata)];
  emulator = spawn(process.env.POPCHECK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  emulator.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator did not start: ${stderr}`)), 30000);
    emulator.on('exit', (code) => reject(new Error(`the emulator exited (${code}): ${stderr}`)));
    readline.createInterface({ input: emulator.stdout }).on('line', (line) => {
      const main = line.match(/^popcheck emulator listening on http:\/\/(\S+)$/);
      const cms = line.match(/^Cms listening on http:\/\/(\S+)$/);
      if (main) mainHost = main[1];
      if (cms) cmsHost = cms[1];
      if (mainHost && cmsHost) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

// POST /__popcheck/provision of one fault: the next request for `action` carrying `match` answers
// the documented error.
function provisionFault(host, action, error, match) {
  const body = JSON.stringify({
    needs: [{
      var: 'fault', resource: 'fault',
      with: { Action: action, Status: error.status, Code: error.code, Message: error.message, Match: match },
    }],
  });
  return new Promise((resolve, reject) => {
    const req = http.request(`http://${host}/__popcheck/provision`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
    }, (res) => {
      let data = '';
      res.on('data', (d) => { data += d; });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(data))
        : reject(new Error(`provisioning answered ${res.statusCode}: ${data}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function client(pkg, host) {
  const OpenApi = load('@alicloud/openapi-core');
  const Sdk = load(pkg);
  return new Sdk.default(new OpenApi.$OpenApiUtil.Config({
    accessKeyId: 'popcheck-dummy-key-id', accessKeySecret: 'popcheck-dummy-key-secret',
    endpoint: host, protocol: 'http', regionId: 'cn-hangzhou',
  }));
}

// Calls `fn` and returns the error it must throw.
async function rejection(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail('the call succeeded but an error was expected');
}

// The documentation's message, where "%s" stands for any text (as core/check compares messages).
function messagePattern(documented) {
  const parts = documented.split('%s').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's');
}

function assertDocumentedError(e, documented) {
  assert.equal(e.code, documented.code, e.message);
  assert.equal(e.statusCode, documented.status);
  assert.match(e.data.Message, messagePattern(documented.message));
  assert.match(e.requestId, uuid);
}

before(async () => {
  if (!skip) await startEmulator();
});
after(() => {
  if (emulator && emulator.exitCode === null) emulator.kill('SIGTERM');
});

test('ECS: DescribeRegions answers the documented example, DeleteInstances a documented NotFound',
  { skip }, async () => {
    const Ecs = load('@alicloud/ecs20140526');
    const ecs = client('@alicloud/ecs20140526', mainHost);
    const ok = await ecs.describeRegions(new Ecs.DescribeRegionsRequest({ regionId: 'cn-hangzhou' }));
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body.requestId, uuid);
    const example = documentedExample('Ecs', 'DescribeRegions');
    assert.equal(ok.body.regions.region.length, example.Regions.Region.length);
    assert.equal(ok.body.regions.region[0].regionId, example.Regions.Region[0].RegionId);

    const e = await rejection(() => ecs.deleteInstances(new Ecs.DeleteInstancesRequest({
      regionId: 'cn-hangzhou', instanceId: ['i-doesnotexist'], force: true,
    })));
    assertDocumentedError(e, documentedError('Ecs', 'DeleteInstances', 'InvalidInstanceId.NotFound'));
    assert.equal(e.data.HostId, 'ecs.aliyuncs.com');
  });

test('VPC: DescribeVpcs answers the documented example, TagResources a documented NotFound',
  { skip }, async () => {
    const Vpc = load('@alicloud/vpc20160428');
    const vpc = client('@alicloud/vpc20160428', mainHost);
    const ok = await vpc.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: 'cn-hangzhou' }));
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body.requestId, uuid);
    assert.ok(Array.isArray(ok.body.vpcs.vpc), JSON.stringify(ok.body));

    const e = await rejection(() => vpc.tagResources(new Vpc.TagResourcesRequest({
      regionId: 'cn-hangzhou', resourceType: 'VPC', resourceId: ['vpc-doesnotexist'],
      tag: [new Vpc.TagResourcesRequestTag({ key: 'k', value: 'v' })],
    })));
    assert.match(e.code, /NotFound$/, e.message);
    assert.equal(e.data.HostId, 'vpc.aliyuncs.com');
    assertDocumentedError(e, documentedError('Vpc', 'TagResources', e.code));
  });

test('RAM: CreateUser answers the documented example, DecodeDiagnosticMessage a documented error',
  { skip }, async () => {
    const Ram = load('@alicloud/ram20150501');
    const ram = client('@alicloud/ram20150501', mainHost);
    const ok = await ram.createUser(new Ram.CreateUserRequest({ userName: 'alice' }));
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body.requestId, uuid);
    const example = documentedExample('Ram', 'CreateUser');
    assert.equal(typeof ok.body.user.userId, 'string');
    assert.deepEqual(Object.keys(ok.body.user.toMap()).sort(), Object.keys(example.User).sort());

    const documented = documentedError('Ram', 'DecodeDiagnosticMessage', 'EntityNotExist');
    await provisionFault(mainHost, 'DecodeDiagnosticMessage', documented,
      { EncodedDiagnosticMessage: 'AQIBIAAAAOPdwKY2QLOvgMEc7SkkoJfj1kvZwsaRqNYMh10Tv0wTe0fCzaCdrvgazfNb0EnJKETgXyhR' });
    const e = await rejection(() => ram.decodeDiagnosticMessage(new Ram.DecodeDiagnosticMessageRequest({
      encodedDiagnosticMessage: 'AQIBIAAAAOPdwKY2QLOvgMEc7SkkoJfj1kvZwsaRqNYMh10Tv0wTe0fCzaCdrvgazfNb0EnJKETgXyhR',
    })));
    assertDocumentedError(e, documented);
    assert.equal(e.data.HostId, 'ram.aliyuncs.com');
  });

test('R-kvstore: DescribeZones answers the documented example, CreateAccount a documented error',
  { skip }, async () => {
    const Kv = load('@alicloud/r-kvstore20150101');
    const kv = client('@alicloud/r-kvstore20150101', mainHost);
    const ok = await kv.describeZones(new Kv.DescribeZonesRequest({ regionId: 'cn-hangzhou' }));
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body.requestId, uuid);
    const example = documentedExample('R-kvstore', 'DescribeZones');
    assert.equal(ok.body.zones.KVStoreZone.length, example.Zones.KVStoreZone.length);
    assert.equal(ok.body.zones.KVStoreZone[0].zoneId, example.Zones.KVStoreZone[0].ZoneId);

    const documented = documentedError('R-kvstore', 'CreateAccount', 'InvalidAccountName.Duplicate');
    await provisionFault(mainHost, 'CreateAccount', documented, { AccountName: 'demoaccount' });
    const e = await rejection(() => kv.createAccount(new Kv.CreateAccountRequest({
      instanceId: 'r-bp1zxszhcgatnx****', accountName: 'demoaccount', accountPassword: 'Pass!123456',
    })));
    assertDocumentedError(e, documented);
    assert.equal(e.data.HostId, 'r-kvstore.aliyuncs.com');
  });

test('CloudMonitor on its own listener: DescribeMetricList answers the documented example, a documented ResourceNotFound',
  { skip }, async () => {
    const Cms = load('@alicloud/cms20190101');
    const cms = client('@alicloud/cms20190101', cmsHost);
    const request = () => new Cms.DescribeMetricListRequest({ namespace: 'acs_ecs_dashboard', metricName: 'CPUUtilization' });
    const ok = await cms.describeMetricList(request());
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body.requestId, uuid);
    const example = documentedExample('Cms', 'DescribeMetricList');
    assert.equal(ok.body.code, example.Code);
    assert.equal(ok.body.datapoints, example.Datapoints);

    const documented = documentedError('Cms', 'DescribeMetricList', 'ResourceNotFound');
    await provisionFault(cmsHost, 'DescribeMetricList', documented, { MetricName: 'CPUUtilization' });
    const e = await rejection(() => cms.describeMetricList(request()));
    assertDocumentedError(e, documented);

    // The same request on the main listener reaches CloudMonitor too (Version and Action name it),
    // and the listener answers for CloudMonitor alone.
    const main = client('@alicloud/cms20190101', mainHost);
    assert.equal((await main.describeMetricList(request())).statusCode, 200);
    const Ecs = load('@alicloud/ecs20140526');
    const wrong = await rejection(() => client('@alicloud/ecs20140526', cmsHost)
      .describeRegions(new Ecs.DescribeRegionsRequest({})));
    assert.equal(wrong.code, 'NoSuchVersion', wrong.message);
  });
