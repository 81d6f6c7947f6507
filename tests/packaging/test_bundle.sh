#!/usr/bin/env bash
# The Linux desk bundle, tried as an office would get it (issue 17). Not part of the pytest
# suite and not run by .ci/run: it needs the tarball packaging/build makes (minutes) and an X
# server. Run after packaging/build:
#
#   tests/packaging/test_bundle.sh [dist/welcome-center-<version>-linux-x86_64.tar.gz]
#
# It unpacks the tarball into a temporary folder and, each time in a clean environment (env -i:
# PATH=/usr/bin:/bin, a temporary HOME, WELCOME_CENTER_DATA in a temporary folder; nothing of
# the development venv or of this checkout):
#  1. runs the bundled command line (--version, and the migrations on a new demonstration
#     database: the desk started offscreen on --demo fills it);
#  2. starts the bundled desk on Xvfb (display :81, openbox as window manager), measures the
#     time to the sign-in window, logs in and takes a screenshot of the desk;
#  3. runs the bundled `report` command: a PDF (its fonts embedded) and JSON on standard output;
#     sets up an encrypted office and checks and backs it up; upgrades a database of an older
#     schema (made with the build venv's Alembic), which writes a backup first;
#  4. installs it with install.sh --user into the temporary HOME, starts it from the menu
#     entry's Exec line and takes a screenshot (the window's icon in openbox's title bar), shows
#     the menu entry in a file manager when pcmanfm is there, then uninstall.sh, and checks that
#     exactly the data folder is left.
# Screenshots and the measurements go to $WC_BUNDLE_SHOTS (default: <temporary folder>/shots).
# With WC_COMPARE_VENV=path/to/venv it also times the venv's welcome-center the same way.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tarball=${1:-$(ls -t "$root"/dist/welcome-center-*-linux-*.tar.gz 2>/dev/null | head -1)}
[ -f "$tarball" ] || { echo "no tarball: run packaging/build first" >&2; exit 1; }
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")

work=$(mktemp -d /tmp/wc-bundle-test.XXXXXX)
shots=${WC_BUNDLE_SHOTS:-$work/shots}
mkdir -p "$shots"
display=:81
failures=0
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# A clean environment: no venv, no PYTHONPATH, a HOME of its own.
home=$work/home
data=$work/data
mkdir -p "$home" "$data"
clean() {
  env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 WELCOME_CENTER_DATA="$data" "$@"
}
# The same for a program started in the background: "clean_exec ... &" gives the program's own
# process id in $! (the subshell becomes env, and env the program).
clean_exec() {
  exec env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 WELCOME_CENTER_DATA="$data" "$@"
}

# End a desk started in the background and wait until it is gone (its windows closed).
stop() {
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
}

# Wait until a process stops using CPU time for 3 s (ready and waiting for input); false if it
# ended or did not settle within the given seconds.
wait_idle() {
  local pid=$1 limit=$2 last=-1 now still=0
  for _ in $(seq 1 $((limit * 2))); do
    [ -r "/proc/$pid/stat" ] || return 1
    now=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    if [ "$now" = "$last" ]; then
      still=$((still + 1))
      [ "$still" -ge 6 ] && return 0
    else
      still=0
    fi
    last=$now
    sleep 0.5
  done
  return 1
}

step "unpack $(basename "$tarball") into $work"
tar -C "$work" -xzf "$tarball"
top=$(find "$work" -maxdepth 1 -type d -name 'welcome-center-*' | head -1)
exe=$top/app/welcome-center
[ -x "$exe" ] && ok "bundled program: $exe" || { fail "no program in the tarball"; exit 1; }
folder_mb=$(du -sm "$top/app" | cut -f1)
tar_mb=$(du -m "$tarball" | cut -f1)
echo "size: folder ${folder_mb} MB, tarball ${tar_mb} MB"

step "1. the command line and the desk offscreen on --demo"
version=$(clean "$exe" --version 2>&1) && ok "--version: $version" || fail "--version: $version"
clean_exec QT_QPA_PLATFORM=offscreen "$exe" --demo > "$work/offscreen.log" 2>&1 &
offscreen=$!
pids+=("$offscreen")
# The first start fills the demonstration office (2,000 records), then waits at the sign-in
# window: offscreen there is nothing to look at, so "waiting" is the process using no more CPU.
if wait_idle "$offscreen" 300; then
  ok "desk idle at the sign-in offscreen (pid $offscreen); data folder $(du -sh "$data" | cut -f1)"
  kill "$offscreen"
else
  fail "the offscreen desk ended or never settled: $(cat "$work/offscreen.log")"
fi
wait "$offscreen" 2>/dev/null || true
if grep -q Traceback "$work/offscreen.log"; then fail "traceback: $(cat "$work/offscreen.log")"; fi

step "2. the desk under Xvfb $display"
Xvfb "$display" -screen 0 1366x768x24 -nolisten tcp > "$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
DISPLAY=$display openbox > "$work/openbox.log" 2>&1 &
pids+=($!)
sleep 1

# Time from the start to the sign-in window shown (xdotool waits for a visible window of it).
time_to_window() {  # label, then the command in the clean environment
  local label=$1; shift
  local t0 pid wid t1
  t0=$(date +%s.%N)
  clean_exec DISPLAY="$display" "$@" > "$work/$label.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  # Polled, not "search --sync": xdotool gives up on the first X error, which a window closing
  # meanwhile (the previous desk's) causes.
  wid=""
  for _ in $(seq 1 1200); do
    wid=$(DISPLAY=$display xdotool search --onlyvisible --pid "$pid" 2>/dev/null | head -1) || true
    [ -n "$wid" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  t1=$(date +%s.%N)
  if [ -z "$wid" ]; then
    fail "$label: no window within 120 s: $(cat "$work/$label.log")"
    echo "" "" ""
    return
  fi
  echo "$wid $pid $(echo "$t1 - $t0" | bc)"
}

# Start times: with WC_COMPARE_VENV the venv's desk and the bundle's take turns, so that both
# see the same load (this machine's may change by the minute). The last bundle stays open.
if [ -n "${WC_COMPARE_VENV:-}" ]; then
  vdata=$work/venv-data
  mkdir -p "$vdata"
  data=$vdata clean_exec QT_QPA_PLATFORM=offscreen \
    "$WC_COMPARE_VENV/bin/welcome-center" --demo > "$work/venv-prepare.log" 2>&1 &
  prep=$!
  pids+=("$prep")
  wait_idle "$prep" 300 || fail "the venv's desk did not settle: $(cat "$work/venv-prepare.log")"
  kill "$prep" 2>/dev/null; wait "$prep" 2>/dev/null || true
fi
runs=${WC_START_RUNS:-3}
starts=()
vstarts=()
for i in $(seq 1 "$runs"); do
  if [ -n "${WC_COMPARE_VENV:-}" ]; then
    read -r _vwid vpid vsecs < <(
      data=$vdata time_to_window "venv-start-$i" "$WC_COMPARE_VENV/bin/welcome-center" --demo)
    if [ -n "$vpid" ]; then
      vstarts+=("$vsecs")
      echo "venv start $i: sign-in window after ${vsecs} s"
      stop "$vpid"
    else
      fail "venv start $i: no sign-in window"
    fi
  fi
  read -r wid pid secs < <(time_to_window "bundle-start-$i" "$exe" --demo)
  if [ -z "$pid" ]; then
    fail "bundle start $i: no sign-in window"
    break
  fi
  starts+=("$secs")
  echo "bundle start $i: sign-in window after ${secs} s"
  if [ "$i" -lt "$runs" ]; then stop "$pid"; fi
done
{
  echo "bundle starts (s): ${starts[*]}"
  [ -z "${WC_COMPARE_VENV:-}" ] || echo "venv starts (s):   ${vstarts[*]}"
} > "$shots/timings.txt"
sleep 1
DISPLAY=$display import -window root "$shots/signin.png"
# Log in: the counsellor's name is offered, the password is the demonstration's.
DISPLAY=$display xdotool windowactivate --sync "$wid" 2>/dev/null || true
DISPLAY=$display xdotool type --delay 30 "demo-passwort"
DISPLAY=$display xdotool key Return
main=""
for _ in $(seq 1 60); do
  sleep 1
  main=$(DISPLAY=$display xdotool search --onlyvisible --pid "$pid" --name "Welcome" 2>/dev/null \
    | while read -r w; do
        n=$(DISPLAY=$display xdotool getwindowname "$w")
        case "$n" in *"–"*) [ "$w" != "$wid" ] && echo "$w" ;; esac
      done | head -1) || true
  [ -n "$main" ] && break
done
sleep 3
DISPLAY=$display import -window root "$shots/desk.png"
if [ -n "$main" ]; then
  ok "logged in: \"$(DISPLAY=$display xdotool getwindowname "$main")\" (screenshot desk.png)"
else
  fail "no desk window after the login (screenshot desk.png shows what was there)"
fi
[ -n "$pid" ] && stop "$pid"

step "3. the bundled report command"
export_env=(WELCOME_CENTER_PASSWORD=demo-passwort)
year=$(date +%Y)
if clean "${export_env[@]}" "$exe" --demo --user petra.voigt report --year "$year" \
  -o "$work/report.pdf" > "$work/report.log" 2>&1; then
  ok "report PDF: $(du -h "$work/report.pdf" | cut -f1)"
  if command -v pdffonts >/dev/null; then
    pdffonts "$work/report.pdf" | grep -q DejaVuSans && ok "PDF embeds DejaVu Sans" \
      || fail "PDF fonts: $(pdffonts "$work/report.pdf")"
  fi
  if command -v pdftoppm >/dev/null; then
    pdftoppm -r 50 -png -f 1 -l 1 "$work/report.pdf" "$shots/report"
  fi
else
  fail "report: $(cat "$work/report.log")"
fi
if clean "${export_env[@]}" "$exe" --demo --lang en --user petra.voigt report --year "$year" \
  > "$work/report.json" 2> "$work/report-json.log" \
  && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/report.json"; then
  ok "report JSON on standard output: $(wc -c < "$work/report.json") bytes"
else
  fail "report JSON: $(head -c 500 "$work/report.json") $(cat "$work/report-json.log")"
fi

step "3b. an encrypted office (SQLCipher, Argon2, AES-GCM), XLSX, the PostgreSQL driver"
office=$work/office
mkdir -p "$office"
secret=Sicheres-Passwort-2026
if echo "$secret" | data=$office clean "$exe" --lang en setup --office "Test office" --admin ada \
  > "$work/setup.log" 2>&1; then
  ok "setup of an encrypted office: $(ls "$office" | tr '\n' ' ')"
else
  fail "setup: $(cat "$work/setup.log")"
fi
if data=$office clean WELCOME_CENTER_PASSWORD="$secret" "$exe" --lang en --user ada db check \
  > "$work/check.log" 2>&1; then
  ok "db check of the encrypted office: $(tail -1 "$work/check.log")"
else
  fail "db check: $(cat "$work/check.log")"
fi
if data=$office clean WELCOME_CENTER_PASSWORD="$secret" "$exe" --lang en --user ada db backup \
  "$work/office-backup.db" > "$work/backup.log" 2>&1 && [ -s "$work/office-backup.db.keys" ]; then
  ok "db backup of the encrypted office, with its key file"
else
  fail "db backup: $(cat "$work/backup.log")"
fi
if clean "${export_env[@]}" "$exe" --demo --user petra.voigt report --year "$year" \
  -o "$work/report.xlsx" > "$work/xlsx.log" 2>&1 && [ -s "$work/report.xlsx" ]; then
  ok "report XLSX: $(du -h "$work/report.xlsx" | cut -f1)"
else
  fail "report XLSX: $(cat "$work/xlsx.log")"
fi
# Nothing listens on port 1: the driver must say so (not that it is missing).
clean WELCOME_CENTER_PASSWORD=x "$exe" --lang en --db "postgresql+psycopg://nobody@127.0.0.1:1/none" \
  --user nobody db check > "$work/pg.log" 2>&1 || true
if grep -q "cannot be reached" "$work/pg.log"; then
  ok "PostgreSQL driver loads (the server on port 1 \"cannot be reached\")"
else
  fail "PostgreSQL driver: $(cat "$work/pg.log")"
fi

step "3c. an update: the bundle upgrades a database of an older schema, after a backup"
# The older schema is made by stepping a new file back with Alembic in the build venv (this
# preparation alone uses a Python with the package; the upgrade is the bundle's own).
schema_python=${WC_SCHEMA_PYTHON:-$root/build/venv/bin/python}
old=$work/old
mkdir -p "$old"
if [ -x "$schema_python" ] \
  && echo "$secret" | data=$old clean "$exe" --lang en setup --plain --office Alt --admin ada \
    > "$work/old-setup.log" 2>&1 \
  && "$schema_python" - "$old/welcome-center.db" > "$work/downgrade.log" 2>&1 <<'PY'
import sys
from pathlib import Path

from alembic import command

from welcome_center.db import migrate
from welcome_center.db.engine import open_engine, url_for_path

db = open_engine(url_for_path(Path(sys.argv[1])))
cfg = migrate.alembic_config()
with db.engine.connect() as conn:
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.commit()
    with conn.begin():
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-2")
db.dispose()
PY
then
  before=$(data=$old clean "$exe" --lang en db check | sed -n 's/^Schema: //p')
  # Any command opens the database as the desk does: the upgrade comes first.
  data=$old clean WELCOME_CENTER_PASSWORD="$secret" "$exe" --lang en --user ada user list \
    > "$work/upgrade.log" 2>&1 || true
  after=$(data=$old clean "$exe" --lang en db check | sed -n 's/^Schema: //p')
  saved=$(cd "$old/backups" 2>/dev/null && ls -- *before-migration* 2>/dev/null || true)
  if [ -n "$saved" ] && [ "$after" != "$before" ] && echo "$after" | grep -q "up to date"; then
    ok "upgraded from \"$before\" to \"$after\", backup first: backups/$saved"
  else
    fail "upgrade: before \"$before\", after \"$after\", backups: $saved; $(cat "$work/upgrade.log")"
  fi
else
  echo "skipped: no Python with the package at $schema_python (WC_SCHEMA_PYTHON) to make an old schema"
fi

step "4. install.sh --user into the temporary HOME, the menu entry, uninstall.sh"
find "$home" -type f | sort > "$work/before-install.txt"
clean "$top/install.sh" --user > "$work/install.log" 2>&1 && ok "install.sh --user" \
  || fail "install.sh: $(cat "$work/install.log")"
cat "$work/install.log"
entry=$home/.local/share/applications/welcome-center.desktop
for f in "$entry" "$home/.local/bin/welcome-center" \
  "$home/.local/share/icons/hicolor/48x48/apps/welcome-center.png" \
  "$home/.local/share/icons/hicolor/scalable/apps/welcome-center.svg"; do
  [ -e "$f" ] && ok "installed ${f#"$home"/}" || fail "missing ${f#"$home"/}"
done
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$entry" && ok "desktop entry valid" || fail "desktop entry invalid"
fi
# Installing again is how an update goes: the old version's files out, the new ones in.
if clean "$top/install.sh" --user > "$work/reinstall.log" 2>&1 \
  && grep -q "replacing the installed version" "$work/reinstall.log" && [ -f "$entry" ]; then
  ok "install.sh again (an update) replaces the installed version"
else
  fail "install.sh again: $(cat "$work/reinstall.log")"
fi
exec_line=$(sed -n 's/^Exec=//p' "$entry")
icon_name=$(sed -n 's/^Icon=//p' "$entry")
echo "menu entry: Exec=$exec_line Icon=$icon_name"
clean "$home/.local/bin/welcome-center" --version > /dev/null && ok "the installed command runs" \
  || fail "the installed command does not run"
read -r mwid mpid _msecs < <(time_to_window "menu-start" $exec_line --demo)
sleep 2
if [ -n "$mwid" ]; then
  DISPLAY=$display import -window root "$shots/menu-start.png"
  # The title bar with openbox's window icon, enlarged.
  geom=$(DISPLAY=$display xdotool getwindowgeometry --shell "$mwid")
  eval "$geom"
  DISPLAY=$display import -window root -crop "400x56+$((X - 24))+$((Y - 44))" +repage \
    -filter point -resize 300% "$shots/titlebar.png" || true
  if command -v xprop >/dev/null; then
    DISPLAY=$display xprop -id "$mwid" WM_CLASS _NET_WM_ICON 2>/dev/null | head -c 200 \
      > "$work/xprop.txt" || true
    grep -q "_NET_WM_ICON(CARDINAL)" "$work/xprop.txt" && ok "the window carries an icon" \
      || fail "no _NET_WM_ICON on the window: $(cat "$work/xprop.txt")"
    grep -o 'WM_CLASS.*' "$work/xprop.txt" || true
  fi
  stop "$mpid"
fi
if command -v pcmanfm >/dev/null; then
  clean_exec DISPLAY="$display" XDG_DATA_HOME="$home/.local/share" \
    pcmanfm --no-desktop "$home/.local/share/applications" > "$work/pcmanfm.log" 2>&1 &
  fm=$!
  pids+=("$fm")
  sleep 4
  DISPLAY=$display import -window root "$shots/menu-entry.png"
  kill "$fm" 2>/dev/null; wait "$fm" 2>/dev/null || true
fi
clean "$home/.local/lib/welcome-center/uninstall.sh" > "$work/uninstall.log" 2>&1 \
  && ok "uninstall.sh" || fail "uninstall.sh: $(cat "$work/uninstall.log")"
cat "$work/uninstall.log"
left=$(find "$home/.local" -type f ! -path "*/.local/share/welcome-center/*" 2>/dev/null \
  | grep -v -e '/mimeinfo.cache$' -e '/icon-theme.cache$' -e '/recently-used' -e '/pcmanfm/' \
    -e '/libfm/' || true)
[ -z "$left" ] && ok "nothing of the program left in HOME" || fail "left after uninstall: $left"
[ -s "$data/demo.db" ] && ok "the data folder kept: $(ls "$data" | tr '\n' ' ')" \
  || fail "the data folder was touched"

step "result"
cat "$shots/timings.txt"
echo "size: folder ${folder_mb} MB, tarball ${tar_mb} MB" | tee -a "$shots/timings.txt"
echo "screenshots: $shots"
if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "bundle test passed"
