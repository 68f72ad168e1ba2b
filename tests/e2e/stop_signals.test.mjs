// How the long-running commands stop (app/stop_signals.hpp): `popcheck emulate` and `popcheck proxy`
// end with status 0 on SIGINT and on SIGTERM, saying which one stopped them, also when they were
// started with SIGINT ignored, as a shell starts its background jobs (`popcheck emulate &`). POSIX
// lets an ignored signal be discarded even while it is blocked for sigwait, so each command restores
// the default disposition first: the server must run with SIGINT not ignored.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { bin, start, tempDir } from './lib/harness.mjs';

const tmp = tempDir();
const fixtures = path.join(tmp, 'fixtures');
fs.mkdirSync(fixtures);

// Whether process PID ignores SIGINT: bit 1 (signal 2) of the SigIgn mask of /proc/PID/status.
function ignoresSigint(pid) {
  const mask = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^SigIgn:\s*([0-9a-f]+)$/m);
  assert.ok(mask, `no SigIgn line in /proc/${pid}/status`);
  return (BigInt(`0x${mask[1]}`) & 2n) !== 0n;
}

// ARGS started the way a shell starts a background job: SIGINT ignored, then exec (which keeps an
// ignored disposition), so the handle's pid is the command's own.
const ignoringSigint = (name, args, pattern) =>
  start(name, 'sh', ['-c', 'trap "" INT; exec "$0" "$@"', ...args], pattern ? { pattern } : {});

test('the way the servers are started below does ignore SIGINT', async () => {
  const sleeper = await ignoringSigint('sleep', ['sh', '-c', 'echo ready; exec sleep 600'], /ready/);
  assert.ok(ignoresSigint(sleeper.pid), 'the launch does not ignore SIGINT, so the checks below would prove nothing');
  assert.equal(await sleeper.stop('SIGKILL'), 'SIGKILL');
});

const commands = {
  'popcheck emulate': ['emulate', '--listen', '127.0.0.1:0'],
  'popcheck proxy': ['proxy', '--mode', 'replay', '--fixtures', fixtures, '--listen', '127.0.0.1:0'],
};

for (const [name, args] of Object.entries(commands)) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    test(`${name} started with SIGINT ignored restores it and stops with status 0 on ${signal}`, async () => {
      const server = await ignoringSigint(name, [bin, ...args]);
      assert.equal(ignoresSigint(server.pid), false, `${name} runs with SIGINT ignored`);
      assert.equal(await server.stop(signal), 0, `${name} on ${signal}: ${server.err()}`);
      assert.match(server.err(), /stopped/, `${name} did not say it stopped: ${server.err()}`);
      if (name === 'popcheck emulate') assert.match(server.err(), new RegExp(`stopped \\(${signal}\\)`));
    });
  }
}
