#!/usr/bin/env bash
# Re-takes the README's screenshots of the admin console and the summary page
# (images/console-*.png, images/summary-*.png), at desktop and phone widths, by running the
# browser tests with CONSOLE_SCREENSHOTS_DIR set. Usage: tests/console/make-screenshots.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
server="$(find "$build" -type f -name station-server -perm -u+x | head -n 1)"
if [ -z "$server" ]; then
  echo "make-screenshots: no station-server under $build; build it first" >&2
  exit 1
fi
cd "$here"
CONSOLE_SCREENSHOTS_DIR="$root/images" STATION_SERVER="$server" WEB_DIR="$root/station-server/web" \
  node --test --test-concurrency=1 browser/console.test.mjs browser/summary.test.mjs browser/phone.test.mjs
