#!/usr/bin/env bash
# Builds everything and runs the whole system on this machine: the station on loopback with
# its embedded SQLite and the default content, then the kiosk in a window enrolled against it.
# Installs missing Debian packages first. State lives in ./run (delete it to start over).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

run_dir=${WELLNESS_RUN_DIR:-$PWD/run}
port=${STATION_PORT:-8443}
station_url="https://127.0.0.1:${port}"
mkdir -p "$run_dir/station" "$run_dir/kiosk"
chmod 700 "$run_dir"
rm -f "$run_dir/station/port"

# HTTPS, as in production: the station makes its own certificate on first start.
./build/station-server/station-server serve --data "$run_dir/station" --bind 127.0.0.1 \
    --port "$port" >"$run_dir/station.out" 2>&1 &
station_pid=$!
xvfb_pid=""
cleanup() {
    kill "$station_pid" 2>/dev/null || true
    wait "$station_pid" 2>/dev/null || true
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 100); do
    [ -f "$run_dir/station/port" ] && break
    kill -0 "$station_pid" 2>/dev/null || { cat "$run_dir/station.out"; exit 1; }
    sleep 0.1
done
[ -f "$run_dir/station/port" ] || { cat "$run_dir/station.out"; exit 1; }
fingerprint=$(cat "$run_dir/station/fingerprint")
# curl trusts exactly the station's own certificate (it carries 127.0.0.1 among its names).
station_curl() { curl -fsS --cacert "$run_dir/station/tls/station-certificate.pem" "$@"; }

# The first start wrote the admin's password to a file only this user reads; it stays there
# until the password is changed in the console.
password_file="$run_dir/station/first-admin-password"
[ -f "$password_file" ] || { echo "no first admin password in $password_file (changed already?)"; exit 1; }
admin_password=$(cat "$password_file")

echo "Station:       $station_url (data in $run_dir/station)"
echo "Fingerprint:   SHA256 $fingerprint (compare it with what your browser shows)"
echo "Certificate:   $run_dir/station/tls/station-certificate.pem (import it to trust the station)"
echo "Admin console: $station_url/admin/   user: admin   password: $admin_password"
echo "Summaries:     $station_url/summary/ (create a coordinator token in the console)"

enroll_args=()
if [ ! -f "$run_dir/kiosk/token" ]; then
    token=$(station_curl -X POST -H 'Content-Type: application/json' \
        -d "{\"username\":\"admin\",\"password\":\"$admin_password\"}" \
        "$station_url/api/v1/admin/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    code=$(station_curl -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
        -d '{"name":"wellness room (local)"}' "$station_url/api/v1/admin/kiosks" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["enrollment_code"])')
    enroll_args=(--enroll "$code")
fi

if [ -z "${DISPLAY:-}" ]; then
    # No desktop here: give the kiosk a virtual screen so it still runs.
    export DISPLAY=:77
    Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    sleep 1
    echo "No DISPLAY: kiosk runs on the virtual display $DISPLAY"
fi
echo "Kiosk:         window 1280x720 (close it or press Ctrl+C to stop everything)"
./build/kiosk/app/wellness-kiosk --windowed 1280x720 --data "$run_dir/kiosk" \
    --station "$station_url" --fingerprint "$fingerprint" "${enroll_args[@]}"
