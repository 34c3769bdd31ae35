#!/usr/bin/env bash
# The Debian packages as an admin meets them: cpack makes both .debs from this build tree,
# lintian finds no error in them, dpkg installs them, the installed station runs from its
# unit's own ExecStart line (as the unit's user, on a free port) and serves /healthz and the
# console, then dpkg removes and purges them and nothing of them is left on the machine.
# No systemd needed. Needs root (dpkg); exits 77 (ctest: skipped) without it or when the
# packages or their users or directories are on this machine already, which it must not touch.
#   package_test.sh BUILD_DIR WORK_DIR CPACK
set -euo pipefail

build_dir=$1
work=$2
cpack=$3
packages=(wellness-station wellness-kiosk)
units=(station-server.service wellness-kiosk.service)
users=(wellness-station wellness-kiosk)
state_dirs=(/var/lib/station-server /var/lib/wellness-kiosk)
config_dirs=(/etc/station-server /etc/wellness-kiosk)
unit_dir=/usr/lib/systemd/system

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
skip() {
    echo "skipped: $*"
    exit 77
}

[ "$(id -u)" = 0 ] || skip "installing packages needs root"
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [ -z "$status" ] || [ "$status" = not-installed ] ||
        skip "$package is on this machine ($status); this test would purge it"
done
for user in "${users[@]}"; do
    ! getent passwd "$user" >/dev/null || skip "user $user exists; this test would delete it"
done
for dir in "${state_dirs[@]}" "${config_dirs[@]}"; do
    [ ! -e "$dir" ] || skip "$dir exists; this test would delete it"
done

station_pid=""
installed=no
cleanup() {
    local status=$?
    if [ -n "$station_pid" ] && kill -0 "$station_pid" 2>/dev/null; then
        kill -TERM "$station_pid" 2>/dev/null || true
        wait "$station_pid" 2>/dev/null || true
    fi
    if [ "$installed" = yes ]; then
        dpkg --purge "${packages[@]}" >/dev/null 2>&1 || true
    fi
    exit "$status"
}
trap cleanup EXIT
# ctest's timeout sends SIGTERM: exit through the cleanup above.
trap 'exit 143' TERM INT

rm -rf "$work"
mkdir -p "$work"

echo "== cpack -G DEB on $build_dir"
"$cpack" -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/debs" >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log"; fail "cpack failed"; }
debs=()
for package in "${packages[@]}"; do
    deb=$(find "$work/debs" -maxdepth 1 -name "${package}_*.deb" | head -n 1)
    [ -n "$deb" ] || fail "cpack made no ${package}_*.deb: $(ls "$work/debs")"
    debs+=("$deb")
done

echo "== what is in the packages"
for deb in "${debs[@]}"; do
    contents=$(dpkg-deb --contents "$deb")
    # The station's key, password and database are made by its first start, never shipped.
    if grep -E ' \./var/' <<<"$contents"; then fail "$(basename "$deb") ships state under /var"; fi
    dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$work/conffiles"
    [ -s "$work/conffiles" ] || fail "$(basename "$deb") declares no conffiles"
    while read -r conffile; do
        grep -q " \.$conffile\$" <<<"$contents" || fail "conffile $conffile is not in $(basename "$deb")"
    done <"$work/conffiles"
done

echo "== lintian"
lintian_status=0
lintian --fail-on error --tag-display-limit 0 "${debs[@]}" >"$work/lintian.log" 2>&1 ||
    lintian_status=$?
cat "$work/lintian.log"
[ "$lintian_status" = 0 ] || fail "lintian reports errors"

echo "== dpkg --install"
installed=yes
dpkg --install "${debs[@]}" >"$work/dpkg-install.log" 2>&1 ||
    { cat "$work/dpkg-install.log"; fail "dpkg --install failed"; }
: >"$work/installed-paths"
for package in "${packages[@]}"; do
    dpkg-query -L "$package" >>"$work/installed-paths"
done

for i in 0 1; do
    user=${users[$i]}
    unit=${units[$i]}
    [ "$(getent passwd "$user" | cut -d: -f6)" = "${state_dirs[$i]}" ] ||
        fail "user $user has not ${state_dirs[$i]} as its home: $(getent passwd "$user")"
    [ "$(stat -c '%U %a' "${state_dirs[$i]}")" = "$user 700" ] ||
        fail "${state_dirs[$i]} is $(stat -c '%U %a' "${state_dirs[$i]}"), not $user 700"
    config_file=$(find "${config_dirs[$i]}" -maxdepth 1 -type f | head -n 1)
    [ "$(stat -c '%U %G %a' "$config_file")" = "root $user 640" ] ||
        fail "$config_file is $(stat -c '%U %G %a' "$config_file"), not root $user 640"
    [ -L "/etc/systemd/system/multi-user.target.wants/$unit" ] || fail "$unit is not enabled"
    ! pgrep -u "$user" >/dev/null || fail "something runs as $user right after the install"
done

# The nightly backup's timer is enabled with the station, and not started either.
backup_timer=/etc/systemd/system/timers.target.wants/station-server-backup.timer
[ -L "$backup_timer" ] || fail "station-server-backup.timer is not enabled"

echo "== the installed station, from its unit's ExecStart line"
unit_file=$unit_dir/station-server.service
unit_value() { sed -n "s/^$1=//p" "$unit_file"; }
[ "$(unit_value ExecStart | wc -l)" = 1 ] || fail "$unit_file has not exactly one ExecStart"
exec_start=$(unit_value ExecStart)
# The line is split on blanks the way systemd splits an unquoted line; a prefix (+, -, ...)
# or quoting would need systemd's own parser, so it is refused here rather than misread.
[[ "$exec_start" =~ ^/[^\"\'\$%]*$ ]] || fail "this test cannot split ExecStart=$exec_start"
read -r -a command <<<"$exec_start"
user=$(unit_value User)
group=$(unit_value Group)
umask_value=$(unit_value UMask)
state_dir=${state_dirs[0]}
if [ -z "$user" ] || [ -z "$group" ] || [ -z "$umask_value" ]; then
    fail "$unit_file lacks User, Group or UMask"
fi
# --port 0: any free port; the station writes the one it got to its state directory.
(
    cd /
    umask "$umask_value"
    exec setpriv --reuid="$user" --regid="$group" --init-groups --no-new-privs \
        --inh-caps=-all --bounding-set=-all -- "${command[@]}" --port 0
) >"$work/station.log" 2>&1 &
station_pid=$!
port=""
for _ in $(seq 1 1200); do
    if [ -s "$state_dir/port" ]; then
        port=$(cat "$state_dir/port")
        break
    fi
    kill -0 "$station_pid" 2>/dev/null || { cat "$work/station.log"; fail "the station exited"; }
    sleep 0.1
done
[[ "$port" =~ ^[0-9]+$ ]] || { cat "$work/station.log"; fail "no port file from the station"; }
certificate=$state_dir/tls/station-certificate.pem
fetch() {
    curl --silent --show-error --fail --max-time 60 --cacert "$certificate" \
        "https://127.0.0.1:$port$1"
}
health=$(fetch /healthz) || fail "GET /healthz failed"
grep -q '"status": *"ok"' <<<"$health" || fail "/healthz says $health"
fetch /admin/ >"$work/console.html" || fail "GET /admin/ failed"
cmp -s "$work/console.html" /usr/share/wellness-station/web/admin/index.html ||
    fail "/admin/ is not the installed console page"

# The first start made the station's secrets, owned and readable by its user only, and no
# package claims them.
for secret in tls/station.pem first-admin-password station.sqlite3; do
    [ "$(stat -c '%U %a' "$state_dir/$secret")" = "$user 600" ] ||
        fail "$state_dir/$secret is $(stat -c '%U %a' "$state_dir/$secret"), not $user 600"
    ! dpkg-query -S "$state_dir/$secret" >/dev/null 2>&1 || fail "a package claims $secret"
done

kill -TERM "$station_pid"
station_status=0
wait "$station_pid" || station_status=$?
station_pid=""
[ "$station_status" = 0 ] || { cat "$work/station.log"; fail "the station stopped with $station_status"; }

echo "== dpkg --remove: programs gone, settings and state kept"
dpkg --remove "${packages[@]}" >"$work/dpkg-remove.log" 2>&1 ||
    { cat "$work/dpkg-remove.log"; fail "dpkg --remove failed"; }
for program in /usr/bin/station-server /usr/bin/wellness-kiosk "$unit_dir/station-server.service"; do
    [ ! -e "$program" ] || fail "$program is still there after dpkg --remove"
done
[ -e "$state_dir/station.sqlite3" ] || fail "dpkg --remove deleted the station's database"
for dir in "${config_dirs[@]}"; do
    [ -n "$(find "$dir" -maxdepth 1 -type f)" ] || fail "dpkg --remove deleted the settings in $dir"
done

echo "== dpkg --purge: nothing left"
dpkg --purge "${packages[@]}" >"$work/dpkg-purge.log" 2>&1 ||
    { cat "$work/dpkg-purge.log"; fail "dpkg --purge failed"; }
installed=no
while read -r path; do
    [ -e "$path" ] || [ -L "$path" ] || continue
    # A directory also owned by other packages (/usr/bin, /usr/share/doc, ...) stays.
    if [ -d "$path" ] && [ ! -L "$path" ] && dpkg-query -S "$path" >/dev/null 2>&1; then continue; fi
    fail "$path is left after dpkg --purge"
done <"$work/installed-paths"
for i in 0 1; do
    for left in "${state_dirs[$i]}" "/var/lib/private/$(basename "${state_dirs[$i]}")" \
        "${config_dirs[$i]}" "/etc/systemd/system/${units[$i]}" \
        "/etc/systemd/system/multi-user.target.wants/${units[$i]}"; do
        if [ -e "$left" ] || [ -L "$left" ]; then fail "$left is left after dpkg --purge"; fi
    done
    ! getent passwd "${users[$i]}" >/dev/null || fail "user ${users[$i]} is left after dpkg --purge"
    ! getent group "${users[$i]}" >/dev/null || fail "group ${users[$i]} is left after dpkg --purge"
    [ -z "$(find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
        -name "${units[$i]}*" 2>/dev/null)" ] || fail "deb-systemd-helper still tracks ${units[$i]}"
done
if [ -e "$backup_timer" ] || [ -L "$backup_timer" ]; then
    fail "$backup_timer is left after dpkg --purge"
fi
! dpkg-statoverride --list | grep -qE ' /etc/(station-server|wellness-kiosk)/' ||
    fail "a dpkg-statoverride is left after dpkg --purge"
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [ -z "$status" ] || [ "$status" = not-installed ] || fail "$package is $status after dpkg --purge"
done
echo "both packages installed, served, removed and purged with nothing left"
