// What the golden comparison (golden.test.mjs) normalises in the reports and console output of the
// seed suite before comparing them byte for byte with tests/golden/: only what differs from one run to
// the next on the same code, each rule with the reason. The catalogue files are compared raw.

const UUID4 = /[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}/g;

export const RULES = [
  // The embedded emulator listens on a port the system picks.
  { what: 'port', re: /127\.0\.0\.1:[0-9]+/g, to: '127.0.0.1:<port>' },
  // The emulator makes a fresh RequestId (an uppercase UUID v4) for every answer, in the
  // x-acs-request-id header, the body and the Recommend URL.
  { what: 'RequestId', re: UUID4, to: '<RequestId>' },
  // The emulator numbers the resources it provisions for the cases' needs (i-pc00000000000003) in
  // base 36, in the order the requests arrive, which -j 4 does not fix; the prefix (the kind) stays.
  { what: 'provisioned id', re: /\b([a-z]+-)pc[0-9a-z]{14}\b/g, to: '$1pc<n>' },
  // Every signed request carries a fresh nonce and the time it was signed at.
  { what: 'nonce', re: /SignatureNonce=[0-9a-f]+/g, to: 'SignatureNonce=<nonce>' },
  { what: 'request time', re: /Timestamp=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}%3A[0-9]{2}%3A[0-9]{2}Z/g, to: 'Timestamp=<time>' },
  // The start of the run (results.json and every JUnit test suite).
  { what: 'run start', re: /("timestamp": "|timestamp=")[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}/g, to: '$1<start>' },
  // Wall-clock durations: results.json, JUnit time attributes, the summary line.
  { what: 'duration', re: /"duration": [0-9.e+-]+/g, to: '"duration": <s>' },
  { what: 'duration', re: / time="[0-9.e+-]+"/g, to: ' time="<s>"' },
  { what: 'duration', re: /cases, [0-9.]+ s\)/g, to: 'cases, <s> s)' },
  // The machine's name (results.json, JUnit).
  { what: 'host name', re: /("hostname": "|hostname=")[^"]*/g, to: '$1<host>' },
];

// TEXT with every rule applied, and the temporary folder the run worked in (`work`) as <work>.
export function normalise(text, work) {
  let out = text.split(work).join('<work>');
  for (const rule of RULES) out = out.replace(rule.re, rule.to);
  return out;
}

// The files of one run of the main job, normalised. `console` is what the run printed: one line per
// case in the order the cases finished, which -j 4 does not fix, so those lines are sorted (the
// first line and the summary stay where they are).
export function normaliseRun({ junit, results, console }, work) {
  const lines = normalise(console, work).split('\n');
  const isCase = (l) => /^(PASS|FAIL|SKIP|ERROR) /.test(l);
  const cases = lines.filter(isCase).sort();
  let next = 0;
  const sorted = lines.map((l) => (isCase(l) ? cases[next++] : l));
  return {
    'junit.xml': normalise(junit, work),
    'results.json': normalise(results, work),
    'run.txt': sorted.join('\n'),
  };
}
