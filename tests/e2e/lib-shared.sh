# shellcheck shell=bash
# The gate of the end-to-end scripts that read the workshop folder ../shared (the seed pages, the
# 74-page corpus). Not a test (tests/CMakeLists.txt leaves lib*.sh out). A script sources it and calls
#
#   needs_shared NAME
#
# which sets $shared and returns when the folder is present. When it is absent the script prints one
# line and exits 77 (ctest: skipped), or fails when POPCHECK_REQUIRE_SHARED=1 (CI). Either way a line
# "ran|skipped NAME" goes to $POPCHECK_CORPUS_LOG, from which scripts/test.sh prints which corpus
# suites ran.
needs_shared() {
  local name=$1
  shared=${POPCHECK_SHARED:-${POPCHECK_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/../shared}
  if [[ -d "$shared/seeds" ]]; then
    [[ -z "${POPCHECK_CORPUS_LOG:-}" ]] || echo "ran e2e.$name" >>"$POPCHECK_CORPUS_LOG"
    return 0
  fi
  [[ -z "${POPCHECK_CORPUS_LOG:-}" ]] || echo "skipped e2e.$name" >>"$POPCHECK_CORPUS_LOG"
  local line="the shared folder $shared (seed pages, corpus) is absent: set POPCHECK_SHARED to it to run this suite"
  if [[ "${POPCHECK_REQUIRE_SHARED:-}" == 1 ]]; then
    echo "FAIL: $line (POPCHECK_REQUIRE_SHARED=1)" >&2
    exit 1
  fi
  echo "SKIP: $line"
  exit 77
}
