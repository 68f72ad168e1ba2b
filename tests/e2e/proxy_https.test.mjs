// Forwarding to an HTTPS upstream (openssl s_server with a throw-away self-signed certificate for
// 127.0.0.1): verification is on by default (an untrusted certificate is a 502 and nothing is
// recorded), --ca-file trusts it, the name must match (localhost is not in the certificate), and
// --insecure skips verification.
import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';

import { commandMissing, jsonFilesBelow, request, startProxy, startTlsServer, tempDir } from './lib/harness.mjs';

const tmp = tempDir();

test('an HTTPS upstream', { skip: commandMissing('openssl') }, async (t) => {
  const tls = await startTlsServer(tmp);
  let n = 0;
  // A recording proxy in front of the TLS upstream named by HOST, with ARGS; one request through it.
  const tryWith = async (host, ...args) => {
    n++;
    const fixtures = path.join(tmp, `fx${n}`);
    const proxy = await startProxy(['--mode', 'record', '--upstream', `https://${host}:${tls.port}`, '--fixtures', fixtures,
      '--timeout', '10', ...args]);
    const r = await request(`${proxy.url}/?Action=DescribeRegions&Version=2014-05-26`);
    await proxy.stop();
    return { ...r, recorded: jsonFilesBelow(fixtures).length };
  };

  await t.test('an untrusted certificate is a 502 saying why, and nothing is recorded', async () => {
    const r = await tryWith('127.0.0.1');
    assert.equal(r.status, 502, r.body);
    assert.match(r.body, /Popcheck\.Upstream\.Unreachable/);
    assert.match(r.body, /certificate verify failed/);
    assert.equal(r.recorded, 0, 'a failed exchange was recorded');
  });
  await t.test('--ca-file trusts it: the upstream\'s answer, recorded', async () => {
    const r = await tryWith('127.0.0.1', '--ca-file', tls.cert);
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /s_server/, 'not the upstream\'s answer');
    assert.equal(r.recorded, 1, 'the exchange was not recorded');
  });
  await t.test('a certificate for 127.0.0.1 is not accepted for localhost', async () => {
    assert.equal((await tryWith('localhost', '--ca-file', tls.cert)).status, 502);
  });
  await t.test('--insecure skips verification', async () => {
    const r = await tryWith('127.0.0.1', '--insecure');
    assert.equal(r.status, 200, r.body);
  });
  await tls.stop();
});
