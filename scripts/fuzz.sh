#!/usr/bin/env bash
# Fuzzes every parser of hostile input with libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer (Debian's clang), SECONDS each, then runs the unit and integration
# tests of core, the station and the kiosk's sync library under the same sanitizers. Seeds come
# from tests/fuzz/corpus/<target>; what the fuzzer finds new is kept in the build tree, never
# written back. Exits non-zero on the first finding.
#
#   scripts/fuzz.sh [SECONDS]     default 30
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
[[ "$seconds" =~ ^[1-9][0-9]{0,5}$ ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }

bash scripts/install-deps.sh
build_dir=${WELLNESS_FUZZ_BUILD_DIR:-build-fuzz}
targets=(content counts_batch summary image manifest stations_file station_config kiosk_config
  fingerprint request_head)
# The kiosk's window program is not built here, only its libraries (sync, flow) and their tests.
# -O1 and line tables only, as the sanitizers' own docs advise: readable stacks, and a build
# much quicker than -O2 -g on CI's two cores.
cmake -S . -B "$build_dir" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWELLNESS_WERROR=ON -DWELLNESS_SANITIZE=ON \
  -DWELLNESS_FUZZ=ON -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target core_tests station_tests kiosk_sync_tests \
  "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$build_dir/fuzz-findings" "$build_dir/fuzz-logs"
# One target per core at a time; each still gets its whole SECONDS of CPU.
fuzz_one() {
  local target=$1 corpus="$build_dir/fuzz-corpus/$1"
  mkdir -p "$corpus"
  "$build_dir/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 \
    -artifact_prefix="$build_dir/fuzz-findings/$target-" -print_final_stats=1 \
    "$corpus" "tests/fuzz/corpus/$target" >"$build_dir/fuzz-logs/$target.log" 2>&1 || true
}
running=0
for target in "${targets[@]}"; do
  fuzz_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$(nproc)" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
for target in "${targets[@]}"; do
  echo "=== fuzz_$target for ${seconds} s ==="
  grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units|ERROR|SUMMARY|Test unit written" \
    "$build_dir/fuzz-logs/$target.log" || true
  if compgen -G "$build_dir/fuzz-findings/$target-*" >/dev/null; then
    echo "=== fuzz_$target found a crash: $(ls "$build_dir"/fuzz-findings/"$target"-*) ===" >&2
    tail -n 60 "$build_dir/fuzz-logs/$target.log" >&2
    exit 1
  fi
done
# The unit and integration suites of core, the station (against the real server on loopback)
# and the kiosk's sync library under the same sanitizers. The kiosk's window and the browser
# tests (Xvfb, Chromium) are left to the normal build: they test drawing, not parsing or memory.
# Side by side, one per core as the fuzzers ran; each one's output is shown whole when it ends.
suites=(core/core_tests station/station_tests kiosk/sync/kiosk_sync_tests)
declare -A suite_pid
for suite in "${suites[@]}"; do
  "$build_dir/tests/$suite" >"$build_dir/fuzz-logs/${suite##*/}.log" 2>&1 &
  suite_pid[$suite]=$!
done
failed=0
for suite in "${suites[@]}"; do
  if wait "${suite_pid[$suite]}"; then
    echo "=== ${suite##*/} under ASan + UBSan: $(tail -n 2 "$build_dir/fuzz-logs/${suite##*/}.log" | tr -s '\n' ' ') ==="
  else
    echo "=== ${suite##*/} under ASan + UBSan FAILED ===" >&2
    cat "$build_dir/fuzz-logs/${suite##*/}.log" >&2
    failed=1
  fi
done
[ "$failed" -eq 0 ] || exit 1
echo "=== fuzzing: ${#targets[@]} targets, ${seconds} s each, no findings ==="
