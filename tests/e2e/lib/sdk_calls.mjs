// Real Alibaba Cloud Node SDKs calling an endpoint (a proxy, usually): pop-core (GET and POST),
// @alicloud/ecs20140526 (its V3 default and signatureAlgorithm 'v2') and @alicloud/vpc20160428.
// Successes and errors alike come back as plain values, so that a recording run and a replay run can
// be compared exactly. The keys are made-up dummies: the proxy re-signs with what it holds.
import { requireSdk } from './harness.mjs';

// The nine calls, in order: successes and errors of the seed APIs by every SDK and signature.
export const SDK_CALLS = 9;

// What a caller can observe of one call, without what legitimately differs per run (pop-core's
// error message ends with the signed URL, which carries a fresh nonce and signature).
function outcome(promise) {
  return promise.then(
    (r) => ({ ok: true, statusCode: r.statusCode, body: r.body !== undefined ? r.body : r }),
    (e) => ({
      ok: false, name: e.name, code: e.code, statusCode: e.statusCode,
      message: String(e.message).replace(/, URL: .*$/s, ''), data: e.data,
    }));
}

// Runs the calls against HOST:PORT with the given keys; resolves [{label, ok, ...}] in call order,
// as plain JSON values.
export async function callThroughSdks(hostPort, id, secret, token = '') {
  const RPCClient = requireSdk('@alicloud/pop-core');
  const OpenApi = requireSdk('@alicloud/openapi-core');
  const Ecs = requireSdk('@alicloud/ecs20140526');
  const Vpc = requireSdk('@alicloud/vpc20160428');
  const popCore = (apiVersion) => new RPCClient({
    accessKeyId: id, accessKeySecret: secret, securityToken: token, endpoint: `http://${hostPort}`, apiVersion,
  });
  const teaConfig = (extra) => new OpenApi.$OpenApiUtil.Config({
    accessKeyId: id, accessKeySecret: secret, securityToken: token,
    endpoint: hostPort, protocol: 'http', regionId: 'cn-hangzhou', ...extra,
  });
  const ecsV3 = new Ecs.default(teaConfig({}));
  const ecsV2 = new Ecs.default(teaConfig({ signatureAlgorithm: 'v2' }));
  const vpc = new Vpc.default(teaConfig({}));
  const calls = [
    ['pop-core GET ecs RemoveTags', () => popCore('2014-05-26').request('RemoveTags', {
      RegionId: 'cn-hangzhou', ResourceType: 'instance', ResourceId: 'i-23jggx34b', Tag: [{ Key: 'env' }],
    })],
    ['pop-core POST ecs DetachDisk', () => popCore('2014-05-26').request('DetachDisk', {
      InstanceId: 'i-23jggx34b', DiskId: 'd-23jbf2v5m',
    }, { method: 'POST' })],
    // The same call again: the disk is detached now, so the upstream answers differently; replay
    // must answer in recorded order.
    ['pop-core POST ecs DetachDisk (again)', () => popCore('2014-05-26').request('DetachDisk', {
      InstanceId: 'i-23jggx34b', DiskId: 'd-23jbf2v5m',
    }, { method: 'POST' })],
    ['pop-core GET ess RemoveInstances', () => popCore('2014-08-28').request('RemoveInstances', {
      RegionId: 'cn-hangzhou', ScalingGroupId: 'asg-doesnotexist', InstanceId: ['i-1', 'i-2'],
    })],
    ['ecs V3 DeleteInstances', () => ecsV3.deleteInstances(new Ecs.DeleteInstancesRequest({
      regionId: 'cn-hangzhou', instanceId: ['i-doesnotexist1', 'i-doesnotexist2'], force: true,
    }))],
    ['ecs V3 RemoveTags', () => ecsV3.removeTags(new Ecs.RemoveTagsRequest({
      regionId: 'cn-hangzhou', resourceType: 'instance', resourceId: 'i-bp67acfmxazb4p****',
      tag: [new Ecs.RemoveTagsRequestTag({ key: 'team' })],
    }))],
    ['ecs v2 DetachDisk', () => ecsV2.detachDisk(new Ecs.DetachDiskRequest({
      instanceId: 'i-bp67acfmxazb4p****', diskId: 'd-bp67acfmxazb4p****',
    }))],
    ['ecs v2 DeleteInstances missing InstanceId', () => ecsV2.deleteInstances(
      new Ecs.DeleteInstancesRequest({ regionId: 'cn-hangzhou' }))],
    ['vpc V3 TagResources', () => vpc.tagResources(new Vpc.TagResourcesRequest({
      regionId: 'cn-hangzhou', resourceType: 'VPC', resourceId: ['vpc-doesnotexist'],
      tag: [new Vpc.TagResourcesRequestTag({ key: 'k', value: "a b*~!'()中" })],
    }))],
  ];
  const results = [];
  for (const [label, call] of calls) results.push({ label, ...(await outcome(call())) });
  // Plain JSON values, as the recording and the replay are compared with deepEqual.
  return JSON.parse(JSON.stringify(results));
}
