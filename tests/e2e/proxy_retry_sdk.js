'use strict';
// @alicloud/ecs20140526 calling DescribeRegions through the popcheck proxy, for the fault injection
// test: one scenario per run, its outcome printed as one JSON line.
//
//   node proxy_retry_sdk.js HOST:PORT SCENARIO
//
// Scenarios:
//   retry     retryOptions as docs/protocol.md 4.3 shows (3 attempts, ThrottlingError or
//             Throttling.User, fixed backoff of 20 ms)
//   plain     no retryOptions: one attempt
//   timeout   no retryOptions, readTimeout 300 ms
//   popcore   @alicloud/pop-core GET (it never retries)
const path = require('path');

const sdkDir = process.env.POPCHECK_SDK_DIR || path.join(__dirname, '..', 'sdk', 'node_modules');
const load = (name) => require(path.join(sdkDir, name));
const OpenApi = load('@alicloud/openapi-core');
const Ecs = load('@alicloud/ecs20140526');
const RPCClient = load('@alicloud/pop-core');
const { RetryOptions } = load('@darabonba/typescript');

const [hostPort, scenario] = process.argv.slice(2);
if (!scenario) {
  console.error('usage: node proxy_retry_sdk.js HOST:PORT retry|plain|timeout|popcore');
  process.exit(2);
}

// Dummy keys: the emulator behind the proxy does not check signatures here.
const keys = { accessKeyId: 'LTAIretryTestKey0001', accessKeySecret: 'retryTestSecret0001' };

function ecs(extra) {
  return new Ecs.default(new OpenApi.$OpenApiUtil.Config({
    ...keys, endpoint: hostPort, protocol: 'http', regionId: 'cn-hangzhou', ...extra,
  }));
}

const retryOptions = new RetryOptions({
  retryable: true,
  retryCondition: [{
    maxAttempts: 3, exception: ['ThrottlingError'], errorCode: ['Throttling.User'],
    backoff: { policy: 'Fixed', period: 20 },
  }],
});

function call() {
  switch (scenario) {
    case 'retry':
      return ecs({ retryOptions }).describeRegions(new Ecs.DescribeRegionsRequest({}));
    case 'plain':
      return ecs({}).describeRegions(new Ecs.DescribeRegionsRequest({}));
    case 'timeout':
      return ecs({ readTimeout: 300 }).describeRegions(new Ecs.DescribeRegionsRequest({}));
    case 'popcore':
      return new RPCClient({ ...keys, endpoint: `http://${hostPort}`, apiVersion: '2014-05-26' })
        .request('DescribeRegions', { RegionId: 'cn-hangzhou' });
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

Promise.resolve().then(call).then(
  (r) => {
    const body = r.body !== undefined ? r.body : r;
    const requestId = body.requestId || body.RequestId;
    console.log(JSON.stringify({ ok: true, statusCode: r.statusCode, requestId }));
  },
  (e) => {
    console.log(JSON.stringify({
      ok: false, name: e.name, code: e.code, statusCode: e.statusCode, retryAfter: e.retryAfter,
      message: String(e.message).replace(/, URL: .*$/s, ''),
    }));
  });
