#!/bin/sh
# Install the Welcome Center desk from this unpacked folder.
#
#   ./install.sh              for you alone (the default; the same as --user): no administrator
#                             rights needed
#   sudo ./install.sh --system   for every user of this computer
#
# --user:   the program in ~/.local/lib/welcome-center, the command ~/.local/bin/welcome-center,
#           the menu entry ~/.local/share/applications/welcome-center.desktop and its icons
#           ~/.local/share/icons/hicolor/<size>/apps/welcome-center.png (.svg)
# --system: /opt/welcome-center, /usr/local/bin/welcome-center, /usr/share/applications,
#           /usr/share/icons/hicolor
#
# Every file put outside the program's folder is listed in <program folder>/installed-files;
# uninstall.sh removes exactly those and the program's folder. The data (the database, its key
# file, the backups) is not here but in each user's data folder, ~/.local/share/welcome-center:
# neither this script nor uninstall.sh touches it. Installing again (an update) replaces the
# program and keeps the data; the program upgrades the database itself at its next start,
# after a backup.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
name=welcome-center
sizes="16 22 24 32 48 64 96 128 256 512"

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
}

mode=user
case "${1:-}" in
  "" | --user) mode=user ;;
  --system) mode=system ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

if [ "$mode" = user ]; then
  [ "$(id -u)" != 0 ] || echo "note: installing for root only; use --system for every user" >&2
  data_home=${XDG_DATA_HOME:-$HOME/.local/share}
  appdir=$HOME/.local/lib/$name
  bindir=$HOME/.local/bin
  appsdir=$data_home/applications
  iconsdir=$data_home/icons/hicolor
else
  if [ "$(id -u)" != 0 ]; then
    echo "--system needs administrator rights: sudo $0 --system" >&2
    exit 1
  fi
  appdir=/opt/$name
  bindir=/usr/local/bin
  appsdir=/usr/share/applications
  iconsdir=/usr/share/icons/hicolor
fi

[ -x "$here/app/$name" ] || { echo "not an unpacked desk bundle: $here/app/$name missing" >&2; exit 1; }

# An earlier version is replaced: its own uninstall removes what it put outside its folder.
if [ -f "$appdir/installed-files" ] && [ -x "$appdir/uninstall.sh" ]; then
  echo "replacing the installed version $(cat "$appdir/VERSION" 2>/dev/null || echo '?')"
  "$appdir/uninstall.sh" "--$mode" --quiet
elif [ -e "$appdir" ]; then
  echo "$appdir exists and was not installed by this script: move it away first" >&2
  exit 1
fi

# The program: copied beside, then moved into place (a failed copy leaves no half program).
mkdir -p "$(dirname "$appdir")"
rm -rf "$appdir.new"
cp -R "$here/app" "$appdir.new"
cp "$here/uninstall.sh" "$here/VERSION" "$here/README.txt" "$appdir.new/"
chmod 755 "$appdir.new/uninstall.sh"
mv "$appdir.new" "$appdir"
manifest=$appdir/installed-files
: > "$manifest"
installed() { echo "$1" >> "$manifest"; }

# The command.
mkdir -p "$bindir"
ln -sf "$appdir/$name" "$bindir/$name"
installed "$bindir/$name"

# The menu entry, pointing at the program by its full path (a menu does not read ~/.bashrc).
entry=$(mktemp -d)/$name.desktop
sed -e "s|^Exec=.*|Exec=$appdir/$name|" -e "s|^TryExec=.*|TryExec=$appdir/$name|" \
  "$here/share/applications/$name.desktop" > "$entry"
if command -v xdg-desktop-menu >/dev/null 2>&1; then
  XDG_UTILS_INSTALL_MODE=$mode xdg-desktop-menu install --mode "$mode" --novendor "$entry"
else
  mkdir -p "$appsdir"
  cp "$entry" "$appsdir/$name.desktop"
  chmod 644 "$appsdir/$name.desktop"
fi
rm -rf "$(dirname "$entry")"
installed "$appsdir/$name.desktop"

# The icons, one per size, and the drawing for any size.
use_xdg_icons=no
command -v xdg-icon-resource >/dev/null 2>&1 && use_xdg_icons=yes
for size in $sizes; do
  png=$here/share/icons/hicolor/${size}x${size}/apps/$name.png
  [ -f "$png" ] || continue
  if [ "$use_xdg_icons" = yes ]; then
    xdg-icon-resource install --noupdate --mode "$mode" --novendor --context apps \
      --size "$size" "$png" "$name"
  else
    mkdir -p "$iconsdir/${size}x${size}/apps"
    cp "$png" "$iconsdir/${size}x${size}/apps/$name.png"
  fi
  installed "$iconsdir/${size}x${size}/apps/$name.png"
done
mkdir -p "$iconsdir/scalable/apps"
cp "$here/share/icons/hicolor/scalable/apps/$name.svg" "$iconsdir/scalable/apps/$name.svg"
installed "$iconsdir/scalable/apps/$name.svg"
if [ "$use_xdg_icons" = yes ]; then
  xdg-icon-resource forceupdate --mode "$mode" || true
elif command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -t "$iconsdir" 2>/dev/null || true
fi
echo "$mode" > "$appdir/installed-mode"

echo "Welcome Center $(cat "$here/VERSION") installed ($mode) in $appdir"
echo "  menu: Office > Welcome Center;  command: $bindir/$name"
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) echo "  ($bindir is not in PATH: start it from the menu or by its full path)" ;;
esac
echo "  data: each user's ~/.local/share/welcome-center (not touched by install or uninstall)"
echo "  remove: $appdir/uninstall.sh${mode:+ --$mode}"
