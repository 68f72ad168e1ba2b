'use strict';
// Independent signing vectors from the real Alibaba Cloud Node SDKs, for popcheck's signer, verifier
// and request normaliser (core/protocol/tests/sdk_vectors_test.cpp reads the file this writes).
//
//   node sdk_signatures.cjs OUT.json [SEED] [COUNT]     (tests/e2e/sdk_signatures.test.mjs runs it)
//
// Three kinds of vector, all produced by SDK code, never by a re-implementation here:
//  - "v1":   OpenApiUtil.getRPCSignature of @alicloud/openapi-core and of @alicloud/openapi-util on
//            random parameter sets, methods and secrets;
//  - "v3":   OpenApiUtil.getAuthorization (ACS3-HMAC-SHA256) of both packages on random queries,
//            headers and bodies;
//  - "wire": whole requests as pop-core (GET, POST form) and openapi-core (V3, V3 with a form body,
//            v2 POST-query, STS) put them on the wire, captured by a Node HTTP server bound to
//            127.0.0.1 port 0 in this process, with the API parameters the SDK was given.
// The keys and secrets are random strings made up here; none is a real credential.
const fs = require('fs');
const http = require('http');
const path = require('path');

const sdkDir = process.env.POPCHECK_SDK_DIR || path.join(__dirname, '..', '..', 'sdk', 'node_modules');
const load = (name) => require(path.join(sdkDir, name));
const RPCClient = load('@alicloud/pop-core');
const OpenApi = load('@alicloud/openapi-core');
const OpenApiUtilOld = load('@alicloud/openapi-util').default;
const $dara = load('@darabonba/typescript');
const version = (name) => JSON.parse(fs.readFileSync(path.join(sdkDir, name, 'package.json'))).version;

const [out, seedArg, countArg] = process.argv.slice(2);
if (!out) {
  console.error('usage: node sdk_signatures.cjs OUT.json [SEED] [COUNT]');
  process.exit(2);
}
const seed = seedArg !== undefined ? Number(seedArg) : (Date.now() % 2147483647);
const count = countArg !== undefined ? Number(countArg) : 40;

// mulberry32: a small seeded generator, so that a seed reproduces the same parameter sets.
let state = seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const int = (n) => Math.floor(random() * n);

// Characters that stress encoders: RFC 3986 reserved and unreserved, the ones JavaScript's
// encodeURIComponent leaves alone (!'()*), '+', '%', multi-byte UTF-8 and an emoji.
const valueChars = [
  ...'abcXYZ019-_.~', ' ', '*', '!', "'", '(', ')', '+', '/', '=', '&', '%', ':', '?', '#', '[', ']',
  '@', ',', ';', '$', '"', '<', '>', '\\', '^', '`', '{', '|', '}', '中', '文', 'é', '😀', '\t',
];
function randomValue(allowEmpty) {
  const n = allowEmpty ? int(14) : 1 + int(13);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(valueChars);
  return s;
}
const keyStems = ['RegionId', 'InstanceId', 'Tag', 'Description', 'Name', 'ClientToken', 'ResourceId',
  'PageSize', 'Filter', 'Zone', 'DryRun', 'Force', 'A', 'B0', 'Key'];
function randomKey(used) {
  for (;;) {
    let key = pick(keyStems);
    if (random() < 0.4) key += '.' + (1 + int(12));
    if (random() < 0.3) key += '.' + pick(['Key', 'Value', 'Id']);
    if (!used.has(key)) {
      used.add(key);
      return key;
    }
  }
}
function randomParams(allowEmpty) {
  const used = new Set();
  const params = {};
  const n = 1 + int(8);
  for (let i = 0; i < n; i++) params[randomKey(used)] = randomValue(allowEmpty);
  return params;
}
function randomSecret() {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 30; i++) s += pick(chars);
  return s;
}
const pairs = (obj) => Object.keys(obj).map((k) => [k, String(obj[k])]);

const result = {
  generator: 'tests/e2e/lib/sdk_signatures.cjs',
  seed,
  sdk: {
    '@alicloud/openapi-core': version('@alicloud/openapi-core'),
    '@alicloud/openapi-util': version('@alicloud/openapi-util'),
    '@alicloud/pop-core': version('@alicloud/pop-core'),
  },
  v1: [],
  v3: [],
  wire: [],
};

// Helpers of both packages on random input.
const helpers = [
  ['@alicloud/openapi-core', OpenApi.OpenApiUtil],
  ['@alicloud/openapi-util', OpenApiUtilOld],
];
for (let i = 0; i < count; i++) {
  const [source, util] = helpers[i % helpers.length];
  const params = randomParams(true);
  const method = pick(['GET', 'POST', 'GET', 'POST', '']);
  const secret = randomSecret();
  result.v1.push({
    source: source + ' getRPCSignature',
    method,
    params: pairs(params),
    secret,
    signature: util.getRPCSignature(params, method, secret),
  });

  const query = randomParams(true);
  const body = random() < 0.5 ? '' : randomValue(false);
  const headers = {
    host: pick(['ecs.aliyuncs.com', '127.0.0.1:18080', 'vpc.cn-hangzhou.aliyuncs.com']),
    'x-acs-action': pick(['DeleteInstances', 'TagResources', 'RemoveInstances']),
    'x-acs-version': pick(['2014-05-26', '2016-04-28', '2014-08-28']),
    'x-acs-date': '2026-11-23T14:54:02Z',
    'x-acs-signature-nonce': randomSecret(),
    'x-acs-content-sha256': util.hash ? Buffer.from(util.hash(Buffer.from(body), 'ACS3-HMAC-SHA256')).toString('hex') : '',
    'user-agent': 'not signed',
    accept: 'application/json',
  };
  if (random() < 0.5) headers['content-type'] = 'application/x-www-form-urlencoded';
  if (random() < 0.3) headers['X-Acs-Extra'] = '  padded value\t';
  if (random() < 0.3) headers['x-acs-security-token'] = 'STS.' + randomSecret() + '+/=';
  const request = { method: pick(['POST', 'GET']), pathname: '/', query, headers };
  const id = 'LTAI' + randomSecret().slice(0, 16);
  const v3secret = randomSecret();
  const payload = headers['x-acs-content-sha256'];
  result.v3.push({
    source: source + ' getAuthorization',
    method: request.method,
    path: '/',
    query: pairs(query),
    headers: pairs(headers),
    body,
    access_key_id: id,
    secret: v3secret,
    authorization: util.getAuthorization(request, 'ACS3-HMAC-SHA256', payload, id, v3secret),
  });
}

// Whole requests on the wire.
async function captureWire() {
  let captured = null;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      }
      captured = {
        method: req.method,
        target: req.url,
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify({ RequestId: 'E2E-' + Date.now() }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const runtime = new $dara.RuntimeOptions({});

  const shapes = ['pop-core GET', 'pop-core POST', 'openapi-core V3', 'openapi-core V3 form body',
    'openapi-core v2', 'openapi-core V3 STS', 'pop-core GET STS'];
  try {
    for (let i = 0; i < count; i++) {
      const shape = shapes[i % shapes.length];
      // SDKs drop or reshape empty values differently; the wire vectors use non-empty ones.
      const params = randomParams(false);
      const id = 'LTAI' + randomSecret().slice(0, 16);
      const secret = randomSecret();
      const token = shape.endsWith('STS') ? 'STS.' + randomSecret() + '+/=' : undefined;
      const action = pick(['DeleteInstances', 'TagResources', 'DescribeRegions']);
      const apiVersion = pick(['2014-05-26', '2016-04-28']);
      let bodyParams = {};
      captured = null;
      if (shape.startsWith('pop-core')) {
        const client = new RPCClient({
          accessKeyId: id, accessKeySecret: secret, securityToken: token,
          endpoint: `http://127.0.0.1:${port}`, apiVersion,
        });
        await client.request(action, params, shape.includes('POST') ? { method: 'POST' } : {});
      } else {
        const client = new OpenApi.default(new OpenApi.$OpenApiUtil.Config({
          accessKeyId: id, accessKeySecret: secret, securityToken: token,
          endpoint: `127.0.0.1:${port}`, protocol: 'http', regionId: 'cn-hangzhou',
          signatureAlgorithm: shape.endsWith('v2') ? 'v2' : undefined,
        }));
        let query = params;
        if (shape.endsWith('form body')) {
          query = {};
          for (const [k, v] of Object.entries(params)) {
            if (random() < 0.5) bodyParams[k] = v; else query[k] = v;
          }
        }
        const request = new OpenApi.$OpenApiUtil.OpenApiRequest({
          query: OpenApi.OpenApiUtil.query(query),
          body: Object.keys(bodyParams).length ? bodyParams : undefined,
        });
        const callParams = new OpenApi.$OpenApiUtil.Params({
          action, version: apiVersion, protocol: 'HTTP', pathname: '/', method: 'POST',
          authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json',
        });
        await client.callApi(callParams, request, runtime);
      }
      if (!captured) throw new Error(`${shape}: no request reached the capture server`);
      result.wire.push({
        sdk: shape,
        ...captured,
        access_key_id: id,
        secret,
        security_token: token || '',
        // Every API parameter the SDK was given, with Action and Version, as a server must see them.
        params: [['Action', action], ['Version', apiVersion], ...pairs(params)],
      });
    }
  } finally {
    server.close();
  }
}

captureWire().then(() => {
  fs.writeFileSync(out, JSON.stringify(result, null, 1) + '\n');
  console.log(`wrote ${result.v1.length} V1, ${result.v3.length} V3 and ${result.wire.length} wire ` +
    `vectors (seed ${seed}) to ${out}`);
}).catch((e) => {
  console.error('sdk_signatures.cjs:', e && e.stack ? e.stack : e);
  process.exit(1);
});
