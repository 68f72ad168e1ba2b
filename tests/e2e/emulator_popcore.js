// Driven by emulator_popcore.sh: argv[2] is the emulator's URL.
'use strict';
const assert = require('assert');
const RPCClient = require('@alicloud/pop-core');

const endpoint = process.argv[2];
const client = (apiVersion, secret = 'testsecret') =>
  new RPCClient({ accessKeyId: 'testid', accessKeySecret: secret, endpoint, apiVersion });
const ecs = client('2014-05-26');
const ess = client('2014-08-28');
const uuid = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

async function rejects(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('the call succeeded but an error was expected');
}

const checks = [
  ['GET success: RemoveTags documented example', async () => {
    const r = await ecs.request('RemoveTags', {
      RegionId: 'cn-shenzhen', ResourceId: 's-946ntx4wr', ResourceType: 'snapshot',
      Tag: [{ Key: 'Finance', Value: 'FinanceJoshua' }],
    });
    assert.match(r.RequestId, uuid);
    assert.deepStrictEqual(Object.keys(r), ['RequestId']);
  }],
  ['POST success: DeleteInstances releases a stopped instance', async () => {
    const r = await ecs.request('DeleteInstances', { InstanceId: ['i-instance1'], Force: false },
      { method: 'POST' });
    assert.match(r.RequestId, uuid);
  }],
  ['POST error: the released instance is gone', async () => {
    const err = await rejects(ecs.request('DeleteInstances', { InstanceId: ['i-instance1'] },
      { method: 'POST' }));
    assert.strictEqual(err.code, 'InvalidInstanceId.NotFound');
    assert.strictEqual(err.name, 'InvalidInstanceId.NotFoundError');
    assert.strictEqual(err.data.HostId, 'ecs.aliyuncs.com');
    assert.match(err.data.RequestId, uuid);
    assert.ok(err.message.startsWith('The specified InstanceId does not exist.'), err.message);
  }],
  ['GET error: DetachDisk of a disk that does not exist', async () => {
    const err = await rejects(ecs.request('DetachDisk', { InstanceId: 'i-23jggx34b', DiskId: 'd-none' }));
    assert.strictEqual(err.code, 'InvalidDiskId.NotFound');
    assert.strictEqual(err.entry.response.statusCode, 404);
    assert.strictEqual(err.entry.response.headers['content-type'], 'application/json;charset=utf-8');
  }],
  ['POST success and error: ESS RemoveInstances then the same again', async () => {
    const params = { ScalingGroupId: 'AG6CQdPU8OKdwLjgZcJ****', InstanceId: ['i-28wt4****'] };
    const r = await ess.request('RemoveInstances', params, { method: 'POST' });
    assert.ok(r.ScalingActivityId, JSON.stringify(r));
    const err = await rejects(ess.request('RemoveInstances', params, { method: 'POST' }));
    assert.strictEqual(err.code, 'InvalidInstanceId.NotFound');
    assert.strictEqual(err.data.HostId, 'ess.aliyuncs.com');
  }],
  ['a wrong secret is refused by signature checking', async () => {
    const err = await rejects(client('2014-05-26', 'wrong').request('RemoveTags', {
      RegionId: 'cn-shenzhen', ResourceId: 's-946ntx4wr', ResourceType: 'snapshot',
    }));
    assert.strictEqual(err.code, 'SignatureDoesNotMatch');
  }],
];

(async () => {
  let failed = 0;
  for (const [name, check] of checks) {
    try {
      await check();
      console.log(`ok - ${name}`);
    } catch (err) {
      failed++;
      console.log(`not ok - ${name}: ${err.stack || err}`);
    }
  }
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
})();
