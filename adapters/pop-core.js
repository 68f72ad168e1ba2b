#!/usr/bin/env node
// popcheck SDK adapter for @alicloud/pop-core (RPCClient). Protocol: docs/adapters.md.
// Modules are resolved through NODE_PATH, which `popcheck run --sdk` sets to the SDK folder
// (tests/sdk/node_modules by default), so this file needs nothing installed next to it.
//
// Options (the request's "options" object):
//   method  "GET" (default) or "POST": RPCClient.request(action, params, {method}). With POST the
//           parameters travel in a form body, as docs/protocol.md 4.1 records.
//   timeout milliseconds for the SDK's own timeout (default 10000; the SDK's default is 3000).
'use strict';

const { safe, serve } = require('./lib/line_protocol.js');

function sdkVersion(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch (e) {
    return 'unknown';
  }
}

let RPCClient;
try {
  RPCClient = require('@alicloud/pop-core');
} catch (e) {
  // The hello line is the place to say so: the driver reports it as a clear infrastructure error.
  const where = `NODE_PATH=${process.env.NODE_PATH || ''}`;
  process.stdout.write(JSON.stringify({ adapter: 'pop-core', protocol: 1,
    fatal: `cannot load @alicloud/pop-core (${where}): ${e.message}` }) + '\n');
  process.exit(3);
}

// pop-core puts the signed URL into its messages; the credentials and the signature are cut out
// here (the runner scrubs again, as a last net).
function redact(text) {
  return String(text)
    .replace(/([?&](?:AccessKeyId|Signature|SecurityToken)=)[^&\s]*/g, '$1REDACTED');
}

function errorOf(err) {
  const e = {
    name: err && err.name ? String(err.name) : 'Error',
    code: err && err.code !== undefined ? String(err.code) : null,
    message: redact(err && err.message !== undefined ? err.message : err),
    // pop-core keeps the RequestId only inside the body it attaches as `data`.
    request_id: err && err.data && err.data.RequestId ? String(err.data.RequestId) : null,
    status: err && err.entry && err.entry.response ? err.entry.response.statusCode : null,
    data: err && err.data !== undefined ? safe(err.data) : null,
  };
  return e;
}

async function handle(req) {
  const opts = req.options || {};
  const method = String(opts.method || 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'POST')
    throw new Error(`option method must be GET or POST, not ${opts.method}`);
  const creds = req.credentials || {};
  const config = {
    accessKeyId: creds.access_key_id,
    accessKeySecret: creds.access_key_secret,
    endpoint: req.endpoint.replace(/\/+$/, ''),
    apiVersion: req.version,
  };
  if (creds.security_token) config.securityToken = creds.security_token;
  const client = new RPCClient(config);
  const timeout = Number(opts.timeout || 10000);
  try {
    // formatParams:false keeps the case's parameter names byte for byte; formatAction:false keeps
    // the action as the case spells it (negative cases may spell it wrongly on purpose).
    // verbose makes request() resolve [body, entry], entry holding the response status and headers.
    client.verbose = true;
    const [body, entry] = await client.request(req.action, req.params || {}, { method, timeout,
      formatParams: false, formatAction: false });
    return {
      id: req.id, outcome: 'success', body: safe(body),
      http: entry && entry.response ? { status: entry.response.statusCode,
        headers: safe(entry.response.headers) } : null,
      raw: { method },
    };
  } catch (err) {
    const out = { id: req.id, outcome: 'error', body: null, error: errorOf(err), raw: { method } };
    if (err && err.entry && err.entry.response) {
      const res = err.entry.response;
      out.http = { status: res.statusCode, headers: safe(res.headers) };
    }
    return out;
  }
}

serve({ adapter: 'pop-core', sdk: `@alicloud/pop-core@${sdkVersion('@alicloud/pop-core')}`,
  protocol: 1 }, handle);
