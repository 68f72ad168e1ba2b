// The adapter side of docs/adapters.md, shared by every adapter of this folder: the hello line, one
// request line at a time in order (the driver waits for each answer before sending the next), an
// adapter-error for a line that is not JSON or a request the adapter could not handle, and the exit
// when the driver closes stdin. Each adapter supplies its hello and its handle(request).
'use strict';

const readline = require('readline');

// Values of a parsed body or a thrown error may hold json-bigint numbers or cycles: bigints become
// strings, a value met again is dropped, so that the answer line is always JSON.
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

function write(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

// Writes `hello`, then answers every request line with `await handle(request)`.
function serve(hello, handle) {
  write(hello);
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  let chain = Promise.resolve();
  rl.on('line', (line) => {
    chain = chain.then(async () => {
      let req;
      try {
        req = JSON.parse(line);
      } catch (e) {
        write({ id: null, outcome: 'adapter-error', message: `request line is not JSON: ${e.message}` });
        return;
      }
      let out;
      try {
        out = await handle(req);
      } catch (e) {
        out = { id: req.id, outcome: 'adapter-error', message: String((e && e.message) || e) };
      }
      write(out);
    });
  });
  rl.on('close', () => { chain.then(() => process.exit(0)); });
}

module.exports = { safe, serve };
