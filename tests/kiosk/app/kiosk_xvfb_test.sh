#!/usr/bin/env bash
# Runs the real wellness-kiosk under Xvfb with --script (real SDL input events) and checks
# what a person would see.   kiosk_xvfb_test.sh MODE KIOSK_BINARY CONTENT_JSON WORK_DIR
#   cards         a topic card's take-home QR and someone to talk to's sms: QR, two people: each
#                 decodes to exactly its link, the screens byte-identical
#   qr            Home -> Talk -> first provider, twice (two people); zbarimg must decode each
#                 screenshot to exactly the provider's booking link, and both be identical
#   touch         after a finger tap-and-lift nothing stays hovered (the tile looks untouched)
#   small-screen  every screen is reachable and drawn at 800x480
#   breathe-idle  a breathing session runs to its end, the idle timeout fades back to Attract,
#                 and the hidden corner gesture opens the maintenance screen
#   list-scroll   a list one person scrolled starts at the top for the next person (after Done
#                 and after the idle reset): the crisis lines are in view first
#   urgent-qr     Urgent help, opened from Attract, shows every crisis line, 24-hour number and
#                 emergency number as a QR that decodes to exactly its tel:/sms: URI, the same
#                 for two people; Back there leads Home
#   still-there   suggestions, Urgent help and a QR ask "Still there?" after the help idle time;
#                 a touch keeps the screen, no answer resets; a walked-away session ends
#   pacer         the phase label stays inside the circle through every exercise, in English
#                 and Spanish, small and large; the sigh's second inhale is a top-up
#   layout        at 1080x1920 (portrait, --dpi 92) and 800x480 (--dpi 133), English and
#                 Spanish, every screen passes expect-layout (no overlap, nothing off-screen,
#                 15 mm targets at that DPI, text inside its box); Skip and Next are tapped where
#                 they are drawn and do what they say; the text-size and contrast switches are
#                 there on every screen and Done forgets them
#   gles          --gles: the kiosk on an OpenGL ES 3 context through Mesa's EGL (what a kmsdrm
#                 box runs) draws Home, a breathing frame and Urgent help's QR codes as the
#                 desktop GL context does (same pixels within 0.5 %, the QR decodes); the log
#                 names the context each run got; with ES 2 only it stops with a clear message
#   sound         the sound switch is on the breathing screens and not on Home; tapping it
#                 changes its icon and keeps the session; the next person after Done finds the
#                 frame as the first did, sound on
#   topics        the topics screen says several may be picked; chosen topics change the
#                 suggestions; serious levels open with their first line; Attract alternates
#                 its languages; Home starts over
set -euo pipefail
mode="$1" kiosk="$2" content="$3" work="$4"
rm -rf "$work" && mkdir -p "$work"
export LIBGL_ALWAYS_SOFTWARE=1 SDL_AUDIODRIVER=dummy

field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$content"; }
run_kiosk() { # size script [more flags]
  local size="$1" script="$2"
  shift 2
  xvfb-run -a -s "-screen 0 1920x1080x24" \
    "$kiosk" --windowed "$size" --data "$work/data" --script "$script" "$@"
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
layout)
  exercise="$(field 'd["exercises"][0]["id"]')"
  level="$(field 'd["checkin"]["levels"][-1]["id"]')"
  topic="$(field 'd["checkin"]["topics"][0]["id"]')"
  for variant in 1080x1920:92 800x480:133; do
    size="${variant%%:*}" dpi="${variant#*:}"
    for locale in en es; do
      cat > "$work/layout-$size-$locale.script" <<SCRIPT
touch attract.tap
touch home.lang.$locale
expect-layout
expect-widget chrome.text_size
expect-widget chrome.contrast
touch chrome.text_size
touch chrome.contrast
expect-layout
screenshot $work/home-big-$size-$locale.png
touch chrome.text_size
touch chrome.contrast
touch home.breathe
expect-layout
touch breathe.exercise.$exercise
expect-layout
touch breathe.length.1
expect-screen rating_before
expect-layout
touch rating.skip
advance-ms 1500
wait-frames 2
expect-layout
touch chrome.home
touch home.checkin
expect-layout
expect-widget chrome.contrast
# On a 7-inch panel the levels run past the screen: a finger drag brings the last into view.
drag checkin.levels 0 -1500
wait-frames 3
expect-layout
touch checkin.level.$level
expect-screen checkin_topics
expect-layout
touch checkin.skip
expect-screen checkin_suggestions
expect-layout
touch chrome.back
touch checkin.topic.$topic
touch checkin.next
expect-screen checkin_suggestions
touch chrome.urgent
expect-screen urgent
expect-layout
touch chrome.home
touch home.talk
expect-layout
touch talk.provider.$provider
expect-layout
touch chrome.text_size
expect-layout
touch chrome.done
expect-screen attract
touch attract.tap
screenshot $work/home-after-done-$size-$locale.png
quit
SCRIPT
      xvfb-run -a -s "-screen 0 1920x1920x24" \
        "$kiosk" --windowed "$size" --dpi "$dpi" --data "$work/data-$size-$locale" \
        --script "$work/layout-$size-$locale.script" || fail "layout at $size ($locale)"
    done
  done
  echo "every screen holds at 1080x1920 and 800x480 in English and Spanish"
  ;;
small-screen)
  exercise="$(field 'd["exercises"][0]["id"]')"
  level="$(field 'd["checkin"]["levels"][-1]["id"]')"
  # The last suggestion offered without topics (one for a topic shows only when it is chosen).
  last_suggestion="$(field '[i for i, s in enumerate(d["checkin"]["levels"][-1]["suggestions"]) if not s.get("topics") and not s.get("crisis_lines")][-1]')"
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
touch rating.skip
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
tap rating.skip
expect-screen breathe_running
advance-ms $((session_ms - 1000))
expect-screen breathe_running
advance-ms 1000
expect-screen breathe_finished
expect-widget breathe.again
# One-minute sessions end before the "Still there?" they pass has run out; answer it.
touch still_there.stay
expect-no-widget still_there
advance-ms $((idle_ms - 1000))
expect-screen breathe_finished
expect-no-widget still_there
advance-ms 2000
wait-frames 2
expect-screen breathe_finished
expect-widget still_there
advance-ms 12000
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
  # The suggestions reset after the help idle time and the "Still there?" after it.
  idle_ms="$(field 'max(d.get("help_idle_timeout_seconds", 180), d["idle_timeout_seconds"])*1000 + 10000')"
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
urgent-qr)
  # Every number of Urgent help and the URI its QR must hold: tel:/sms: and the digits.
  python3 - "$content" > "$work/expected.txt" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
def uri(scheme, number):
    digits = re.sub(r"[^0-9+]", "", number)
    digits = digits[0] + digits[1:].replace("+", "") if digits else digits
    return scheme + digits
uris = set()
for line in d["crisis_lines"]:
    if line.get("call"): uris.add(uri("tel:", line["call"]))
    if line.get("text"): uris.add(uri("sms:", line["text"]))
for p in d.get("providers", []):
    if p.get("phone_24h"): uris.add(uri("tel:", p["phone_24h"]))
for n in d.get("emergency_numbers", []):
    uris.add(uri("tel:", n["call"]))
print("\n".join(sorted(uris)))
PY
  [ "$(wc -l < "$work/expected.txt")" -ge 4 ] || fail "the content has too few urgent numbers to test"
  crisis="$(field 'd["crisis_lines"][0]["id"]')"
  person() { # name: Urgent help from Attract's own button, at every position of its list
    echo "touch chrome.urgent"
    echo "expect-screen urgent"
    echo "expect-widget qr.crisis.$crisis.call"
    echo "screenshot $work/$1-0.png"
    for i in 1 2 3 4 5 6; do
      echo "drag urgent.list 0 -300"
      echo "wait-frames 2"
      echo "screenshot $work/$1-$i.png"
    done
    # Back on Urgent help opened from Attract leads Home (issue 14: it did nothing).
    echo "touch chrome.back"
    echo "expect-screen home"
    echo "touch chrome.done"
    echo "expect-screen attract"
  }
  { person person1; person person2; echo quit; } > "$work/urgent.script"
  run_kiosk 1280x720 "$work/urgent.script"
  : > "$work/decoded.txt"
  for shot in "$work"/person1-*.png; do
    zbarimg --raw -q "$shot" >> "$work/decoded.txt" || true
  done
  sort -u "$work/decoded.txt" -o "$work/decoded.txt"
  diff -u "$work/expected.txt" "$work/decoded.txt" \
    || fail "the QR codes of Urgent help do not hold exactly its numbers"
  for shot in "$work"/person1-*.png; do
    cmp -s "$shot" "${shot/person1/person2}" || fail "Urgent help differs between two people: $shot"
  done
  echo "Urgent help: $(wc -l < "$work/expected.txt") QR codes decode to exactly their numbers, the same for two people"
  ;;
still-there)
  level="$(field 'd["checkin"]["levels"][-1]["id"]')"
  exercise="$(field 'd["exercises"][0]["id"]')"
  help_ms="$(field 'max(d.get("help_idle_timeout_seconds", 180), d["idle_timeout_seconds"])*1000')"
  idle_ms="$(field 'd["idle_timeout_seconds"]*1000')"
  cat > "$work/still.script" <<SCRIPT
touch attract.tap
touch home.checkin
touch checkin.level.$level
touch checkin.skip
expect-screen checkin_suggestions
# Longer than the idle time on other screens: people read, scan and call from here.
advance-ms $((idle_ms + 2000))
wait-frames 2
expect-screen checkin_suggestions
expect-no-widget still_there
advance-ms $((help_ms - idle_ms - 1000))
wait-frames 2
expect-widget still_there
expect-widget still_there.stay
screenshot $work/still-there.png
# A touch anywhere answers it; nothing under it is pressed.
touch chrome.done
expect-screen checkin_suggestions
expect-no-widget still_there
advance-ms $((help_ms + 1000))
wait-frames 2
expect-widget still_there
advance-ms 12000
wait-frames 2
expect-screen attract
# Urgent help and a QR ask too; Done on the prompt clears at once.
touch attract.tap
touch home.urgent
advance-ms $((help_ms + 1000))
wait-frames 2
expect-widget still_there
touch still_there.done
expect-screen attract
# A session walked away from ends: no touch for the idle time, no answer, Attract.
touch attract.tap
touch home.breathe
touch breathe.exercise.$exercise
touch breathe.length.5
touch rating.skip
expect-screen breathe_running
advance-ms $((idle_ms + 1000))
wait-frames 2
expect-screen breathe_running
expect-widget still_there
advance-ms 12000
wait-frames 2
expect-screen attract
quit
SCRIPT
  run_kiosk 1280x720 "$work/still.script"
  echo "\"Still there?\" keeps the screen on a touch and resets without one; a walked-away session ends"
  ;;
pacer)
  script="$work/pacer.script"
  python3 - "$content" > "$script" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
out = []
for locale in ["en", "es"]:
    for e in d["exercises"]:
        out += ["touch attract.tap", f"touch home.lang.{locale}", "touch home.breathe",
                f"touch breathe.exercise.{e['id']}", f"touch breathe.length.{e['lengths_minutes'][0]}",
                "touch rating.skip", "expect-screen breathe_running"]
        # Through two cycles, a few times in each phase: the label never leaves the circle.
        cycle = sum(p["seconds"] for p in e["phases"])
        step = 700
        for _ in range(int(2 * cycle * 1000 / step)):
            out += [f"advance-ms {step}", "expect-inside breathe.label breathe.circle"]
        out += ["touch chrome.done", "expect-screen attract"]
    sigh = [e for e in d["exercises"] if [p["kind"] for p in e["phases"]][:2] == ["inhale", "inhale"]]
    if sigh:
        e = sigh[0]
        first = e["phases"][0]["seconds"]
        out += ["touch attract.tap", f"touch home.lang.{locale}", "touch home.breathe",
                f"touch breathe.exercise.{e['id']}", f"touch breathe.length.{e['lengths_minutes'][0]}",
                "touch rating.skip", "expect-widget breathe.phase.inhale",
                f"advance-ms {int(first * 1000 + e['phases'][1]['seconds'] * 400)}",
                "expect-widget breathe.phase.top_up", "expect-no-widget breathe.phase.inhale",
                "expect-inside breathe.label breathe.circle",
                "touch chrome.done"]
out.append("quit")
print("\n".join(out))
PY
  run_kiosk 800x480 "$script"
  run_kiosk 1920x1080 "$script"
  echo "the pacer's label stays inside its circle; the sigh's top-up is named"
  ;;
gles)
  exercise="$(field 'd["exercises"][0]["id"]')"
  crisis="$(field 'd["crisis_lines"][0]["id"]')"
  uri="$(field '"tel:" + "".join(c for c in d["crisis_lines"][0]["call"] if c.isdigit() or c == "+")')"
  for context in gl gles; do
    out="$work/$context"
    mkdir -p "$out"
    cat > "$out/frames.script" <<SCRIPT
# The same moments in both runs: the clock stands still but for advance-ms.
hold-clock
touch attract.tap
expect-screen home
screenshot $out/home.png
touch home.breathe
touch breathe.exercise.$exercise
touch breathe.length.1
touch rating.skip
expect-screen breathe_running
advance-ms 2500
wait-frames 2
screenshot $out/breathing.png
touch chrome.done
expect-screen attract
touch chrome.urgent
expect-screen urgent
expect-widget qr.crisis.$crisis.call
screenshot $out/urgent.png
quit
SCRIPT
    flag=()
    [ "$context" = gles ] && flag=(--gles)
    run_kiosk 1280x720 "$out/frames.script" "${flag[@]}" 2> "$out/stderr" ||
      { cat "$out/stderr" >&2; fail "the $context run failed"; }
  done
  grep -q "OpenGL ES 3.* through EGL" "$work/gles/stderr" ||
    { cat "$work/gles/stderr" >&2; fail "--gles did not run on OpenGL ES 3 through EGL"; }
  ! grep -q "OpenGL ES" "$work/gl/stderr" ||
    { cat "$work/gl/stderr" >&2; fail "the desktop run got OpenGL ES"; }
  grep -h "display " "$work/gl/stderr" "$work/gles/stderr"
  for frame in home breathing urgent; do
    differing="$(compare -metric AE -fuzz 2% "$work/gl/$frame.png" "$work/gles/$frame.png" \
                 null: 2>&1 || true)"
    echo "$frame: $differing of $((1280 * 720)) pixels differ between desktop GL and GLES"
    [[ "$differing" =~ ^[0-9]+$ ]] || fail "compare: $differing"
    [ "$differing" -le $((1280 * 720 / 200)) ] || fail "$frame differs on GLES"
  done
  decoded="$(zbarimg --raw -q "$work/gles/urgent.png" | head -n1)" ||
    fail "no QR readable on GLES"
  zbarimg --raw -q "$work/gles/urgent.png" | grep -qx "$uri" ||
    fail "GLES urgent QR codes do not include $uri (first: $decoded)"
  # A GPU with OpenGL ES 2 only (Mesa told so): a clear message and exit 1, not a crash.
  status=0
  MESA_GLES_VERSION_OVERRIDE=2.0 run_kiosk 1280x720 "$work/gl/frames.script" --gles \
    2> "$work/es2.stderr" || status=$?
  [ "$status" = 1 ] || { cat "$work/es2.stderr" >&2; fail "ES 2 only: exit $status, not 1"; }
  grep -q "no OpenGL ES 3.0 context (OpenGL ES 2 is not enough)" "$work/es2.stderr" ||
    { cat "$work/es2.stderr" >&2; fail "ES 2 only: no clear message"; }
  echo "GLES 3 through EGL draws what desktop GL draws; an ES 2 only GPU is refused clearly"
  ;;
sound)
  exercise="$(field 'd["exercises"][0]["id"]')"
  to_breathing="touch attract.tap
expect-screen home
expect-no-widget chrome.sound
touch home.breathe
expect-widget chrome.sound
expect-layout
touch breathe.exercise.$exercise
expect-widget chrome.sound
touch breathe.length.1
touch rating.skip
expect-screen breathe_running
expect-widget chrome.sound
expect-layout"
  cat > "$work/sound.script" <<SCRIPT
# The clock stands still, so two frames differ only by what a tap changed.
hold-clock
$to_breathing
screenshot $work/sound-on.png
touch chrome.sound
expect-screen breathe_running
screenshot $work/sound-off.png
touch chrome.done
expect-screen attract
$to_breathing
screenshot $work/next-person.png
quit
SCRIPT
  run_kiosk 800x480 "$work/sound.script" --dpi 133
  differ() { compare -metric AE -fuzz 2% "$1" "$2" null: 2>&1 || true; }
  switched="$(differ "$work/sound-on.png" "$work/sound-off.png")"
  next="$(differ "$work/sound-on.png" "$work/next-person.png")"
  echo "the switch changed $switched pixels; the next person's frame differs by $next"
  [[ "$switched" =~ ^[0-9]+$ && "$next" =~ ^[0-9]+$ ]] || fail "compare: $switched / $next"
  [ "$switched" -gt 20 ] || fail "the sound switch shows no change when tapped"
  [ "$switched" -lt 20000 ] || fail "tapping the sound switch changed more than the switch"
  [ "$next" -le 20 ] || fail "the next person does not find the sound on again"
  echo "the sound switch is on the breathing screens, keeps the session, and Done resets it"
  ;;
topics)
  cat > "$work/topics.script" <<SCRIPT
# Attract: every language's line in turn.
expect-widget attract.line.en
advance-ms 10000
wait-frames 2
expect-widget attract.line.es
expect-no-widget attract.line.en
advance-ms 10000
wait-frames 2
expect-widget attract.line.en
touch attract.tap
touch home.checkin
touch checkin.level.reacting
expect-widget checkin.topics_hint
touch checkin.skip
expect-no-widget checkin.first_line
expect-widget checkin.suggestion.0
expect-no-widget checkin.suggestion.3
touch chrome.back
touch checkin.topic.sleep
touch checkin.next
expect-screen checkin_suggestions
expect-widget checkin.suggestion.3
touch chrome.home
expect-screen home
touch home.checkin
touch checkin.level.ill
touch checkin.skip
expect-widget checkin.first_line
expect-widget qr.crisis.988-lifeline.call
quit
SCRIPT
  run_kiosk 1280x720 "$work/topics.script"
  echo "topics change suggestions; serious levels have their first line; Attract alternates"
  ;;
cards)
  # Two people read the critical incident card and open someone to talk to: each QR decodes to
  # exactly content's take-home link and sms: with the on-call number's digits, and the
  # screens are byte-identical for both.
  card="$(field '[c for c in d["topic_cards"] if c.get("take_home_url")][0]["id"]')"
  card_topic="$(field '[c for c in d["topic_cards"] if c.get("take_home_url")][0]["topics"][0]')"
  card_link="$(field '[c for c in d["topic_cards"] if c.get("take_home_url")][0]["take_home_url"]')"
  peer="$(field '[p for p in d["providers"] if p["kind"] == "peer-support" and p.get("phone_24h")][0]["id"]')"
  peer_sms="sms:$(field '"".join(ch for ch in [p for p in d["providers"] if p["kind"] == "peer-support" and p.get("phone_24h")][0]["phone_24h"] if ch.isdigit())')"
  level="$(field 'd["checkin"]["levels"][1]["id"]')"
  {
    for person in person1 person2; do
      cat <<SCRIPT
touch attract.tap
touch home.checkin
touch checkin.level.$level
touch checkin.topic.$card_topic
touch checkin.next
expect-screen checkin_suggestions
touch checkin.card.$card
expect-screen topic_card
expect-widget card.qr
screenshot $work/$person-card.png
touch chrome.back
expect-screen checkin_suggestions
touch checkin.peer.$peer
expect-screen peer_support_card
expect-widget qr.peer.$peer.text
screenshot $work/$person-peer.png
touch chrome.done
expect-screen attract
SCRIPT
    done
    echo quit
  } > "$work/cards.script"
  run_kiosk 1920x1080 "$work/cards.script"
  for person in person1 person2; do
    decoded="$(zbarimg --raw -q "$work/$person-card.png")" || fail "no QR code on $person's card"
    [ "$decoded" = "$card_link" ] || fail "$person: card QR decodes to '$decoded', expected '$card_link'"
    decoded="$(zbarimg --raw -q "$work/$person-peer.png")" || fail "no QR code on $person's peer card"
    [ "$decoded" = "$peer_sms" ] || fail "$person: peer QR decodes to '$decoded', expected '$peer_sms'"
  done
  cmp -s "$work/person1-card.png" "$work/person2-card.png" || fail "the card differs between two people"
  cmp -s "$work/person1-peer.png" "$work/person2-peer.png" || fail "the peer card differs between two people"
  echo "card QR decodes to $card_link, peer QR to $peer_sms, the same for both people"
  ;;
*)
  fail "unknown mode $mode"
  ;;
esac
