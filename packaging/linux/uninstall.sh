#!/bin/sh
# Remove the Welcome Center desk installed by install.sh: exactly the files it listed in
# <program folder>/installed-files (the command, the menu entry, the icons) and the program's
# folder. Never the data: the database, its key file and the backups stay in each user's
# ~/.local/share/welcome-center (or the folder WELCOME_CENTER_DATA names); delete that folder
# yourself once you are sure nobody needs it any more (and keep a backup with its key file).
#
#   ./uninstall.sh            what install.sh put in for you (--user, the default)
#   sudo ./uninstall.sh --system   what install.sh --system put in for everyone
set -eu

name=welcome-center
mode=user
quiet=no
for arg in "$@"; do
  case "$arg" in
    --user) mode=user ;;
    --system) mode=system ;;
    --quiet) quiet=yes ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $arg (--user or --system)" >&2; exit 2 ;;
  esac
done

if [ "$mode" = user ]; then
  appdir=$HOME/.local/lib/$name
else
  appdir=/opt/$name
fi
manifest=$appdir/installed-files
if [ ! -f "$manifest" ]; then
  echo "no Welcome Center installed ($mode) in $appdir" >&2
  exit 1
fi

# The menu tools keep their caches and menus in step; what they leave is removed by hand below.
if command -v xdg-desktop-menu >/dev/null 2>&1; then
  xdg-desktop-menu uninstall --mode "$mode" "$name.desktop" 2>/dev/null || true
fi
if command -v xdg-icon-resource >/dev/null 2>&1; then
  for size in $(sed -n 's|.*/\([0-9]*\)x[0-9]*/apps/.*|\1|p' "$manifest"); do
    xdg-icon-resource uninstall --noupdate --mode "$mode" --context apps --size "$size" \
      "$name" 2>/dev/null || true
  done
fi
while IFS= read -r path; do
  case "$path" in
    */$name | */$name.desktop)
      rm -f "$path" ;;
    */apps/$name.png | */apps/$name.svg)
      rm -f "$path"
      # In a home folder, the size's folders when nothing else is in them (made by install;
      # the system's belong to its icon theme package and stay).
      if [ "$mode" = user ]; then
        rmdir "$(dirname "$path")" "$(dirname "$(dirname "$path")")" 2>/dev/null || true
      fi ;;
    *) echo "left alone (not one of ours): $path" >&2 ;;
  esac
done < "$manifest"
if command -v xdg-icon-resource >/dev/null 2>&1; then
  xdg-icon-resource forceupdate --mode "$mode" 2>/dev/null || true
fi

# The program's folder, only when it is ours (it holds the program and the list).
if [ -x "$appdir/$name" ] && [ -d "$appdir/_internal" ]; then
  rm -rf "$appdir"
fi

if [ "$quiet" = no ]; then
  echo "Welcome Center removed ($mode) from $appdir."
  echo "The data was not touched: each user's ~/.local/share/welcome-center"
  echo "(the database welcome-center.db, its key file welcome-center.db.keys and backups/)."
fi
