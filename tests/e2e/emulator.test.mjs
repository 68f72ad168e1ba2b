// The emulator (`popcheck emulate`) end to end:
//  - mutation test of the runner (issue 4): started with one injected deviation at a time, the seed
//    suite run against it reports exactly that deviation: some case fails, every newly failing case
//    is of the mutated action, and every failed check is the one that owns the deviation;
//  - @alicloud/pop-core, the real Node SDK, against the emulator with signature checking on: what the
//    SDK hands its caller for successes and errors, by GET and by POST; a clean stop on SIGTERM.
import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';

import { popcheck, readJson, requireSdk, sdkMissing, src, startEmulator, tempDir } from './lib/harness.mjs';

const tmp = tempDir();

// The seed catalogue against `url` into DIR; exit 0 and 1 are both results, 2 is not.
async function runSuite(url, dir) {
  const r = await popcheck(['run', '--endpoint', url, '--cases', path.join(src, 'cases'), '--report-dir', dir, '-j', '4', '-q']);
  assert.ok(r.code === 0 || r.code === 1, `runner infrastructure error against ${url}: ${r.text}`);
  return readJson(dir, 'results.json').cases;
}

test('each injected deviation is reported by its own check and nothing else', async (t) => {
  const plain = await startEmulator();
  const baseline = new Map((await runSuite(plain.url, path.join(tmp, 'baseline'))).map((c) => [c.id, c]));
  await plain.stop();
  const deviations = [
    ['status:DetachDisk:202', 'DetachDisk', 'status'],
    ['code:RemoveInstances', 'RemoveInstances', 'code'],
    ['message:DeleteInstances', 'DeleteInstances', 'message'],
    ['drop:RemoveInstances:ScalingActivityId', 'RemoveInstances', 'shape'],
    ['xmlroot:RemoveTags', 'RemoveTags', 'root'],
    ['contenttype:TagResources', 'TagResources', 'content-type'],
  ];
  for (const [deviation, action, check] of deviations) {
    await t.test(deviation, async () => {
      const emulator = await startEmulator(['--deviation', deviation]);
      const cases = await runSuite(emulator.url, path.join(tmp, 'mutated'));
      await emulator.stop();
      const caught = [];
      for (const c of cases) {
        // A case already failing without the deviation is no evidence either way.
        if (baseline.get(c.id)?.status !== 'passed' || c.status === 'passed') continue;
        assert.equal(c.action, action, `${c.id}: ${c.status} although ${action} was mutated`);
        const names = [...new Set((c.failures || []).map((f) => f.check))].sort();
        assert.deepEqual(names, [check], `${c.id}: failed checks ${names}, expected only ${check}`);
        caught.push(c.id);
      }
      assert.ok(caught.length > 0, `no case reported the deviation through the '${check}' check`);
    });
  }
});

test('@alicloud/pop-core against the emulator with signature checking', { skip: sdkMissing('@alicloud/pop-core') },
  async (t) => {
    const RPCClient = requireSdk('@alicloud/pop-core');
    const emulator = await startEmulator(['--verify-signature', '--key', 'testid=testsecret']);
    const client = (apiVersion, secret = 'testsecret') =>
      new RPCClient({ accessKeyId: 'testid', accessKeySecret: secret, endpoint: emulator.url, apiVersion });
    const ecs = client('2014-05-26');
    const ess = client('2014-08-28');
    const uuid = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

    await t.test('GET success: RemoveTags, the documented example', async () => {
      const r = await ecs.request('RemoveTags', {
        RegionId: 'cn-shenzhen', ResourceId: 's-946ntx4wr', ResourceType: 'snapshot',
        Tag: [{ Key: 'Finance', Value: 'FinanceJoshua' }],
      });
      assert.match(r.RequestId, uuid);
      assert.deepEqual(Object.keys(r), ['RequestId']);
    });
    await t.test('POST success: DeleteInstances releases a stopped instance', async () => {
      const r = await ecs.request('DeleteInstances', { InstanceId: ['i-instance1'], Force: false }, { method: 'POST' });
      assert.match(r.RequestId, uuid);
    });
    await t.test('POST error: the released instance is gone', async () => {
      const err = await ecs.request('DeleteInstances', { InstanceId: ['i-instance1'] }, { method: 'POST' })
        .then(() => assert.fail('the call succeeded'), (e) => e);
      assert.equal(err.code, 'InvalidInstanceId.NotFound');
      assert.equal(err.name, 'InvalidInstanceId.NotFoundError');
      assert.equal(err.data.HostId, 'ecs.aliyuncs.com');
      assert.match(err.data.RequestId, uuid);
      assert.ok(err.message.startsWith('The specified InstanceId does not exist.'), err.message);
    });
    await t.test('GET error: DetachDisk of a disk that does not exist', async () => {
      const err = await ecs.request('DetachDisk', { InstanceId: 'i-23jggx34b', DiskId: 'd-none' })
        .then(() => assert.fail('the call succeeded'), (e) => e);
      assert.equal(err.code, 'InvalidDiskId.NotFound');
      assert.equal(err.entry.response.statusCode, 404);
      assert.equal(err.entry.response.headers['content-type'], 'application/json;charset=utf-8');
    });
    await t.test('POST success and error: ESS RemoveInstances, then the same again', async () => {
      const params = { ScalingGroupId: 'AG6CQdPU8OKdwLjgZcJ****', InstanceId: ['i-28wt4****'] };
      const r = await ess.request('RemoveInstances', params, { method: 'POST' });
      assert.ok(r.ScalingActivityId, JSON.stringify(r));
      const err = await ess.request('RemoveInstances', params, { method: 'POST' })
        .then(() => assert.fail('the call succeeded'), (e) => e);
      assert.equal(err.code, 'InvalidInstanceId.NotFound');
      assert.equal(err.data.HostId, 'ess.aliyuncs.com');
    });
    await t.test('a wrong secret is refused by signature checking', async () => {
      const err = await client('2014-05-26', 'wrong').request('RemoveTags', {
        RegionId: 'cn-shenzhen', ResourceId: 's-946ntx4wr', ResourceType: 'snapshot',
      }).then(() => assert.fail('the call succeeded'), (e) => e);
      assert.equal(err.code, 'SignatureDoesNotMatch');
    });
    await t.test('the emulator stops cleanly on SIGTERM', async () => {
      assert.equal(await emulator.stop(), 0);
      assert.match(emulator.err(), /stopped \(SIGTERM\)/);
    });
  });
