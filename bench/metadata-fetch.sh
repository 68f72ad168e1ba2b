#!/usr/bin/env bash
# Benchmark of `popcheck metadata fetch`: the CPU time (user + system, of the popcheck process) of
# fetching the bundled ECS api-docs.json (2.7 MB) from a loopback metadata service (python3's
# http.server), straight and through a forward proxy (HTTP_PROXY: the absolute-form path, the proxy
# being the service itself), ROUNDS times each. With BEFORE=another binary, the two alternate in
# every round (e.g. main's build, to compare clients). Figures are measured and printed, never
# asserted; the load average is printed with them. The python3 wrapper that times each fetch counts
# too (its rusage covers its children: timeout, env's exec, popcheck), the same for both binaries.
#
# Usage: POPCHECK=build/ci/bin/popcheck [BEFORE=/other/popcheck] [ROUNDS=10] bash bench/metadata-fetch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

bin=$(popcheck_binary)
rounds=${ROUNDS:-10}
bench_temp

mkdir -p "$tmp/meta/products/Ecs/versions/2014-05-26"
cp data/metadata/ecs-2014-05-26.json "$tmp/meta/products/Ecs/versions/2014-05-26/api-docs.json"
printf '[{"code": "Ecs", "style": "RPC", "defaultVersion": "2014-05-26", "versions": ["2014-05-26"]}]' \
  >"$tmp/meta/products.json"
# http.server answers an absolute-form request line by its path, so it serves as the proxy too.
cat >"$tmp/serve.py" <<'EOF'
import http.server, sys, urllib.parse
class H(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
        return super().translate_path(urllib.parse.urlsplit(path).path)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer.allow_reuse_address = True
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: H(*a, directory=sys.argv[1]))
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
coproc SERVER { exec timeout 600 python3 "$tmp/serve.py" "$tmp"; }
emu_pid=$SERVER_PID
read -r port <&"${SERVER[0]}"
base="http://127.0.0.1:$port/meta"

# CPU seconds of one fetch into a fresh folder; "$@": env assignments.
fetch_cpu() {
  local b=$1 dir
  shift
  dir=$(mktemp -d -p "$tmp")
  # rusage of the child, to the microsecond (/usr/bin/time prints hundredths).
  python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%f %f" % (r.ru_utime, r.ru_stime))' "$tmp/time" \
    env "$@" timeout 60 "$b" metadata fetch Ecs --base-url "$base" --into "$dir" 2>"$tmp/err"
  cmp -s "$dir/ecs-2014-05-26.json" data/metadata/ecs-2014-05-26.json || {
    echo "metadata-fetch: $b did not fetch the document: $(cat "$tmp/err")" >&2
    exit 1
  }
  awk '{ printf "%.1f", ($1 + $2) * 1000 }' "$tmp/time"
}

echo "load average at start: $(load)"
binaries=("$bin")
[[ -n ${BEFORE:-} ]] && binaries=("$BEFORE" "$bin")
declare -A cpu
for ((r = 1; r <= rounds; r++)); do
  for b in "${binaries[@]}"; do
    cpu["$b direct"]+="$(fetch_cpu "$b" NO_PROXY= HTTP_PROXY= http_proxy=) "
    cpu["$b proxy"]+="$(fetch_cpu "$b" NO_PROXY= HTTP_PROXY="http://127.0.0.1:$port") "
  done
done
for key in "${!cpu[@]}"; do
  # shellcheck disable=SC2086
  printf '%s: CPU ms per fetch (user+system) min/median/max %s\n' "$key" \
    "$(printf '%s\n' ${cpu[$key]} | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f/%.1f/%.1f", v[1], v[int((NR + 1) / 2)], v[NR] }')"
done | sort
echo "load average at end: $(load)"
