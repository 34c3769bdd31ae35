#!/usr/bin/env bash
# Runs the real wellness-kiosk under Xvfb with --script (real SDL input events) and checks
# what a person would see.   kiosk_xvfb_test.sh MODE KIOSK_BINARY CONTENT_JSON WORK_DIR
#   qr            Home -> Talk -> first provider, twice (two people); zbarimg must decode each
#                 screenshot to exactly the provider's booking link, and both be identical
#   touch         after a finger tap-and-lift nothing stays hovered (the tile looks untouched)
#   small-screen  every screen is reachable and drawn at 800x480
#   breathe-idle  a breathing session runs to its end, the idle timeout fades back to Attract,
#                 and the hidden corner gesture opens the maintenance screen
#   list-scroll   a list one person scrolled starts at the top for the next person (after Done
#                 and after the idle reset): the crisis lines are in view first
set -euo pipefail
mode="$1" kiosk="$2" content="$3" work="$4"
rm -rf "$work" && mkdir -p "$work"
export LIBGL_ALWAYS_SOFTWARE=1 SDL_AUDIODRIVER=dummy

field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$content"; }
run_kiosk() { # size script
  xvfb-run -a -s "-screen 0 1920x1080x24" \
    "$kiosk" --windowed "$1" --data "$work/data" --script "$2"
}
fail() { echo "FAIL: $*" >&2; exit 1; }

provider="$(field 'd["providers"][0]["id"]')"
link="$(field 'd["providers"][0]["booking_url"]')"

case "$mode" in
qr)
  cat > "$work/qr.script" <<SCRIPT
tap attract.tap
tap home.talk
tap talk.provider.$provider
expect-screen talk_provider
expect-widget talk.qr
screenshot $work/person1.png
tap chrome.done
expect-screen attract
touch attract.tap
touch home.talk
touch talk.provider.$provider
screenshot $work/person2.png
quit
SCRIPT
  run_kiosk 1280x720 "$work/qr.script"
  for person in person1 person2; do
    decoded="$(zbarimg --raw -q "$work/$person.png")" || fail "zbarimg found no QR code in $person.png"
    [ "$decoded" = "$link" ] || fail "$person: QR decodes to '$decoded', expected '$link'"
  done
  cmp -s "$work/person1.png" "$work/person2.png" || fail "the QR screen differs between two people"
  echo "QR decodes to exactly $link for both people, screens byte-identical"
  ;;
touch)
  # A finger on English (already chosen: nothing changes but the hover) must leave the
  # screen exactly as before. A mouse click there leaves the pointer (and its hover) behind:
  # that proves the comparison would see a hover left by a finger.
  cat > "$work/touch.script" <<SCRIPT
touch attract.tap
expect-screen home
screenshot $work/before.png
touch home.lang.en
wait-frames 3
expect-no-hover
screenshot $work/after-finger.png
tap home.lang.en
wait-frames 3
screenshot $work/after-mouse.png
quit
SCRIPT
  run_kiosk 1280x720 "$work/touch.script"
  cmp -s "$work/before.png" "$work/after-finger.png" || fail "a finger tap left the button looking hovered"
  if cmp -s "$work/before.png" "$work/after-mouse.png"; then
    fail "a resting mouse pointer shows no hover: the comparison above proves nothing"
  fi
  echo "no hover left after a finger lifts"
  ;;
small-screen)
  exercise="$(field 'd["exercises"][0]["id"]')"
  level="$(field 'd["checkin"]["levels"][-1]["id"]')"
  last_suggestion="$(field 'len(d["checkin"]["levels"][-1]["suggestions"]) - 1')"
  cat > "$work/small.script" <<SCRIPT
touch attract.tap
expect-widget home.breathe
expect-widget home.checkin
expect-widget home.talk
expect-widget home.urgent
expect-widget chrome.done
touch home.lang.es
touch home.breathe
touch breathe.exercise.$exercise
touch breathe.length.1
expect-screen breathe_running
touch chrome.back
touch chrome.back
touch chrome.back
touch home.checkin
touch checkin.level.$level
touch checkin.skip
expect-screen checkin_suggestions
# Crisis lines first, then the suggestions: more than 800x480 shows; a finger drag scrolls.
expect-no-widget checkin.suggestion.$last_suggestion
drag checkin.suggestions 0 -1000
expect-widget checkin.suggestion.$last_suggestion
touch chrome.urgent
expect-screen urgent
touch chrome.back
touch chrome.done
touch attract.tap
touch home.talk
drag talk.list 0 -200
touch talk.provider.$provider
expect-widget talk.qr
screenshot $work/small-qr.png
quit
SCRIPT
  run_kiosk 800x480 "$work/small.script"
  python3 - "$work/small-qr.png" <<'PY'
import struct, sys
with open(sys.argv[1], "rb") as f:
    head = f.read(24)
w, h = struct.unpack(">II", head[16:24])
assert (w, h) == (800, 480), (w, h)
PY
  decoded="$(zbarimg --raw -q "$work/small-qr.png")" || fail "no QR code readable at 800x480"
  [ "$decoded" = "$link" ] || fail "QR at 800x480 decodes to '$decoded'"
  echo "every screen reachable at 800x480; QR readable"
  ;;
breathe-idle)
  exercise="$(field 'd["exercises"][0]["id"]')"
  idle_ms="$(field 'd["idle_timeout_seconds"]*1000')"
  # A one-minute session is a whole number of cycles (core's plan_session): its exact end.
  session_ms="$(field 'max(1, int((60000 + sum(round(p["seconds"]*1000) for p in d["exercises"][0]["phases"])//2) // sum(round(p["seconds"]*1000) for p in d["exercises"][0]["phases"]))) * sum(round(p["seconds"]*1000) for p in d["exercises"][0]["phases"])')"
  cat > "$work/breathe.script" <<SCRIPT
tap attract.tap
tap home.breathe
tap breathe.exercise.$exercise
tap breathe.length.1
expect-screen breathe_running
advance-ms $((session_ms - 1000))
expect-screen breathe_running
advance-ms 1000
expect-screen breathe_finished
expect-widget breathe.again
advance-ms $((idle_ms - 1000))
expect-screen breathe_finished
advance-ms 3000
wait-frames 2
expect-screen attract
corner-taps 5
expect-screen maintenance
screenshot $work/maintenance.png
tap chrome.done
expect-screen attract
quit
SCRIPT
  run_kiosk 1280x720 "$work/breathe.script"
  echo "breathing ran to its end; idle reset to Attract; maintenance gesture works"
  ;;
list-scroll)
  level="$(field 'd["checkin"]["levels"][-1]["id"]')"
  crisis="$(field 'd["crisis_lines"][0]["id"]')"
  idle_ms="$(field 'd["idle_timeout_seconds"]*1000')"
  # Each visit: from Attract to the suggestions of the most serious level, which at 800x480 are
  # longer than the screen (small-screen), with the crisis lines at their top.
  open_suggestions="touch attract.tap
touch home.checkin
touch checkin.level.$level
touch checkin.skip
expect-screen checkin_suggestions
expect-widget crisis.$crisis"
  cat > "$work/scroll.script" <<SCRIPT
$open_suggestions
drag checkin.suggestions 0 -1000
expect-no-widget crisis.$crisis
touch chrome.done
expect-screen attract
# The next person: the list starts at the top, crisis lines first, from the very first frame.
$open_suggestions
drag checkin.suggestions 0 -1000
expect-no-widget crisis.$crisis
# Walking away: the idle reset forgets the scroll too.
advance-ms $((idle_ms + 3000))
wait-frames 2
expect-screen attract
$open_suggestions
quit
SCRIPT
  run_kiosk 800x480 "$work/scroll.script"
  echo "a scrolled list starts at the top again after Done and after the idle reset"
  ;;
*)
  fail "unknown mode $mode"
  ;;
esac
