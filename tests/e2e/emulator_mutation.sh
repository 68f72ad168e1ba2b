#!/usr/bin/env bash
# Mutation test of the runner against the emulator (issue 4): the emulator is started with one injected
# deviation at a time, the seed suite runs against it, and the runner must report exactly that
# deviation: at least one case fails, every newly failing case is of the mutated action, and every
# failed check is the one that owns the deviation. Cases that already fail without a deviation (none,
# when the catalogue and emulator agree) are left out of the comparison.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

# Unlike lib.sh's stop, the emulator's exit status does not matter here.
stop_emulator() {
  kill -TERM "$server_pid"
  wait "$server_pid" || true
}

# Runs the seed catalogue against $url into $1 (exit 0 or 1 are both results; 2 is not).
run_suite() {
  local rc=0
  "$bin" run --endpoint "$url" --cases "$src/cases" --report-dir "$1" -j 4 -q >/dev/null || rc=$?
  if [[ $rc -eq 2 ]]; then echo "FAIL: runner infrastructure error against $url" >&2; exit 1; fi
}

start_emulator emulator
run_suite "$tmp/baseline"
stop_emulator

# deviation | action it mutates | the check that must own every failure
deviations=(
  "status:DetachDisk:202|DetachDisk|status"
  "code:RemoveInstances|RemoveInstances|code"
  "message:DeleteInstances|DeleteInstances|message"
  "drop:RemoveInstances:ScalingActivityId|RemoveInstances|shape"
  "xmlroot:RemoveTags|RemoveTags|root"
  "contenttype:TagResources|TagResources|content-type"
)

failed=0
for row in "${deviations[@]}"; do
  IFS='|' read -r deviation action check <<<"$row"
  start_emulator emulator --deviation "$deviation"
  run_suite "$tmp/mut"
  stop_emulator
  if ! python3 - "$tmp/baseline/results.json" "$tmp/mut/results.json" "$action" "$check" \
      "$deviation" <<'PY'
import json, sys
base_path, mut_path, action, check, deviation = sys.argv[1:]
base = {c["id"]: c for c in json.load(open(base_path))["cases"]}
mut = json.load(open(mut_path))["cases"]
problems, caught = [], []
for case in mut:
    if base.get(case["id"], {}).get("status") != "passed":
        continue  # already failing without the deviation: not evidence either way
    if case["status"] == "passed":
        continue
    if case["action"] != action:
        problems.append(f"{case['id']}: {case['status']} although {action} was mutated")
        continue
    names = sorted({f["check"] for f in case.get("failures", [])})
    if names != [check]:
        problems.append(f"{case['id']}: failed checks {names}, expected only ['{check}']")
    else:
        caught.append(case["id"])
if not caught:
    problems.append(f"no case reported the deviation through the '{check}' check")
for p in problems:
    print(f"FAIL [{deviation}] {p}")
print(f"{'ok' if not problems else 'FAIL'} [{deviation}]: {len(caught)} case(s) caught by '{check}'")
sys.exit(1 if problems else 0)
PY
  then
    failed=1
  fi
done
[[ $failed -eq 0 ]] || exit 1
echo "PASS: each deviation reported by its own check and nothing else"
