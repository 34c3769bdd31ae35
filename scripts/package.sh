#!/usr/bin/env bash
# Builds the Debian packages wellness-station and wellness-kiosk from this checkout, in its own
# build directory (build-package, or WELLNESS_PACKAGE_BUILD_DIR), and checks them with lintian.
# Installs missing Debian packages first, so it works from a fresh clone. RelWithDebInfo, the
# build the suite tests; cpack strips the programs.
#
#   scripts/package.sh        -> build-package/packages/wellness-{station,kiosk}_VERSION_ARCH.deb
#   apt install ./build-package/packages/wellness-station_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
build_dir=${WELLNESS_PACKAGE_BUILD_DIR:-build-package}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWELLNESS_WERROR=ON -DWELLNESS_BUILD_TESTS=OFF
cmake --build "$build_dir" -j"$(nproc)" --target station-server station-rollup wellness-kiosk
rm -rf "$build_dir/packages"
(cd "$build_dir" && cpack -G DEB --config CPackConfig.cmake)
lintian --fail-on error "$build_dir"/packages/*.deb
ls -l "$build_dir"/packages/*.deb
