// The plumbing of the end-to-end specs (tests/e2e/*.test.mjs): what a spec needs to drive the real
// popcheck binary, and nothing it checks. A spec is a node:test file run directly by ctest
// (`node FILE`); tests/CMakeLists.txt gives it POPCHECK (the binary), POPCHECK_SRC (the source tree),
// POPCHECK_SHARED and POPCHECK_CORPUS_LOG.
//
//  - bin, src, sdkDir: the binary, the source tree, the pinned Node SDKs (tests/sdk/node_modules).
//  - tempDir(): a fresh folder, removed when the process exits.
//  - run(cmd, args, opts) / popcheck(args, opts): a command to its end: {code, signal, stdout, stderr}.
//  - start(name, cmd, args, opts): a server, waited for until a stdout line matches `pattern` (by
//    default an http:// URL, which `popcheck emulate` and `popcheck proxy` print once they listen);
//    startEmulator(args) and startProxy(args) are that for popcheck, startTlsServer(dir) an
//    openssl s_server with a throw-away certificate. Every server started is ended with the spec.
//  - request(url, opts): one HTTP exchange (node:http, so Host and Origin can be set):
//    {status, headers, body}; rejects on a transport error (reset, truncated answer).
//  - ADMIN / admin(base, method, what, body, token): the admin API as popcheck's callers use it.
//  - needsShared(name): the gate of a spec that reads ../shared, as tests/support/paths.hpp gates
//    the unit tests: "ran|skipped e2e.NAME" to POPCHECK_CORPUS_LOG; when the folder is absent the
//    spec exits 77 (ctest: skipped), or 1 under POPCHECK_REQUIRE_SHARED=1.
//  - sdkMissing(...packages): a skip reason when node's SDKs are not installed, else false;
//    requireSdk(name): one of them, loaded.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

if (!process.env.POPCHECK) {
  console.error('set POPCHECK to the popcheck binary (ctest sets it)');
  process.exit(2);
}
export const bin = process.env.POPCHECK;
export const src = process.env.POPCHECK_SRC || path.resolve(here, '..', '..', '..');
export const sdkDir = path.join(src, 'tests', 'sdk', 'node_modules');
export const dataDir = path.join(src, 'data');
export const junitSchema = path.join(dataDir, 'schemas', 'junit-ant.xsd');

// Credentials a developer's shell may hold never reach a spec's commands.
for (const name of ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN', 'ALIBABA_CLOUD_PROFILE', 'POPCHECK_ADMIN_TOKEN']) {
  delete process.env[name];
}

const temps = [];
const servers = new Set();
// A spec's servers end with it, also when a test failed before stopping its own (a child left running
// would keep the spec from ending); its folders go when the process exits.
after(() => Promise.all([...servers].map((s) => s.stop('SIGKILL'))));
process.on('exit', () => {
  for (const s of servers) s.proc.kill('SIGKILL');
  for (const t of temps) {
    try {
      fs.rmSync(t, { recursive: true, force: true });
    } catch (e) {
      console.error(`could not remove ${t}: ${e.message}`);
    }
  }
});

// A fresh folder under the system temp directory, removed when the process exits. HOME points at a
// fresh one too (below), so no ~/.aliyun/config.json or metadata cache of the machine is read.
export function tempDir(prefix = 'popcheck-e2e-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
process.env.HOME = tempDir('popcheck-e2e-home-');

// The environment of a child: ours with `env` over it; a value of undefined removes the variable.
function childEnv(env = {}) {
  const out = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete out[k];
    else out[k] = String(v);
  }
  return out;
}

// Runs CMD ARGS to its end. opts: env, cwd, input (written to stdin), timeoutMs (default 10 min).
// Resolves {code, signal, stdout, stderr, text} where text describes the command and its output
// for assertion messages.
export function run(cmd, args = [], opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd, env: childEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const text = `${[cmd, ...args].join(' ')}: exit ${code ?? signal}\n--- stdout\n` +
        `${stdout.slice(-4000)}\n--- stderr\n${stderr.slice(-4000)}`;
      resolve({ code, signal, stdout, stderr, text });
    });
    child.stdin.on('error', () => {});  // a command that does not read its input
    child.stdin.end(opts.input ?? '');
  });
}

// `popcheck ARGS...`.
export const popcheck = (args, opts) => run(bin, args, opts);

// Starts a server and waits (up to opts.waitMs, 60 s by default) until a line of its stdout matches
// opts.pattern (default: an http:// URL). Resolves a handle:
//   url / found   the matched text;  proc, pid;
//   out(), err()  what it printed so far;  exited: a promise of {code, signal};
//   errMatching(re) its stderr once it matches re;
//   stop()        SIGTERM, then its exit status (a number, or the signal's name).
// Fails with the server's stderr when it ends or stays quiet before printing the pattern.
export function start(name, cmd, args = [], opts = {}) {
  const pattern = opts.pattern ?? /http:\/\/[0-9.:]+/;
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { cwd: opts.cwd, env: childEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let ready = false;
    const handle = {
      name, proc, pid: proc.pid, url: '', found: '',
      out: () => out, err: () => err,
      exited: new Promise((done) => proc.on('close', (code, signal) => {
        servers.delete(handle);
        done({ code, signal });
      })),
      async stop(signal = 'SIGTERM') {
        proc.kill(signal);
        const { code, signal: by } = await handle.exited;
        return code ?? by;
      },
      // What it printed on stderr once that matches `pattern` (stderr is a pipe of its own: what
      // the server wrote before listening may arrive after the line that says it listens).
      async errMatching(pattern, ms = 10_000) {
        for (const end = Date.now() + ms; !pattern.test(err) && Date.now() < end;) {
          await new Promise((r) => setTimeout(r, 20));
        }
        if (!pattern.test(err)) throw new Error(`${name} never printed ${pattern} on stderr: ${err}`);
        return err;
      },
    };
    servers.add(handle);
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${opts.waitMs ?? 60000} ms: ${err}`));
    }, opts.waitMs ?? 60_000);
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      if (ready) return;
      for (const line of out.split('\n')) {
        const m = line.match(pattern);
        if (m) {
          ready = true;
          clearTimeout(timer);
          handle.found = m[0];
          handle.url = m[0];
          resolve(handle);
          return;
        }
      }
    });
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    handle.exited.then(({ code, signal }) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`${name} ended (${code ?? signal}) before it listened: ${err}`));
    });
  });
}

// `popcheck emulate --listen 127.0.0.1:0 ARGS...`.
export const startEmulator = (args = [], opts = {}) =>
  start(opts.name ?? 'emulator', bin, ['emulate', '--listen', '127.0.0.1:0', ...args], opts);
// `popcheck proxy --listen 127.0.0.1:0 ARGS...`.
export const startProxy = (args = [], opts = {}) =>
  start(opts.name ?? 'proxy', bin, ['proxy', '--listen', '127.0.0.1:0', ...args], opts);

// `openssl s_server -www` on 127.0.0.1, port 0, with a throw-away self-signed certificate for
// 127.0.0.1 made in DIR: the HTTPS endpoint of the TLS tests. Resolves the server handle (found:
// "ACCEPT 127.0.0.1:PORT") with `cert` (the certificate's file) and `port`.
export async function startTlsServer(dir) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const made = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  if (made.code !== 0) throw new Error(made.text);
  const server = await start('s_server', 'openssl', ['s_server', '-accept', '127.0.0.1:0', '-cert', cert, '-key', key, '-www'],
    { pattern: /ACCEPT 127\.0\.0\.1:[0-9]+/ });
  return Object.assign(server, { cert, port: Number(server.found.split(':').pop()) });
}

// One HTTP exchange. opts: method (GET), headers, body (string or Buffer), timeoutMs (60 s).
// Resolves {status, headers (lower-case names), body (utf-8 text), raw (Buffer)}; rejects when the
// connection is reset or the answer is cut short.
export function request(url, opts = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: opts.method ?? 'GET', headers: opts.headers ?? {}, agent: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('aborted', () => reject(new Error('the answer was cut short')));
      res.on('error', reject);
      res.on('end', () => {
        if (!res.complete) return reject(new Error('the answer was cut short'));
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: raw.toString('utf8'), raw });
      });
    });
    req.setTimeout(opts.timeoutMs ?? 60_000, () => req.destroy(new Error('no answer in time')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

// The body of a 2xx answer parsed as JSON; fails with the answer otherwise.
export async function getJson(url, opts) {
  const r = await request(url, opts);
  if (r.status < 200 || r.status > 299) throw new Error(`${url}: HTTP ${r.status}: ${r.body}`);
  return JSON.parse(r.body);
}

// The marker header popcheck's own callers send on admin requests (docs/validating-proxy.md).
export const ADMIN = { 'X-Popcheck-Admin': '1' };
// An admin request: METHOD BASE/__popcheck/WHAT with a JSON body (an object is serialised) and the
// admin token when one is given. Resolves what request() does.
export function admin(base, method, what, body, token) {
  const headers = { ...ADMIN, 'Content-Type': 'application/json' };
  if (token) headers['X-Popcheck-Admin-Token'] = token;
  const text = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
  return request(`${base}/__popcheck/${what}`, { method, headers, body: text });
}

export function sharedDir() {
  return process.env.POPCHECK_SHARED || path.join(src, '..', 'shared');
}

// The gate of a spec that reads the workshop folder: returns its path when present; otherwise ends
// the process with one line, exit 77 (skipped), or 1 when POPCHECK_REQUIRE_SHARED=1. Either way
// "ran|skipped e2e.NAME" goes to POPCHECK_CORPUS_LOG. Call it at the top of the spec.
export function needsShared(name) {
  const shared = sharedDir();
  const present = fs.existsSync(path.join(shared, 'seeds'));
  if (process.env.POPCHECK_CORPUS_LOG) {
    fs.appendFileSync(process.env.POPCHECK_CORPUS_LOG, `${present ? 'ran' : 'skipped'} e2e.${name}\n`);
  }
  if (present) return shared;
  const line = `the shared folder ${shared} (seed pages, corpus) is absent: set POPCHECK_SHARED to it ` +
    'to run this suite';
  if (process.env.POPCHECK_REQUIRE_SHARED === '1') {
    console.error(`FAIL: ${line} (POPCHECK_REQUIRE_SHARED=1)`);
    process.exit(1);
  }
  console.log(`SKIP: ${line}`);
  process.exit(77);
}

// false when node can load every named SDK package from tests/sdk; otherwise the reason to skip
// (the SDKs are installed separately: npm ci in tests/sdk). Use as test(name, {skip: ...}).
export function sdkMissing(...packages) {
  const absent = packages.filter((p) => !fs.existsSync(path.join(sdkDir, p)));
  return absent.length ? `the SDKs under ${sdkDir} are not installed (cd tests/sdk && npm ci): ` +
    absent.join(', ') : false;
}

// An SDK package as tests/sdk pins it (require() of tests/sdk/node_modules/NAME).
export const requireSdk = createRequire(path.join(src, 'tests', 'sdk', 'package.json'));

// false when COMMAND is on the PATH; otherwise the reason to skip.
export function commandMissing(command) {
  const found = (process.env.PATH || '').split(':').some((d) => {
    try {
      fs.accessSync(path.join(d, command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return found ? false : `${command} is not installed`;
}

// A RegExp matching TEXT literally.
export const literal = (text) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

// Every file below DIR (recursively), sorted, as paths relative to DIR.
export function filesBelow(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
}

// The *.json files below DIR, as paths relative to DIR.
export const jsonFilesBelow = (dir) => filesBelow(dir).filter((f) => f.endsWith('.json'));

export const readJson = (...parts) => JSON.parse(fs.readFileSync(path.join(...parts), 'utf8'));
export const readText = (...parts) => fs.readFileSync(path.join(...parts), 'utf8');

// Copies a folder (recursively) to a new path.
export const copyDir = (from, to) => fs.cpSync(from, to, { recursive: true });

// `xmllint --noout --schema junit-ant.xsd FILE`: "" when it validates, else xmllint's complaint.
export async function junitProblems(file) {
  const r = await run('xmllint', ['--noout', '--schema', junitSchema, file]);
  return r.code === 0 ? '' : r.stderr;
}

// `xmllint --xpath EXPR FILE`, its output as text without the final line break ("" when nothing
// matches).
export async function xpath(file, expr) {
  const r = await run('xmllint', ['--xpath', expr, file]);
  return r.code === 0 ? r.stdout.replace(/\n$/, '') : '';
}
