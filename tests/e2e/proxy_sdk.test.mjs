// Real SDK clients record through the proxy against the emulator, then replay from the fixtures with
// the emulator gone, and see identical results, successes and errors alike:
//  - the clients use dummy keys; the proxy holds the "real" ones (environment) and re-signs every
//    request, V1 (GET, POST form, POST query) and V3; the emulator verifies signatures with the real
//    keys only, so a request that was not re-signed correctly fails the recording;
//  - replay uses other dummy keys again: matching depends on no credential or signature;
//  - every fixture is scanned for every key id, secret and token used.
import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';

import { getJson, jsonFilesBelow, readText, sdkMissing, startEmulator, startProxy, tempDir } from './lib/harness.mjs';
import { callThroughSdks, SDK_CALLS } from './lib/sdk_calls.mjs';

const real = { id: 'LTAIrealProxyKey7788', secret: 'realProxySecret7788xyz' };
const dummy = { id: 'LTAIdummyClientKey1122', secret: 'dummyClientSecret1122', token: 'STS.dummyClientToken1122+/=' };

test('9 SDK calls recorded through the re-signing proxy and replayed identically', { skip: sdkMissing('@alicloud/pop-core') },
  async (t) => {
    const fixtures = path.join(tempDir(), 'fixtures');
    const emulator = await startEmulator(['--verify-signature', '--key', `${real.id}=${real.secret}`]);
    const recorder = await startProxy(['--mode', 'record', '--upstream', emulator.url, '--fixtures', fixtures],
      { env: { ALIBABA_CLOUD_ACCESS_KEY_ID: real.id, ALIBABA_CLOUD_ACCESS_KEY_SECRET: real.secret } });
    const recorded = await callThroughSdks(recorder.url.slice(7), dummy.id, dummy.secret, dummy.token);
    console.log('record stats:', JSON.stringify(await getJson(`${recorder.url}/__popcheck/stats`)));
    assert.equal(await recorder.stop(), 0);
    assert.equal(await emulator.stop(), 0);

    await t.test('the recording holds real answers: signatures verified upstream, successes and errors', () => {
      const signature = recorded.filter((x) => !x.ok && /Signature|AccessKey/i.test(String(x.code)));
      assert.deepEqual(signature, [], 'the upstream rejected re-signed requests');
      const transport = recorded.filter((x) => !x.ok && !x.code && !x.statusCode);
      assert.deepEqual(transport, [], 'calls failed in transport');
      const ok = recorded.filter((x) => x.ok).length;
      assert.ok(ok >= 2 && recorded.length - ok >= 2, `${ok} successes of ${recorded.length}`);
    });
    await t.test('one fixture per call, and no key, secret, token or signature in any', () => {
      assert.equal(jsonFilesBelow(fixtures).length, SDK_CALLS);
      const all = jsonFilesBelow(fixtures).map((f) => readText(fixtures, f)).join('\n');
      for (const secret of [real.id, real.secret, dummy.id, dummy.secret, dummy.token, 'STS.dummyClientToken1122']) {
        assert.ok(!all.includes(secret), `a fixture contains a credential (${secret})`);
      }
      assert.ok(!/"Signature"|SignatureNonce|ACS3-HMAC/.test(all), 'a fixture contains a signature');
    });
    await t.test('replay with no upstream and other keys: the same results, every call a hit', async () => {
      const replay = await startProxy(['--mode', 'replay', '--fixtures', fixtures]);
      const replayed = await callThroughSdks(replay.url.slice(7), 'LTAIanotherDummy9900', 'anotherSecret9900');
      const stats = await getJson(`${replay.url}/__popcheck/stats`);
      assert.equal(await replay.stop(), 0);
      assert.deepEqual(replayed, recorded);
      assert.deepEqual([stats.misses, stats.hits, stats.forwarded], [0, SDK_CALLS, 0], JSON.stringify(stats));
    });
  });
