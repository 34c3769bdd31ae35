#!/usr/bin/env bash
# Installs every Debian package the project needs to build, run and test.
# Idempotent: when everything is present it only checks and returns.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang-format curl python3
  libpoco-dev libssl-dev nettle-dev
  libsqlite3-dev sqlite3 libsqlitecpp-dev
  libsdl2-dev libimgui-dev libgl-dev libgles-dev libegl-dev
  libqrencode-dev libstb-dev libsystemd-dev libpng-dev libturbojpeg0-dev
  nlohmann-json3-dev catch2
  fonts-dejavu-core
  xvfb xauth xdotool x11-utils imagemagick zbar-tools
  libgl1-mesa-dri
  systemd stress-ng
  lintian procps
  chromium chromium-driver
)
# Node.js comes with the machine image (with npm 11); Debian's nodejs only if it is absent.
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The console's browser tests drive Debian's chromium with playwright-core from npm (the
# exact version in tests/console/package-lock.json; it downloads no browser of its own).
install_console_node_modules() {
  local console_dir
  console_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/console"
  if [ -f "$console_dir/package-lock.json" ] && [ ! -d "$console_dir/node_modules/playwright-core" ]; then
    echo "install-deps: npm ci in tests/console"
    (cd "$console_dir" && npm ci --no-audit --no-fund)
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  install_console_node_modules
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_console_node_modules
