#!/usr/bin/env bash
# Side-by-side benchmark of the real kiosk against its floor, under one Xvfb, in alternating
# rounds (kiosk, floor, Chromium; kiosk, floor, Chromium; ...) so load on the machine falls on
# all three alike. Prints every figure of every round, then the medians and the ratios.
#
#   scripts/bench-kiosk.sh [--build DIR] [--rounds N] [--seconds S] [--size WxH] [--no-chromium]
#                          [--smoke]
# --smoke (the test suite's quick run): one round of 1 s windows, no Chromium, no --bench run;
# fails unless every figure of the kiosk and the floor came out.
#
# The three programs:
#   kiosk     build/kiosk/app/wellness-kiosk with the default content and a throw-away data dir
#   floor     Dear ImGui's stock example_sdl_opengl3 (Debian's libimgui-dev sources) built here
#             against the same libimgui.a and SDL2; two changes, both by sed on a copy: its
#             window is the benchmark's size, and with BENCH_FIRST_FRAME_EXIT set it leaves its
#             loop after the first swap
#   chromium  Debian's chromium in --kiosk mode on a page as close to the kiosk's Attract as
#             CSS gets: one breathing circle and one line of text, still (idle) or animated
# Figures (each program alone on the display):
#   first frame and exit   process start to its first frame drawn and the process gone (the
#                          kiosk: --first-frame-exit; the floor: BENCH_FIRST_FRAME_EXIT, both
#                          leave their loop after the first swap;
#                          Chromium: a console line from the second requestAnimationFrame, then
#                          SIGTERM); Chromium's start to first frame is printed too
#   PSS                    summed over the program's processes (/proc/PID/smaps_rollup), after
#                          the idle window
#   CPU idle / animated    % of one core over --seconds: the kiosk on Home (idle) and Attract (its
#                          circle breathing at up to 10 fps, over two whole breaths: 20 s);
#                          Chromium's still and animated page (the same 20 s); the floor draws
#                          every frame whatever it shows, so it has one figure
#   breathing frames       the kiosk's own --bench (kiosk/app/bench.cpp): frame p50 / p99 over
#                          600 frames of a breathing session, once after the rounds
# Renderer: Mesa llvmpipe (LIBGL_ALWAYS_SOFTWARE=1) for the kiosk and the floor; Chromium picks
# its own software path. Not part of the test suite: it runs for minutes and its figures depend
# on the machine.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
rounds=3
seconds=5
# Attract is measured over whole breaths (10 s each, every locale's line once): a shorter window
# catches an arbitrary part of the circle's cycle, whose frames cost unlike amounts.
attract_seconds=20
size=1920x1080
with_chromium=1
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
  --build) build="$2"; shift 2 ;;
  --rounds) rounds="$2"; shift 2 ;;
  --seconds) seconds="$2"; shift 2 ;;
  --size) size="$2"; shift 2 ;;
  --no-chromium) with_chromium=0; shift ;;
  --smoke) smoke=1 rounds=1 seconds=1 attract_seconds=1 with_chromium=0; shift ;;
  *) echo "usage: $0 [--build DIR] [--rounds N] [--seconds S] [--size WxH] [--no-chromium] [--smoke]" >&2
     exit 2 ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || { echo "--rounds: 1 to 99" >&2; exit 2; }
[[ "$seconds" =~ ^[1-9][0-9]?$ ]] || { echo "--seconds: 1 to 99" >&2; exit 2; }
[[ "$size" =~ ^([1-9][0-9]{2,3})x([1-9][0-9]{2,3})$ ]] || { echo "--size: WxH" >&2; exit 2; }
width="${BASH_REMATCH[1]}" height="${BASH_REMATCH[2]}"

kiosk="$build/kiosk/app/wellness-kiosk"
[ -x "$kiosk" ] || { echo "no $kiosk: cmake --build $build --target wellness-kiosk" >&2; exit 1; }
examples=/usr/share/doc/libimgui-dev/examples
[ -f "$examples/example_sdl_opengl3/main.cpp" ] || { echo "no libimgui-dev examples" >&2; exit 1; }
for tool in Xvfb xdotool python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool (scripts/install-deps.sh)" >&2; exit 1; }
done
if [ "$with_chromium" = 1 ] && ! command -v chromium >/dev/null; then
  echo "no chromium: install it or pass --no-chromium" >&2; exit 1
fi

work="$(mktemp -d /tmp/bench-kiosk.XXXXXX)"
pids_to_stop=()
cleanup() {
  for pid in "${pids_to_stop[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# ------------------------------------------------------------------ the floor
floor_dir="$build/bench-floor"
floor="$floor_dir/example_sdl_opengl3"
mkdir -p "$floor_dir"
sed -e "s/SDL_WINDOWPOS_CENTERED, 1280, 720,/SDL_WINDOWPOS_CENTERED, $width, $height,/" \
    -e 's/^\(\s*\)SDL_GL_SwapWindow(window);/&\n\1if (getenv("BENCH_FIRST_FRAME_EXIT")) done = true;/' \
    "$examples/example_sdl_opengl3/main.cpp" > "$floor_dir/main.cpp"
grep -q "BENCH_FIRST_FRAME_EXIT" "$floor_dir/main.cpp" || { echo "cannot patch the example" >&2; exit 1; }
grep -q "$width, $height," "$floor_dir/main.cpp" || { echo "cannot size the example" >&2; exit 1; }
if [ ! -x "$floor" ] || [ "$floor_dir/main.cpp" -nt "$floor" ]; then
  # shellcheck disable=SC2046 # pkg-config prints several words on purpose
  g++ -O2 -o "$floor" "$floor_dir/main.cpp" -I/usr/include/imgui/backends -include cstdlib \
      $(pkg-config --cflags --libs imgui sdl2) -lGL -ldl
fi

# ------------------------------------------------------------------ the page
page="$work/breathe.html"
cat > "$page" <<'HTML'
<!doctype html>
<html><head><meta charset="utf-8"><title>Wellness room</title><style>
html, body { margin: 0; height: 100%; background: #f3f0e8; color: #1f2a30;
             font-family: "DejaVu Sans", sans-serif; overflow: hidden; }
body { display: flex; flex-direction: column; align-items: center; justify-content: center; }
.circle { width: 44vmin; height: 44vmin; border-radius: 50%; background: #5f8f8a;
          transform: scale(0.35); }
.animate .circle { animation: breathe 10s ease-in-out infinite; }
@keyframes breathe { 0%, 100% { transform: scale(0.35); } 50% { transform: scale(1); } }
p { font-size: 5vmin; font-weight: bold; margin-top: 4vmin; }
</style></head>
<body><div class="circle"></div><p>Take a moment. Tap anywhere to begin.</p>
<script>
if (location.hash === "#animate") document.body.className = "animate";
requestAnimationFrame(() => requestAnimationFrame(() => console.log("bench-first-frame")));
</script></body></html>
HTML

# ------------------------------------------------------------------ the display
# -noreset: by default Xvfb resets when its last client leaves, and a program started during
# the reset finds no display (SDL then falls back to its offscreen driver).
Xvfb -displayfd 3 -screen 0 "${width}x${height}x24" -nolisten tcp -noreset 3>"$work/display" \
  2>"$work/xvfb.log" &
pids_to_stop+=($!)
for _ in $(seq 1 500); do
  [ -s "$work/display" ] && break
  sleep 0.01
done
[ -s "$work/display" ] || { echo "Xvfb did not start" >&2; exit 1; }
DISPLAY=":$(head -n1 "$work/display")"
export DISPLAY
export LIBGL_ALWAYS_SOFTWARE=1 SDL_AUDIODRIVER=dummy

# ------------------------------------------------------------------ measuring
clock_ticks="$(getconf CLK_TCK)"
now_ns() { date +%s%N; }
descendants() { # PID: it and every process under it
  local pid="$1" child
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do descendants "$child"; done
}
cpu_ticks() { # ROOT_PID: utime + stime summed over its process tree
  local total=0 pid stat pids
  mapfile -t pids < <(descendants "$1")
  for pid in "${pids[@]}"; do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    stat="${stat##*) }"
    # shellcheck disable=SC2086 # split the fields on purpose
    set -- $stat
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}
pss_mb() { # ROOT_PID: PSS summed over its process tree, in MB
  local total=0 pid kb pids
  mapfile -t pids < <(descendants "$1")
  for pid in "${pids[@]}"; do
    kb="$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null)" || continue
    total=$((total + ${kb:-0}))
  done
  awk -v kb="$total" 'BEGIN { printf "%.1f", kb / 1024 }'
}
cpu_percent() { # ROOT_PID [SECONDS]: % of one core over SECONDS ($seconds), its whole process tree
  local before after window="${2:-$seconds}"
  before="$(cpu_ticks "$1")"
  sleep "$window"
  after="$(cpu_ticks "$1")"
  awk -v d="$((after - before))" -v hz="$clock_ticks" -v s="$window" \
    'BEGIN { printf "%.1f", 100 * d / hz / s }'
}
wait_for_window() { # NAME PID LOG: until a window of that name is mapped (at most 60 s)
  for _ in $(seq 1 600); do
    xdotool search --onlyvisible --name "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "no window '$1'; the end of its log:" >&2
  tail -n 20 "$3" >&2
  return 1
}
stop() { # PID: SIGTERM, then until it is gone (at most 30 s; Chromium is not our child)
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 3000); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.01
  done
  wait "$1" 2>/dev/null || true
}
seconds_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
record() { echo "$1 $2" >> "$work/figures"; printf '  %-34s %s\n' "$1" "$2"; }

# shellcheck disable=SC2054 # the commas are inside flag values
chromium_flags=(--kiosk --no-first-run --no-default-browser-check --no-sandbox
  --disable-sync --disable-background-networking --disable-component-update
  --disable-features=Translate,MediaRouter --password-store=basic --noerrdialogs
  --window-size="$width,$height" --window-position=0,0 --enable-logging=stderr --v=0)

kiosk_round() {
  local start pid
  start="$(now_ns)"
  "$kiosk" --windowed "$size" --data "$work/kiosk-data" --first-frame-exit >/dev/null 2>&1
  record kiosk.first_frame_and_exit_s "$(seconds_since "$start")"
  "$kiosk" --windowed "$size" --data "$work/kiosk-data" >"$work/kiosk.log" 2>&1 &
  pid=$!
  pids_to_stop+=("$pid")
  wait_for_window "Wellness room" "$pid" "$work/kiosk.log"
  sleep 2
  record kiosk.cpu_animated_attract_pct "$(cpu_percent "$pid" "$attract_seconds")"
  xdotool mousemove $((width / 2)) $((height * 2 / 3)) click 1
  sleep 2
  record kiosk.cpu_idle_home_pct "$(cpu_percent "$pid")"
  record kiosk.pss_mb "$(pss_mb "$pid")"
  stop "$pid"
}

floor_round() {
  local start pid
  start="$(now_ns)"
  # In the work directory: the example writes its imgui.ini where it runs.
  (cd "$work" && BENCH_FIRST_FRAME_EXIT=1 exec "$floor") >/dev/null 2>&1
  record floor.first_frame_and_exit_s "$(seconds_since "$start")"
  (cd "$work" && exec "$floor") >"$work/floor.log" 2>&1 &
  pid=$!
  pids_to_stop+=("$pid")
  wait_for_window "Dear ImGui" "$pid" "$work/floor.log"
  sleep 2
  record floor.cpu_every_frame_pct "$(cpu_percent "$pid")"
  record floor.pss_mb "$(pss_mb "$pid")"
  stop "$pid"
}

chromium_run() { # PROFILE HASH: starts Chromium, echoes its pid once the first frame is drawn
  local profile="$1" hash="$2" log="$work/chromium-$2.log" pid
  rm -rf "$profile"
  : > "$log"
  chromium "${chromium_flags[@]}" --user-data-dir="$profile" "file://$page#$hash" \
    >/dev/null 2>"$log" &
  pid=$!
  for _ in $(seq 1 3000); do
    grep -q "bench-first-frame" "$log" && break
    sleep 0.01
  done
  grep -q "bench-first-frame" "$log" || { echo "Chromium drew no frame" >&2; return 1; }
  echo "$pid"
}

chromium_round() {
  local start pid
  start="$(now_ns)"
  pid="$(chromium_run "$work/chromium-profile" still)"
  pids_to_stop+=("$pid")
  record chromium.first_frame_s "$(seconds_since "$start")"
  stop "$pid"
  record chromium.first_frame_and_exit_s "$(seconds_since "$start")"
  pid="$(chromium_run "$work/chromium-profile" still)"
  pids_to_stop+=("$pid")
  sleep 2
  record chromium.cpu_idle_still_pct "$(cpu_percent "$pid")"
  record chromium.pss_mb "$(pss_mb "$pid")"
  stop "$pid"
  pid="$(chromium_run "$work/chromium-profile" animate)"
  pids_to_stop+=("$pid")
  sleep 2
  record chromium.cpu_animated_pct "$(cpu_percent "$pid" "$attract_seconds")"
  stop "$pid"
}

echo "bench-kiosk: $size, $rounds rounds, ${seconds}s windows, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  echo "round $round"
  kiosk_round
  floor_round
  [ "$with_chromium" = 1 ] && chromium_round
done
if [ "$smoke" = 1 ]; then
  for figure in kiosk.first_frame_and_exit_s kiosk.cpu_animated_attract_pct \
                kiosk.cpu_idle_home_pct kiosk.pss_mb floor.first_frame_and_exit_s \
                floor.cpu_every_frame_pct floor.pss_mb; do
    grep -Eq "^$figure [0-9]+(\.[0-9]+)?$" "$work/figures" || { echo "no $figure" >&2; exit 1; }
  done
  : > "$work/kiosk-bench.jsonl"
else
  echo "kiosk --bench (breathing session, 600 frames)"
  "$kiosk" --bench --windowed "$size" --data "$work/kiosk-bench-data" 2>/dev/null |
    tee "$work/kiosk-bench.jsonl" | sed 's/^/  /'
fi

python3 - "$work/figures" "$work/kiosk-bench.jsonl" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, statistics, sys
figures = {}
for line in open(sys.argv[1]):
    name, value = line.split()
    figures.setdefault(name, []).append(float(value))
median = {name: statistics.median(values) for name, values in figures.items()}
bench = {}
for line in open(sys.argv[2]):
    try:
        row = json.loads(line)
    except ValueError:
        continue
    bench[row.get("metric")] = row
def get(name):
    return median.get(name)
def ratio(a, b):
    return f"x{a / b:.2f}" if a is not None and b else "-"
def show(value, unit):
    return "-" if value is None else f"{value:g} {unit}"
rows = [
    ("first frame and exit", "kiosk.first_frame_and_exit_s", "floor.first_frame_and_exit_s",
     "chromium.first_frame_and_exit_s", "s"),
    ("PSS", "kiosk.pss_mb", "floor.pss_mb", "chromium.pss_mb", "MB"),
    ("CPU idle (Home / still page)", "kiosk.cpu_idle_home_pct", "floor.cpu_every_frame_pct",
     "chromium.cpu_idle_still_pct", "%"),
    ("CPU animated (Attract / animated page)", "kiosk.cpu_animated_attract_pct",
     "floor.cpu_every_frame_pct", "chromium.cpu_animated_pct", "%"),
]
print(f"\nmedians of {len(figures.get('kiosk.pss_mb', []))} rounds (load average at the end "
      f"{sys.argv[3]}); ratios are the kiosk's figure over the other's\n")
print("| figure | kiosk | floor (example_sdl_opengl3) | kiosk / floor | Chromium | kiosk / Chromium |")
print("| --- | --- | --- | --- | --- | --- |")
for label, k, f, c, unit in rows:
    print(f"| {label} | {show(get(k), unit)} | {show(get(f), unit)} | {ratio(get(k), get(f))} "
          f"| {show(get(c), unit)} | {ratio(get(k), get(c))} |")
if get("chromium.first_frame_s") is not None:
    print(f"\nChromium start to first frame alone: {get('chromium.first_frame_s'):g} s")
frames = bench.get("breathing_frame_ms")
if frames:
    print(f"kiosk breathing frames ({frames['frames']} at {frames['resolution']}, "
          f"{frames['renderer']}): p50 {frames['p50']} ms, p99 {frames['p99']} ms")
PY
