#!/usr/bin/env node
// popcheck SDK adapter for the generated Alibaba Cloud clients on @alicloud/openapi-core:
// @alicloud/ecs20140526 and @alicloud/vpc20160428. Protocol: docs/adapters.md.
// Modules are resolved through NODE_PATH, which `popcheck run --sdk` sets to the SDK folder
// (tests/sdk/node_modules by default).
//
// Every case goes through the client's own generic RPC path, client.callApi(Params,
// OpenApiRequest, RuntimeOptions), with exactly the Params the generated typed methods pass (see
// DeleteInstances in @alicloud/ecs20140526/dist/client.js): style RPC, method POST, reqBodyType
// formData, bodyType json, the flat API parameters as the query. Like the typed methods, a success
// is then cast into the typed response model of the action when the package has one, so the body
// the adapter reports is what a user of the typed method sees (unknown keys dropped), written back
// with the documented key names.
//
// Options (the request's "options" object):
//   signature "v3" (default: ACS3-HMAC-SHA256 through doRequest) or "v2" (signatureAlgorithm 'v2':
//             HMAC-SHA1 through doRPCRequest).
//   package   "auto" (default: by product, Ecs -> ecs20140526, Vpc -> vpc20160428, anything else
//             -> the openapi-core base client), "ecs20140526", "vpc20160428" or "openapi-core".
//   cast      "true" (default) or "false": whether to cast a success into the typed model.
//   timeout   read and connect timeout in milliseconds (default 10000; the SDK's default is 3000).
'use strict';

const { safe, serve } = require('./lib/line_protocol.js');

const PACKAGES = {
  ecs20140526: '@alicloud/ecs20140526',
  vpc20160428: '@alicloud/vpc20160428',
  'openapi-core': '@alicloud/openapi-core',
};
const BY_PRODUCT = { ecs: 'ecs20140526', vpc: 'vpc20160428' };

function fatal(message) {
  process.stdout.write(JSON.stringify({ adapter: 'openapi', protocol: 1, fatal: message }) + '\n');
  process.exit(3);
}

function load(name) {
  try {
    return require(name);
  } catch (e) {
    fatal(`cannot load ${name} (NODE_PATH=${process.env.NODE_PATH || ''}): ${e.message}`);
  }
  return null;
}

function version(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch (e) {
    return 'unknown';
  }
}

const core = load('@alicloud/openapi-core');
const dara = load('@darabonba/typescript');
const modules = {};
function pkg(key) {
  if (!modules[key]) modules[key] = load(PACKAGES[key]);
  return modules[key];
}

// openapi-core's `endpoint` must be a bare host[:port]: with a scheme it builds
// "https://http//..." (docs/protocol.md 4.1). The scheme goes to `protocol` instead, which also
// overrides the HTTPS default the API metadata would otherwise impose.
function splitEndpoint(url) {
  const u = new URL(url);
  return { host: u.host, protocol: u.protocol.replace(':', '') };
}

function errorOf(err) {
  const status = err && (err.statusCode !== undefined ? err.statusCode :
    err.data && err.data.statusCode);
  let requestId = err && err.requestId ? String(err.requestId) : null;
  if (!requestId && err && err.data && (err.data.RequestId || err.data.requestId))
    requestId = String(err.data.RequestId || err.data.requestId);
  return {
    name: err && err.name ? String(err.name) : 'Error',
    code: err && err.code !== undefined && err.code !== null ? String(err.code) : null,
    message: err && err.message !== undefined ? String(err.message) : String(err),
    request_id: requestId,
    status: status === undefined || status === null ? null : Number(status),
    data: err && err.data !== undefined ? safe(err.data) : null,
  };
}

const clients = new Map();

function clientFor(req, key, signature) {
  const creds = req.credentials || {};
  const { host, protocol } = splitEndpoint(req.endpoint);
  const id = JSON.stringify([key, signature, host, protocol, creds.access_key_id,
    creds.access_key_secret, creds.security_token || '']);
  if (clients.has(id)) return clients.get(id);
  const timeout = Number((req.options || {}).timeout || 10000);
  const config = new core.$OpenApiUtil.Config({
    accessKeyId: creds.access_key_id,
    accessKeySecret: creds.access_key_secret,
    endpoint: host,
    protocol,
    regionId: (req.params && req.params.RegionId) || 'cn-hangzhou',
    readTimeout: timeout,
    connectTimeout: timeout,
  });
  if (creds.security_token) config.securityToken = creds.security_token;
  if (signature === 'v2') config.signatureAlgorithm = 'v2';
  const Client = pkg(key).default;
  const client = new Client(config);
  clients.set(id, client);
  return client;
}

async function handle(req) {
  const opts = req.options || {};
  const signature = String(opts.signature || 'v3').toLowerCase();
  if (signature !== 'v3' && signature !== 'v2')
    throw new Error(`option signature must be v3 or v2, not ${opts.signature}`);
  let key = String(opts.package || 'auto');
  if (key === 'auto') key = BY_PRODUCT[String(req.product || '').toLowerCase()] || 'openapi-core';
  if (!PACKAGES[key])
    throw new Error(`option package must be auto, ${Object.keys(PACKAGES).join(', ')}`);
  const cast = String(opts.cast === undefined ? 'true' : opts.cast) !== 'false';
  const client = clientFor(req, key, signature);

  const params = new core.$OpenApiUtil.Params({
    action: req.action, version: req.version, protocol: 'HTTP', pathname: '/', method: 'POST',
    authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json',
  });
  const request = new core.$OpenApiUtil.OpenApiRequest({
    query: core.OpenApiUtil.query(Object.assign({}, req.params || {})),
  });
  const runtime = new dara.RuntimeOptions({});
  const raw = { package: `${PACKAGES[key]}@${version(PACKAGES[key])}`, signature };
  try {
    const result = await client.callApi(params, request, runtime);
    let body = result ? result.body : null;
    const Model = key !== 'openapi-core' ? pkg(key)[`${req.action}Response`] : undefined;
    if (cast && Model && result) {
      // What the typed method returns: $dara.cast into the response model, then toMap() for the
      // documented key names (RequestId, not requestId).
      const typed = dara.cast(result, new Model({}));
      raw.cast = `${req.action}Response`;
      raw.uncast_body = safe(body);
      body = typed.body && typeof typed.body.toMap === 'function' ? typed.body.toMap() : typed.body;
    }
    return {
      id: req.id, outcome: 'success', body: safe(body),
      http: result ? { status: result.statusCode, headers: safe(result.headers || {}) } : null,
      raw,
    };
  } catch (err) {
    const e = errorOf(err);
    const out = { id: req.id, outcome: 'error', body: null, error: e, raw };
    if (e.status !== null) out.http = { status: e.status, headers: null };
    return out;
  }
}

const names = Object.values(PACKAGES).map((n) => `${n}@${version(n)}`);
serve({ adapter: 'openapi', sdk: names.join(' '), protocol: 1 }, handle);
