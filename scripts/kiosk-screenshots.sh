#!/usr/bin/env bash
# Regenerates the kiosk screenshots in images/ from the real kiosk under Xvfb, driven by
# --script (real SDL input events), in English and Spanish.
#   scripts/kiosk-screenshots.sh [path/to/wellness-kiosk] [output-dir]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
kiosk="${1:-$root/build/kiosk/app/wellness-kiosk}"
out="${2:-$root/images}"
size="${KIOSK_SCREENSHOT_SIZE:-1280x720}"
# Landscape at $size, then a portrait wall panel (1080x1920) as name-LOCALE-portrait.png.
variants="${KIOSK_SCREENSHOT_VARIANTS:-$size: 1080x1920:-portrait}"
[ -x "$kiosk" ] || { echo "no kiosk binary at $kiosk (build the wellness-kiosk target)" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "xvfb-run is missing (package xvfb)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
# The first exercise and provider of the bundled content.
read -r exercise provider level < <(python3 - "$root/content/default-content.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
print(doc["exercises"][0]["id"], doc["providers"][0]["id"], doc["checkin"]["levels"][-1]["id"])
PY
)
# A level between healthy and the most serious: its suggestions are not headed by crisis lines.
card_level="$(python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))["checkin"]["levels"]; print(l[1]["id"] if len(l) > 1 else l[0]["id"])' "$root/content/default-content.json")"
help_idle_ms="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(max(d.get("help_idle_timeout_seconds", 180), d["idle_timeout_seconds"]) * 1000 + 500)' "$root/content/default-content.json")"
# core's plan_session: a one-minute session of the first exercise is a whole number of cycles.
session_ms="$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["exercises"][0]; c=sum(round(p["seconds"]*1000) for p in e["phases"]); print(max(1, (60000 + c // 2) // c) * c)' "$root/content/default-content.json")"
# A topic card with a take-home link, the topic it fits and a peer-support team with an on-call
# number, for the cards' screens (empty when the content has none).
read -r card card_topic peer < <(python3 - "$root/content/default-content.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
cards = [c for c in doc.get("topic_cards", []) if c.get("take_home_url")]
peers = [p["id"] for p in doc.get("providers", []) if p["kind"] == "peer-support" and p.get("phone_24h")]
print(cards[0]["id"] if cards else "-", cards[0]["topics"][0] if cards else "-", peers[0] if peers else "-")
PY
)
first_topic="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); t=d["checkin"]["topics"]; print(t[0]["id"] if t else "")' "$root/content/default-content.json")"

for variant in $variants; do
size="${variant%%:*}" suffix="${variant#*:}"
for locale in en es; do
  script="$work/$locale$suffix.script"
  {
    # The attract circle half way into its breath, during this locale's turn of the line
    # (each locale for one 10 s breath: the default first, then the others in content order).
    turn="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); o=[d["default_locale"]]+[l["id"] for l in d["locales"] if l["id"]!=d["default_locale"]]; print(o.index(sys.argv[2]))' "$root/content/default-content.json" "$locale")"
    echo "advance-ms $((2500 + 10000 * turn))"
    echo "screenshot $out/attract-$locale$suffix.png"
    echo "tap attract.tap"
    echo "tap home.lang.$locale"
    echo "screenshot $out/home-$locale$suffix.png"
    echo "tap home.breathe"
    echo "tap breathe.exercise.$exercise"
    echo "screenshot $out/breathe-length-$locale$suffix.png"
    echo "tap breathe.length.1"
    echo "expect-screen rating_before"
    echo "screenshot $out/rating-before-$locale$suffix.png"
    echo "tap rating.value.7"
    echo "advance-ms 2000"
    echo "wait-frames 2"
    echo "screenshot $out/breathe-$locale$suffix.png"
    # The rest of the one-minute session; it outlasts the idle time, so "Still there?" is up.
    echo "advance-ms $((session_ms - 2000))"
    echo "wait-frames 2"
    echo "touch still_there.stay"
    echo "expect-screen rating_after"
    echo "screenshot $out/rating-after-$locale$suffix.png"
    echo "tap rating.value.4"
    echo "expect-widget breathe.rating_change"
    echo "screenshot $out/rating-change-$locale$suffix.png"
    echo "tap chrome.done"
    echo "tap attract.tap"
    echo "tap home.lang.$locale"
    echo "tap home.checkin"
    echo "screenshot $out/checkin-$locale$suffix.png"
    echo "tap checkin.level.$level"
    if [ -n "$first_topic" ]; then
      echo "tap checkin.topic.$first_topic"
      echo "screenshot $out/topics-$locale$suffix.png"
      echo "tap checkin.next"
    fi
    echo "expect-screen checkin_suggestions"
    echo "screenshot $out/suggestions-$locale$suffix.png"
    echo "tap chrome.done"
    if [ "$card" != "-" ]; then
      # The suggestions with a topic card, the card itself, and someone to talk to.
      echo "tap attract.tap"
      echo "tap home.lang.$locale"
      echo "tap home.checkin"
      echo "tap checkin.level.$card_level"
      echo "tap checkin.topic.$card_topic"
      echo "tap checkin.next"
      echo "expect-screen checkin_suggestions"
      echo "drag checkin.suggestions 0 -2000"
      echo "wait-frames 2"
      echo "screenshot $out/cards-suggestions-$locale$suffix.png"
      echo "tap checkin.card.$card"
      echo "expect-screen topic_card"
      echo "screenshot $out/topic-card-$locale$suffix.png"
      echo "drag card.text 0 -2000"
      echo "wait-frames 2"
      echo "screenshot $out/topic-card-qr-$locale$suffix.png"
      echo "tap chrome.back"
      echo "expect-screen checkin_suggestions"
      if [ "$peer" != "-" ]; then
        echo "drag checkin.suggestions 0 -2000"
        echo "wait-frames 2"
        echo "tap checkin.peer.$peer"
        echo "expect-screen peer_support_card"
        echo "screenshot $out/someone-to-talk-to-$locale$suffix.png"
      fi
      echo "tap chrome.done"
    fi
    echo "tap attract.tap"
    echo "tap home.lang.$locale"
    echo "tap home.talk"
    echo "tap talk.provider.$provider"
    echo "screenshot $out/qr-handoff-$locale$suffix.png"
    echo "tap chrome.urgent"
    echo "screenshot $out/urgent-$locale$suffix.png"
    echo "advance-ms $help_idle_ms"   # nobody touched Urgent help for its idle time
    echo "wait-frames 2"
    echo "screenshot $out/still-there-$locale$suffix.png"
    echo "quit"
  } > "$script"
  LIBGL_ALWAYS_SOFTWARE=1 SDL_AUDIODRIVER=dummy \
    xvfb-run -a -s "-screen 0 1920x1920x24" \
    "$kiosk" --windowed "$size" --data "$work/data-$locale$suffix" --script "$script"
done
done
echo "screenshots written to $out"
