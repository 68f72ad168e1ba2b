// The adapter side of popcheck's SDK adapter protocol (docs/adapters.md), shared by the shipped
// adapters: the hello line, one answer line per request line in order, the fatal hello when the
// SDK cannot be loaded, and JSON-safe copies of what an SDK returns or throws. An adapter supplies
// its name, its SDK description and `handle(request) -> answer`.
'use strict';

const readline = require('readline');

// Writes the hello line that says the adapter cannot run, and exits with status 3: the driver
// reports it as an infrastructure error naming `message`.
function fatal(adapter, message) {
  process.stdout.write(JSON.stringify({ adapter, protocol: 1, fatal: message }) + '\n');
  process.exit(3);
}

// require(name), or the fatal hello naming the module and NODE_PATH (where `popcheck run --sdk`
// points Node at the SDK folder).
function requireSdk(adapter, name) {
  try {
    return require(name);
  } catch (e) {
    fatal(adapter, `cannot load ${name} (NODE_PATH=${process.env.NODE_PATH || ''}): ${e.message}`);
  }
  return null;
}

// The installed version of package `name`, or 'unknown'.
function packageVersion(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch (e) {
    return 'unknown';
  }
}

// Values of a parsed body or a thrown error may hold json-bigint numbers or cycles; JSON.stringify
// keeps such numbers through toJSON, writes BigInts as strings and drops a repeated object.
function safe(value) {
  const seen = new WeakSet();
  return JSON.parse(JSON.stringify(value === undefined ? null : value, (k, v) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object') {
      if (seen.has(v)) return undefined;
      seen.add(v);
    }
    return v;
  }));
}

// Writes `hello`, then answers each request line of stdin with handle(request), one at a time and
// in order (the driver waits for each answer before sending the next line). A line that is not
// JSON, or a handle() that throws, gets an 'adapter-error' answer; the adapter goes on. Exits 0 when
// stdin closes and the last answer is written.
function serve(hello, handle) {
  process.stdout.write(JSON.stringify(Object.assign({ protocol: 1 }, hello)) + '\n');
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  let chain = Promise.resolve();
  rl.on('line', (line) => {
    chain = chain.then(async () => {
      let req;
      try {
        req = JSON.parse(line);
      } catch (e) {
        process.stdout.write(JSON.stringify({ id: null, outcome: 'adapter-error',
          message: `request line is not JSON: ${e.message}` }) + '\n');
        return;
      }
      let out;
      try {
        out = await handle(req);
      } catch (e) {
        out = { id: req.id, outcome: 'adapter-error', message: String((e && e.message) || e) };
      }
      process.stdout.write(JSON.stringify(out) + '\n');
    });
  });
  rl.on('close', () => { chain.then(() => process.exit(0)); });
}

module.exports = { fatal, requireSdk, packageVersion, safe, serve };
