#!/usr/bin/env bash
# `popcheck metadata fetch` against a metadata service started here (node, 127.0.0.1, port 0): a
# product in any case (its default version), a product:version, an unknown product (clear error,
# exit 2), an HTTP error (status, product and version named), a server that drops the connection
# mid-body (no file, no temporary file), a second fetch of the same document (not rewritten), the
# proxy from HTTP_PROXY and its NO_PROXY bypass. Then the fetched metadata is used offline by product
# name: compile --product, compile PRODUCT:VERSION, the ambiguity of two cached versions, run --cases
# PRODUCT, emulate --metadata PRODUCT:VERSION, and metadata list.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v node >/dev/null 2>&1 || { echo "SKIP: node is not installed"; exit 77; }

cat >"$tmp/server.js" <<'JS'
const http = require('http');
const doc = (product, version, actions) => JSON.stringify({
  version: '1.0', info: { style: 'RPC', product, version },
  apis: Object.fromEntries(actions.map((a) => [a, {
    title: a, summary: a,
    parameters: [{ name: 'RegionId', in: 'query', schema: { type: 'string', required: true, example: 'cn-hangzhou' } },
                 { name: 'Name', in: 'query', schema: { type: 'string', maxLength: 16, example: 'n1' } }],
    responses: { 200: { schema: { type: 'object', properties: { RequestId: { type: 'string' } } } } },
    errorCodes: { 400: [{ errorCode: 'InvalidName', errorMessage: 'The name is invalid.' }] },
  }])),
  endpoints: [],
}, null, 2);
const products = [
  { code: 'Rds', style: 'RPC', defaultVersion: '2014-08-15', versions: ['2013-05-28', '2014-08-15'] },
  { code: 'R-kvstore', style: 'RPC', defaultVersion: '2015-01-01', versions: ['2015-01-01'] },
  { code: 'Broken', style: 'RPC', defaultVersion: '2020-01-01', versions: ['2020-01-01'] },
  { code: 'Drop', style: 'RPC', defaultVersion: '2020-01-01', versions: ['2020-01-01'] },
];
const docs = {
  '/meta/products/Rds/versions/2014-08-15/api-docs.json': doc('Rds', '2014-08-15', ['DescribeRegions', 'CreateDBInstance']),
  '/meta/products/Rds/versions/2013-05-28/api-docs.json': doc('Rds', '2013-05-28', ['DescribeRegions']),
  '/meta/products/R-kvstore/versions/2015-01-01/api-docs.json': doc('R-kvstore', '2015-01-01', ['DescribeRegions']),
};
const server = http.createServer((req, res) => {
  // Through a proxy the request line holds the whole URL.
  const url = req.url.replace(/^http:\/\/[^/]*/, '');
  const via = req.url.startsWith('http://') ? 'proxy' : 'direct';
  console.log(`${via} ${url}`);
  if (url === '/meta/products.json') return res.end(JSON.stringify(products));
  if (url.startsWith('/meta/products/Broken/')) { res.statusCode = 500; return res.end('{"Code":"InternalError"}'); }
  if (url.startsWith('/meta/products/Drop/')) {
    // Declares 100,000 bytes, sends 100, and closes.
    res.writeHead(200, { 'Content-Length': '100000', 'Content-Type': 'application/json' });
    return res.write('{"info": {"product": "Drop", "version": "2020-01-01"}, "apis": {' + ' '.repeat(36),
      () => res.socket.destroy());
  }
  if (docs[url]) return res.end(docs[url]);
  res.statusCode = 404;
  res.end('{"Code":"NotFound"}');
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
JS
start server node "$tmp/server.js"
base="$url/meta"
dir="$tmp/metadata"
export POPCHECK_METADATA_DIR="$dir"

fetch() { "$bin" metadata fetch --base-url "$base" "$@"; }
expect_fail() {  # expect_fail PATTERN CMD...: CMD exits 2 and its stderr holds PATTERN
  local pattern=$1 rc=0
  shift
  "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  [[ $rc -eq 2 ]] || fail "'$*' exited $rc, expected 2: $(cat "$tmp/err")"
  grep -qF -- "$pattern" "$tmp/err" || fail "'$*' did not say '$pattern': $(cat "$tmp/err")"
  echo "as expected: $(head -1 "$tmp/err")"
}

# A product in any case: the service's code and default version.
fetch rds | tee "$tmp/out"
grep -q "^Rds 2014-08-15: $dir/rds-2014-08-15.json (.* bytes, written)" "$tmp/out" || fail "rds not fetched"
cmp -s "$dir/rds-2014-08-15.json" <(node -e "
  const http = require('http');
  http.get('$base/products/Rds/versions/2014-08-15/api-docs.json', (r) => r.pipe(process.stdout));") \
  || fail "the cached file is not the served document"
# The same document again: nothing rewritten.
mtime=$(stat -c %Y.%N "$dir/rds-2014-08-15.json")
inode=$(stat -c %i "$dir/rds-2014-08-15.json")
fetch Rds:2014-08-15 | grep -q "(.* bytes, unchanged)" || fail "the second fetch did not say unchanged"
[[ $(stat -c %Y.%N "$dir/rds-2014-08-15.json") == "$mtime" && $(stat -c %i "$dir/rds-2014-08-15.json") == "$inode" ]] \
  || fail "the unchanged document was rewritten"
# A product code with a dash, through HTTP_PROXY: 127.0.0.2 has no server, so only the proxy answers.
HTTP_PROXY="$url" "$bin" metadata fetch --base-url "http://127.0.0.2:9/meta" r-kvstore | grep -q "^R-kvstore 2015-01-01" \
  || fail "the fetch through HTTP_PROXY failed"
grep -q "^proxy /meta/products/R-kvstore/versions/2015-01-01/api-docs.json" "$tmp/server.out" \
  || fail "the request did not go through the proxy"
expect_fail "127.0.0.2" env HTTP_PROXY="$url" NO_PROXY="localhost,127.0.0.2" \
  "$bin" metadata fetch --base-url "http://127.0.0.2:9/meta" r-kvstore

# Errors: unknown product, unknown version, HTTP status, connection dropped mid-body.
expect_fail "lists no product Nosuch" fetch Nosuch
expect_fail "lists no version 2001-01-01 of Rds" fetch Rds:2001-01-01
expect_fail "answered HTTP 500" fetch broken
grep -qF "Broken 2020-01-01" "$tmp/err" || fail "the HTTP error does not name product and version"
expect_fail "Drop 2020-01-01: no complete answer" fetch Drop
[[ ! -e "$dir/drop-2020-01-01.json" ]] || fail "a partial document was written"
[[ -z "$(find "$dir" -name '.*tmp*')" ]] || fail "a temporary file was left behind"
expect_fail "is not PRODUCT or PRODUCT:VERSION" fetch "Rds:latest"

"$bin" metadata list --base-url "$base" | tee "$tmp/out"
grep -q "^offered by $base: 4 products" "$tmp/out" && grep -q "^  Rds RPC default 2014-08-15 (2013-05-28, 2014-08-15)" "$tmp/out" \
  || fail "metadata list does not show what the service offers"

# Offline from here: the service is gone.
stop_started
export POPCHECK_METADATA_URL="http://127.0.0.1:9/meta"
"$bin" compile --product Rds --out "$tmp/cases" | tee "$tmp/out"
grep -q "^2 actions (Rds 2)" "$tmp/out" || fail "compile --product Rds did not compile Rds"
[[ -f "$tmp/cases/rds/CreateDBInstance.json" ]] || fail "no catalogue file for Rds CreateDBInstance"
"$bin" compile r-kvstore:2015-01-01 --out "$tmp/cases" | grep -q "^1 actions (R-kvstore 1)" \
  || fail "compile r-kvstore:2015-01-01 did not compile it"
# Two cached versions of one product: a version must be named.
cp "$dir/rds-2014-08-15.json" "$tmp/copy.json"
sed 's/"version": "2014-08-15"/"version": "2013-05-28"/' "$tmp/copy.json" >"$dir/rds-2013-05-28.json"
expect_fail "several versions of Rds" "$bin" compile --product Rds --out "$tmp/cases"
expect_fail "several versions of Rds" "$bin" run --cases Rds -q --report-dir "$tmp/report-ambiguous"
"$bin" compile --product Rds --version 2013-05-28 --out "$tmp/old" | grep -q "^2 actions (Rds 2)" \
  || fail "compile --product Rds --version 2013-05-28 failed"
expect_fail "popcheck metadata fetch Slb" "$bin" compile --product Slb --out "$tmp/cases"
# A bundled product (the data folder's metadata) needs no fetch.
"$bin" compile --product Ess --out "$tmp/ess" | grep -q "^79 actions (Ess 79)" \
  || fail "compile --product Ess did not read the bundled metadata"
# The runner takes a product as its catalogue and selects PRODUCT:VERSION.
"$bin" run --cases Rds:2014-08-15 --product Rds:2014-08-15 --kind example -q --report-dir "$tmp/report" \
  >"$tmp/run.txt" 2>&1 || true  # the cases may fail against the emulator; that they ran counts
[[ -f "$tmp/report/results.json" ]] || fail "run --cases Rds:2014-08-15 did not run: $(cat "$tmp/run.txt")"
node -e "
  const r = JSON.parse(require('fs').readFileSync('$tmp/report/results.json', 'utf8'));
  const cases = r.cases || r.results || [];
  const ids = cases.map((c) => c.id);
  if (ids.length !== 4 || ids.some((i) => !i.startsWith('Rds.'))) { console.error(ids); process.exit(1); }
" || fail "run did not run the 4 example cases of Rds"
# The emulator serves fetched metadata named by product.
start_emulator emu --metadata Rds:2014-08-15
node -e "
  require('http').get('$url/?Action=CreateDBInstance&Version=2014-08-15&Format=JSON&RegionId=cn-hangzhou', (r) => {
    let b = '';
    r.on('data', (d) => (b += d));
    r.on('end', () => process.exit(r.statusCode === 200 && JSON.parse(b).RequestId ? 0 : 1));
  });" || fail "emulate --metadata Rds:2014-08-15 does not serve Rds CreateDBInstance"
stop "$server_pid"
expect_fail "popcheck metadata fetch Nosuch" "$bin" emulate --metadata Nosuch --listen 127.0.0.1:0
"$bin" metadata list --offline | tee "$tmp/out"
grep -q "^  rds 2014-08-15" "$tmp/out" && grep -q "^  r-kvstore 2015-01-01" "$tmp/out" \
  || fail "metadata list does not show the cached files"
echo "PASS: metadata fetch, errors, proxy, and offline use by product name"
