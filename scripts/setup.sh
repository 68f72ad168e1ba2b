#!/usr/bin/env bash
# Installs the Debian 12 packages popcheck needs when they are missing. Idempotent; silent when everything
# is present. Usage: scripts/setup.sh [build|test|bench|lint]   (each includes build)
set -euo pipefail
what=${1:-build}

pkgs=(g++ cmake ninja-build pkg-config git ca-certificates
      libboost-dev libboost-system-dev libssl-dev libpugixml-dev nlohmann-json3-dev
      libcpp-httplib-dev libcli11-dev)
case "$what" in
  build) ;;
  # clang 16 (not Debian's default 14, which cannot compile libstdc++ 12's std::expected) with its
  # libFuzzer/sanitizer runtimes and llvm-symbolizer: the fuzz and tsan presets (fuzz/README.md).
  test) pkgs+=(libgtest-dev libgmock-dev googletest libxml2-utils nodejs npm python3 python3-yaml chromium openssl
             dpkg-dev file clang-16 libclang-rt-16-dev llvm-16) ;;
  bench) pkgs+=(libgtest-dev libgmock-dev googletest wrk nginx-light valgrind time) ;;
  # scripts/format.sh (clang-format 14) and scripts/tidy.sh (clang-tidy 16: 14 cannot parse
  # std::expected).
  lint) pkgs+=(libgtest-dev libgmock-dev googletest clang-format clang-tidy-16 python3) ;;
  *) echo "setup.sh: unknown profile '$what' (build, test, bench or lint)" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  # A tool already on PATH from elsewhere (node and npm on some images) counts as present.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
    python3) command -v python3 >/dev/null 2>&1 && continue ;;
  esac
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: missing packages: ${missing[*]}; run as root or install them" >&2
  exit 2
fi
echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
