#!/usr/bin/env bash
# Proxy benchmarks (figures are printed, never asserted), in one run:
#  1. replay requests/s, p50/p99 latency and the server's CPU time per response (user + system) and
#     context switches per response, with wrk on loopback at 16 and 64 connections, beside nginx
#     serving the same body with the same Content-Type in the same run; then, when strace is
#     installed (STRACE=0 skips it), system calls per response of both over a fixed wrk run;
#  2. record mode (fsync'd fixtures, grouped flushes) and passthrough against calling the upstream
#     (the emulator) directly: requests/s and the p50 each adds;
#  3. start-up time and peak memory (max RSS, /usr/bin/time -v) with 100,000 generated fixtures:
#     the first start (no index: every file parsed, the index written) and an indexed start, and
#     the first replay of a fixture checked against the body it was generated with;
#  4. user-space instructions per replayed request (bench/replay-instructions.sh, callgrind).
# Usage: bash bench/proxy.sh [POPCHECK_BINARY]
#   env: DURATION=10s; THREADS=2 (wrk threads and nginx workers); SERVER_THREADS=$THREADS (the proxy's
#   --threads); FIXTURES=100000; SECTIONS="1 2 3 4" (which to run); ROUNDS=1 (section 1
#   repeated, each round measuring nginx and the proxy back to back); PIN=1: the load generator on
#   CPU 0 and the server under test (nginx or the proxy) on CPU 1, one thread each unless THREADS /
#   SERVER_THREADS say otherwise, so that wrk never takes the server's core (section 1 only).
#   In section 1 nginx goes first in odd rounds and the proxy in even ones.
#   Every section is bounded: wrk runs DURATION, a start-up waits at most 600 s.
# Needs wrk, nginx, GNU time and (section 4) valgrind: bash scripts/setup.sh bench.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
bin=$(built_popcheck "${1:-}")
duration=${DURATION:-10s}
pin=${PIN:-0}
if [ "$pin" = 1 ]; then
  threads=${THREADS:-1}
  load_prefix="taskset -c 0"
  server_prefix="taskset -c 1"
  command -v taskset >/dev/null || { echo "PIN=1 needs taskset (util-linux)" >&2; exit 2; }
  [ "$(nproc)" -ge 2 ] || { echo "PIN=1 needs two cores" >&2; exit 2; }
else
  threads=${THREADS:-2}
  load_prefix=""
  server_prefix=""
fi
server_threads=${SERVER_THREADS:-$threads}
nfixtures=${FIXTURES:-100000}
sections=${SECTIONS:-1 2 3 4}
rounds=${ROUNDS:-1}
want() { [[ " $sections " == *" $1 "* ]]; }
for tool in wrk nginx /usr/bin/time python3 curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: bash scripts/setup.sh bench" >&2; exit 2; }
done
[[ -x "$bin" ]] || { echo "no popcheck binary at $bin" >&2; exit 2; }
source "$here/lib/nginx.sh"

tmp=$(mktemp -d /tmp/popcheck-bench-proxy.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  nginx_stop
  rm -rf "$tmp"
}
trap cleanup EXIT

start() {  # start NAME CMD...: waits for the URL the server prints; sets $url and $pid
  local name=$1
  shift
  mkfifo "$tmp/$name.fifo"
  "$@" >"$tmp/$name.fifo" 2>"$tmp/$name.err" &
  pid=$!
  pids+=($pid)
  exec {fd}<"$tmp/$name.fifo"
  local line=""
  read -r -t 600 -u "$fd" line || { echo "$name did not start: $(cat "$tmp/$name.err")" >&2; exit 1; }
  url=$(grep -o 'http://[0-9.:]*' <<<"$line" | head -1)
  cat <&"$fd" >/dev/null &
  pids+=($!)
  exec {fd}<&-
}
stop() { kill -TERM "$1"; wait "$1" || true; }

# wrk_run URL CONNECTIONS -> "requests/s p50 p99" (latencies in ms)
wrk_run() {
  local out
  # shellcheck disable=SC2086 # the prefix is words
  out=$($load_prefix wrk -t "$threads" -c "$2" -d "$duration" --latency "$1")
  python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def ms(label):
    m = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)\s*$" % label, out, re.M)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
print("%.0f %.3f %.3f %s" % (rps, ms("50%"), ms("99%"), errors.group(1) if errors else 0))
PY
}

# One recorded exchange and the same body for nginx.
query='/?Action=DescribeRegions&Version=2014-05-26&Format=JSON&RegionId=cn-hangzhou&AccessKeyId=bench&SignatureNonce=1&Signature=x'
python3 - "$tmp" <<'PY'
import json, sys, os
tmp = sys.argv[1]
regions = [{"RegionId": r, "RegionEndpoint": "ecs.%s.aliyuncs.com" % r, "LocalName": r.upper()}
           for r in ["cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen"]]
body = json.dumps({"RequestId": "611CB80C-B6A9-43DB-9E38-0B0AC3D9B58F",
                   "Regions": {"Region": regions}}, separators=(",", ":"))
open(os.path.join(tmp, "body.json"), "w").write(body)
fixture = {"popcheck_fixture": 1, "product": "ecs", "action": "DescribeRegions",
           "request": {"method": "GET", "path": "/",
                       "params": {"Action": "DescribeRegions", "Version": "2014-05-26",
                                  "Format": "JSON", "RegionId": "cn-hangzhou"}, "headers": {}},
           "response": {"status": 200, "content_type": "application/json;charset=utf-8",
                        "headers": {}, "body_format": "json", "body": json.loads(body)},
           "provenance": {"recorded_at": "", "upstream": "", "api_version": "2014-05-26",
                          "duration_ms": 0, "popcheck_version": ""}}
d = os.path.join(tmp, "one", "ecs", "DescribeRegions")
os.makedirs(d)
json.dump(fixture, open(os.path.join(d, "000000-bench.json"), "w"), indent=2)
PY
echo "popcheck: $("$bin" --version) ($bin); $(nproc) cores; wrk -t$threads -d$duration; body $(wc -c <"$tmp/body.json") bytes"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"

# cpu_counts PID... -> "user_ticks system_ticks voluntary involuntary": CPU time of the processes so
# far in clock ticks (/proc/PID/stat) and their threads' context switches (/proc/PID/task/*/status).
cpu_counts() {
  local user=0 sys=0 vol=0 invol=0 p u s
  for p in "$@"; do
    read -r u s < <(awk '{print $14, $15}' "/proc/$p/stat")
    user=$((user + u))
    sys=$((sys + s))
    read -r u s < <(awk '/^voluntary_ctxt_switches/ {v += $2} /^nonvoluntary_ctxt_switches/ {n += $2}
      END {print v + 0, n + 0}' /proc/"$p"/task/*/status 2>/dev/null)
    vol=$((vol + u))
    invol=$((invol + s))
  done
  echo "$user $sys $vol $invol"
}

# measure URL CONNECTIONS PID... -> "requests/s p50 p99 non2xx cpu_us user_us sys_us vcs ics": wrk_run
# plus the CPU time the server processes spent per request served, split into user and system time
# (a figure that load from other processes on the machine disturbs far less than requests/s), and
# their threads' voluntary and involuntary context switches per request.
measure() {
  local url=$1 c=$2
  shift 2
  local before after rps p50 p99 err
  before=$(cpu_counts "$@")
  read -r rps p50 p99 err < <(wrk_run "$url" "$c")
  after=$(cpu_counts "$@")
  python3 - "$rps" "$p50" "$p99" "$err" "$before" "$after" "$duration" <<'PY'
import os, re, sys
rps, p50, p99, err, before, after, duration = sys.argv[1:]
m = re.fullmatch(r"([\d.]+)([smh]?)", duration)
seconds = float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]
served = max(float(rps) * seconds, 1)
d = [int(a) - int(b) for a, b in zip(after.split(), before.split())]
tick = os.sysconf("SC_CLK_TCK")
user, system = d[0] / tick * 1e6 / served, d[1] / tick * 1e6 / served
print("%s %s %s %s %.1f %.1f %.1f %.2f %.2f"
      % (rps, p50, p99, err, user + system, user, system, d[2] / served, d[3] / served))
PY
}

# syscalls URL PID... -> the system calls the server processes make per response, over a fixed wrk
# run (SYSCALL_DURATION, default 3s, 16 connections) with strace -c attached to every thread. strace
# slows the server down, so only the counts mean anything, not the rate. Prints the total per
# response and the calls that make up most of it.
syscalls() {
  local url=$1
  shift
  local out=$tmp/strace.txt attach=() p t served tracer
  for p in "$@"; do for t in /proc/"$p"/task/*; do attach+=(-p "${t##*/}"); done; done
  timeout 120 strace -c -q -o "$out" "${attach[@]}" &
  tracer=$!
  sleep 1  # strace attaches to every thread before the load starts
  # shellcheck disable=SC2086 # the prefix is words
  served=$($load_prefix timeout 60 wrk -t "$threads" -c 16 -d "${SYSCALL_DURATION:-3s}" "$url" |
    grep -o '^ *[0-9]* requests in' | grep -o '[0-9]*')
  sleep 0.5
  kill -INT "$tracer"
  wait "$tracer" || true
  python3 - "$out" "$served" <<'PY'
import re, sys
path, served = sys.argv[1], max(int(sys.argv[2]), 1)
calls = {}
for line in open(path):
    f = line.split()
    # % time, seconds, usecs/call, calls, [errors], syscall
    if len(f) >= 5 and re.fullmatch(r"[\d.]+", f[0]) and f[-1] != "total":
        calls[f[-1]] = calls.get(f[-1], 0) + int(f[3])
top = sorted(calls.items(), key=lambda kv: -kv[1])[:6]
print("%.2f (%s) over %d responses" % (sum(calls.values()) / served,
      ", ".join("%s %.2f" % (k, v / served) for k, v in top), served))
PY
}

section1() {
  echo
  echo "== 1. replay vs nginx (same body, same Content-Type, same run) =="
  echo "nginx: $threads workers; proxy: --threads $server_threads; $rounds round(s)"
  [ "$pin" = 1 ] && echo "pinned: wrk -t$threads on CPU 0; nginx and the proxy on CPU 1"
  NGINX_PREFIX=$server_prefix nginx_start "$tmp/body.json" "application/json;charset=utf-8" "$threads"
  # shellcheck disable=SC2086 # the prefix is words
  start replay $server_prefix "$bin" proxy --mode replay --fixtures "$tmp/one" --listen 127.0.0.1:0 \
    --threads "$server_threads"
  local proxy_url=$url proxy_pid=$pid round c
  cmp <(curl -sf "$proxy_url$query") "$tmp/body.json" ||
    { echo "replay does not serve the body" >&2; exit 1; }
  cmp <(curl -sf "http://127.0.0.1:$NGINX_PORT$query") "$tmp/body.json" ||
    { echo "nginx does not serve the body" >&2; exit 1; }
  local nginx_workers
  nginx_workers=$(pgrep -P "$NGINX_PID" | tr '\n' ' ')
  printf '%-12s %5s %12s %9s %9s %7s %12s %10s %8s %8s\n' server conns 'requests/s' 'p50 ms' \
    'p99 ms' non2xx 'cpu us/req' 'user+sys' 'vcs/req' 'ics/req'
  local n_cpus="" p_cpus="" n_users="" p_users="" n_syss="" p_syss=""
  for round in $(seq 1 "$rounds"); do
    for c in 16 64; do
      # The two servers take turns going first, so that neither always runs in the other's wake.
      if ((round % 2 == 1)); then
        # shellcheck disable=SC2086 # one pid per word
        read -r n_rps n_p50 n_p99 n_err n_cpu n_user n_sys n_vcs n_ics \
          < <(measure "http://127.0.0.1:$NGINX_PORT$query" "$c" $nginx_workers)
      fi
      read -r p_rps p_p50 p_p99 p_err p_cpu p_user p_sys p_vcs p_ics \
        < <(measure "$proxy_url$query" "$c" "$proxy_pid")
      if ((round % 2 == 0)); then
        # shellcheck disable=SC2086 # one pid per word
        read -r n_rps n_p50 n_p99 n_err n_cpu n_user n_sys n_vcs n_ics \
          < <(measure "http://127.0.0.1:$NGINX_PORT$query" "$c" $nginx_workers)
      fi
      printf '%-12s %5s %12s %9s %9s %7s %12s %10s %8s %8s\n' nginx "$c" "$n_rps" "$n_p50" "$n_p99" \
        "$n_err" "$n_cpu" "$n_user+$n_sys" "$n_vcs" "$n_ics"
      printf '%-12s %5s %12s %9s %9s %7s %12s %10s %8s %8s\n' proxy-replay "$c" "$p_rps" "$p_p50" \
        "$p_p99" "$p_err" "$p_cpu" "$p_user+$p_sys" "$p_vcs" "$p_ics"
      python3 -c "print('             replay/nginx at %s connections: %.0f%%' % ($c, 100.0 * $p_rps / $n_rps))"
      n_cpus+=" $n_cpu"
      p_cpus+=" $p_cpu"
      n_users+=" $n_user"
      p_users+=" $p_user"
      n_syss+=" $n_sys"
      p_syss+=" $p_sys"
    done
  done
  # The spread of the main figure over every run of this section, and the load it ran under.
  python3 - "$n_cpus" "$p_cpus" "$n_users" "$p_users" "$n_syss" "$p_syss" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import statistics, sys
n, p, nu, pu, ns, ps = ([float(x) for x in a.split()] for a in sys.argv[1:7])
med = statistics.median
print("cpu us/req over %d runs each: nginx %.1f-%.1f (median %.1f), proxy %.1f-%.1f (median %.1f);"
      " proxy/nginx by median %.2f; load average now %s"
      % (len(n), min(n), max(n), med(n), min(p), max(p), med(p), med(p) / med(n), sys.argv[7]))
print("user + system us/req by median: nginx %.1f + %.1f, proxy %.1f + %.1f"
      % (med(nu), med(ns), med(pu), med(ps)))
# Each proxy run beside the nginx run next to it in time: the load drifts less within a pair than
# over the section.
pairs = [b / a for a, b in zip(n, p)]
print("proxy/nginx per pair of runs: %.2f-%.2f, median %.2f; pairs at or below 1: %d of %d"
      % (min(pairs), max(pairs), med(pairs), sum(r <= 1 for r in pairs), len(pairs)))
PY
  if command -v strace >/dev/null && [ "${STRACE:-1}" = 1 ]; then
    # shellcheck disable=SC2086 # one pid per word
    echo "syscalls/response, nginx: $(syscalls "http://127.0.0.1:$NGINX_PORT$query" $nginx_workers)"
    echo "syscalls/response, proxy: $(syscalls "$proxy_url$query" "$proxy_pid")"
  else
    echo "syscalls/response: not counted (no strace, or STRACE=0)"
  fi
  stop "$proxy_pid"
  nginx_stop
}
want 1 && section1

if want 2; then
echo
echo "== 2. record and passthrough overhead against the upstream (emulator) called directly =="
start emulator "$bin" emulate --listen 127.0.0.1:0 --threads "$server_threads"
emu_url=$url
emu_pid=$pid
start record "$bin" proxy --mode record --upstream "$emu_url" --fixtures "$tmp/rec" \
  --listen 127.0.0.1:0 --threads "$server_threads"
rec_url=$url
rec_pid=$pid
start pass "$bin" proxy --mode passthrough --upstream "$emu_url" --fixtures "$tmp/pass" \
  --listen 127.0.0.1:0 --threads "$server_threads"
pass_url=$url
pass_pid=$pid
printf '%-22s %5s %12s %9s %9s %7s %14s\n' path conns 'requests/s' 'p50 ms' 'p99 ms' non2xx 'added p50 ms'
for c in 16; do
  read -r d_rps d_p50 d_p99 d_err < <(wrk_run "$emu_url$query" "$c")
  read -r s_rps s_p50 s_p99 s_err < <(wrk_run "$pass_url$query" "$c")
  read -r r_rps r_p50 r_p99 r_err < <(wrk_run "$rec_url$query" "$c")
  added() { python3 -c "print('%+.3f' % ($1 - $d_p50))"; }
  printf '%-22s %5s %12s %9s %9s %7s %14s\n' "emulator direct" "$c" "$d_rps" "$d_p50" "$d_p99" "$d_err" ""
  printf '%-22s %5s %12s %9s %9s %7s %14s\n' "proxy passthrough" "$c" "$s_rps" "$s_p50" "$s_p99" "$s_err" "$(added "$s_p50")"
  printf '%-22s %5s %12s %9s %9s %7s %14s\n' "proxy record (fsync)" "$c" "$r_rps" "$r_p50" "$r_p99" "$r_err" "$(added "$r_p50")"
done
echo "fixtures written while recording: $(find "$tmp/rec" -name '*.json' | wc -l);" \
  "$(curl -sf "$rec_url/__popcheck/stats" | python3 -c 'import json,sys; s=json.load(sys.stdin); print("%d recorded in %d flushes" % (s["recorded"], s["flushes"]))')"
stop "$rec_pid"
stop "$pass_pid"
stop "$emu_pid"
rm -rf "$tmp/rec"

fi

if want 3; then
echo
echo "== 3. start-up with $nfixtures fixtures =="
python3 - "$tmp/many" "$nfixtures" <<'PY'
import json, os, sys
root, n = sys.argv[1], int(sys.argv[2])
actions = ["DescribeInstances", "DescribeDisks", "DescribeRegions", "RemoveTags", "DetachDisk",
           "DeleteInstances", "TagResources", "RemoveInstances", "DescribeVpcs", "DescribeZones"]
for i in range(n):
    action = actions[i % len(actions)]
    d = os.path.join(root, "ecs", action)
    if i < len(actions):
        os.makedirs(d, exist_ok=True)
    params = {"Action": action, "Version": "2014-05-26", "RegionId": "cn-hangzhou",
              "InstanceId": "i-%08d" % i, "PageNumber": str(i % 7)}
    body = {"RequestId": "%08X-0000-4000-8000-%012X" % (i, i), "InstanceId": "i-%08d" % i,
            "TotalCount": i % 50, "Items": {"Item": [{"Id": "x-%d" % j} for j in range(3)]}}
    fixture = {"popcheck_fixture": 1, "product": "ecs", "action": action,
               "request": {"method": "GET", "path": "/", "params": params, "headers": {}},
               "response": {"status": 200, "content_type": "application/json;charset=utf-8",
                            "headers": {}, "body_format": "json", "body": body},
               "provenance": {"recorded_at": "2026-11-23T00:00:00Z", "upstream": "bench",
                              "api_version": "2014-05-26", "duration_ms": 1,
                              "popcheck_version": "bench"}}
    path = os.path.join(d, "%06d-%08x.json" % (i // len(actions), i))
    with open(path, "w") as f:
        json.dump(fixture, f, indent=2)
    # A recording made before this start (the index leaves out files changed in the last 2 s).
    os.utime(path, (1764547200, 1764547200 + i % 1000))
PY
echo "generated: $(du -sh "$tmp/many" | cut -f1) in $nfixtures files"
sync
# The body fixture 1 was generated with, as the proxy replays it (compact JSON, keys in order).
expected=$(python3 -c 'import json; i=1; print(json.dumps({"RequestId": "%08X-0000-4000-8000-%012X" % (i, i), "InstanceId": "i-%08d" % i, "TotalCount": i % 50, "Items": {"Item": [{"Id": "x-%d" % j} for j in range(3)]}}, separators=(",", ":")))')
startup() {  # startup LABEL: starts the proxy on the generated folder, replays fixture 1, stops it
  local t0 t1 health body stop_child
  t0=$(date +%s%N)
  start "many-$1" /usr/bin/time -v -o "$tmp/time.txt" "$bin" proxy --mode replay --fixtures "$tmp/many" \
    --listen 127.0.0.1:0 --threads "$server_threads"
  t1=$(date +%s%N)
  health=$(curl -sf "$url/__popcheck/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["fixtures"])')
  body=$(curl -sf "$url/?Action=DescribeDisks&Version=2014-05-26&RegionId=cn-hangzhou&InstanceId=i-00000001&PageNumber=1&Signature=x")
  # Stop the proxy itself (GNU time does not forward signals), so that time reports and exits.
  stop_child=$(pgrep -P "$pid" | head -1)
  kill -TERM "$stop_child"
  wait "$pid" || true
  python3 - "$1" "$(( (t1 - t0) / 1000000 ))" "$health" "$tmp/time.txt" "$([ "$body" = "$expected" ] && echo yes || echo NO)" "$tmp/many-$1.err" <<'PY'
import re, sys
label, ms, fixtures, timefile, replay_ok, err = sys.argv[1:]
t = open(timefile).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
user = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1))
system = float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
note = " ".join(l.strip() for l in open(err) if "fixture" in l and "parsed" in l)
print("%-14s listening after %6d ms; CPU %.2f s (user %.2f + sys %.2f); peak RSS %.0f MB; %s fixtures; first replay of fixture 1 correct: %s"
      % (label, int(ms), user + system, user, system, rss, fixtures, replay_ok))
if note: print("               " + note)
PY
}
startup first      # no index yet: every file parsed, the index written
startup indexed    # the index read, every file stat'ed, nothing parsed
startup again
fi

if want 4; then
echo
echo "== 4. instructions per replayed request =="
REQUESTS=${REQUESTS:-2000} bash "$here/replay-instructions.sh" "$bin"
fi
