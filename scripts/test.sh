#!/usr/bin/env bash
# Builds everything warning-free and runs every test (unit, integration, browser, kiosk
# under Xvfb). Installs missing Debian packages first. Used by .ci/run.
#
#   scripts/test.sh              build, then run the whole suite once
#   scripts/test.sh --stress N   build, then run the whole suite N times in a row with both
#                                cores kept busy by stress-ng, stopping at the first failure:
#                                a test that depends on timing fails here, not in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

stress_runs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --stress)
      [ $# -ge 2 ] && [[ "$2" =~ ^[1-9][0-9]{0,2}$ ]] || {
        echo "usage: $0 [--stress N]   (N from 1 to 999)" >&2
        exit 2
      }
      stress_runs=$2
      shift 2
      ;;
    *)
      echo "usage: $0 [--stress N]" >&2
      exit 2
      ;;
  esac
done

bash scripts/install-deps.sh
build_dir=${WELLNESS_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DWELLNESS_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build_dir" -j"$(nproc)"

run_suite() {
  ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)" --timeout 600
}

if [ "$stress_runs" -eq 0 ]; then
  # Every parser of hostile input under libFuzzer with ASan + UBSan, 30 s each, and core's
  # unit tests under the same sanitizers; then the whole suite, whose summary closes the run.
  bash scripts/fuzz.sh 30
  run_suite
  exit 0
fi

# One CPU hog per core for as long as the runs take; it ends with this script.
stress-ng --cpu "$(nproc)" --cpu-method matrixprod --quiet --timeout 0 &
hog=$!
trap 'kill "$hog" 2>/dev/null || true; wait "$hog" 2>/dev/null || true' EXIT
for run in $(seq 1 "$stress_runs"); do
  echo "=== stress run $run of $stress_runs (both cores loaded by stress-ng) ==="
  started=$SECONDS
  if ! run_suite; then
    echo "=== stress run $run of $stress_runs FAILED after $((SECONDS - started)) s ==="
    exit 1
  fi
  echo "=== stress run $run of $stress_runs passed in $((SECONDS - started)) s ==="
done
echo "=== $stress_runs of $stress_runs stress runs passed ==="
