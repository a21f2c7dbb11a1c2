#!/usr/bin/env bash
# A screen-reader pass: Orca listens while Chromium is driven with real X key events through
# the submission and review journeys; writes what Orca said to $OUT/transcript.md.
# Run by hand (not part of `make test`), as root on Debian 12, from the repository root:
#
#   apt-get install -y orca xvfb xdotool at-spi2-core dbus-x11 imagemagick chromium
#   bash scripts/screen_reader_pass.sh            # OUT=/tmp/screen-reader-pass by default
#
# It loads the demo into a private SQLite database ($OUT/demo.sqlite3), gives reviewer1 two
# assignments and opens independent review there (scripts/screen_reader_setup_review.py),
# serves it on 127.0.0.1:$PORT, starts Xvfb, and inside a private D-Bus session the AT-SPI bus
# and Orca (its preferences in $OUT/orca-prefs: speech to a null server, so nothing blocks on
# a missing sound card — Orca still logs every utterance as "SPEECH OUTPUT"). Docs:
# docs/screen-reader.md.
set -euo pipefail

if [[ "${1:-}" == "--inside" ]]; then
  # Inside dbus-run-session: the accessibility bus, Orca, then the driver.
  shift
  export DISPLAY GTK_MODULES=gail:atk-bridge ACCESSIBILITY_ENABLED=1
  /usr/libexec/at-spi-bus-launcher --launch-immediately >"$OUT/atspi.log" 2>&1 &
  bus=$!
  sleep 1
  gsettings set org.gnome.desktop.interface toolkit-accessibility true 2>/dev/null || true
  PYTHONPATH="$HERE" orca --replace --user-prefs="$OUT/orca-prefs" \
    --debug-file="$OUT/orca-debug.txt" >"$OUT/orca.log" 2>&1 &
  orca=$!
  sleep 5
  status=0
  "$PY" "$HERE/screen_reader_driver.py" --out "$OUT" --base "http://127.0.0.1:$PORT" "$@" || status=$?
  kill "$orca" "$bus" 2>/dev/null || true
  exit "$status"
fi

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
OUT="${OUT:-/tmp/screen-reader-pass}"
PORT="${PORT:-8012}"
DISPLAY="${SR_DISPLAY:-:99}"
PY="$ROOT/.venv/bin/python"
export HERE ROOT OUT PORT DISPLAY PY

for tool in orca Xvfb xdotool dbus-run-session chromium import; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (see the apt-get line at the top)"; exit 1; }
done
rm -rf "$OUT" && mkdir -p "$OUT"
/usr/bin/python3 "$HERE/screen_reader_orca_prefs.py" "$OUT/orca-prefs"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# The demo, on its own database.
export DEBUG=1 DATABASE_URL="sqlite:///$OUT/demo.sqlite3"
cd "$ROOT"
"$PY" manage.py migrate -v0
"$PY" manage.py seed_demo >/dev/null
"$PY" manage.py shell <"$HERE/screen_reader_setup_review.py" >"$OUT/setup.log" 2>&1
read -r CALL ASSIGNMENT < <("$PY" manage.py shell -c "
from grants.models import FundingCall
from reviews.choices import ReviewPhase
from reviews.models import Assignment, CallReview
call = FundingCall.objects.get(title='Health Equity Pilot Awards')
open_review = CallReview.objects.filter(phase=ReviewPhase.INDEPENDENT_REVIEW).values('call')
a = Assignment.objects.filter(reviewer__username='reviewer1', proposal__status='in_review', proposal__call__in=open_review).order_by('pk').first()
print(call.pk, a.pk)" 2>/dev/null | tail -1)
"$PY" manage.py runserver "127.0.0.1:$PORT" --noreload >"$OUT/server.log" 2>&1 &
pids+=($!)
Xvfb "$DISPLAY" -screen 0 1280x1024x24 >"$OUT/xvfb.log" 2>&1 &
pids+=($!)
sleep 3

dbus-run-session -- bash "$HERE/screen_reader_pass.sh" --inside --call "$CALL" --assignment "$ASSIGNMENT" "$@"
echo "Transcript: $OUT/transcript.md (screenshots and Orca's full debug log beside it)"
