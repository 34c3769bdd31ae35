#!/usr/bin/env bash
# Builds everything warning-free and runs every test (unit, integration, browser, kiosk
# under Xvfb). Installs missing Debian packages first. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build_dir=${WELLNESS_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DWELLNESS_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build_dir" -j"$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)" --timeout 600
