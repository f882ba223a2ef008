#!/usr/bin/env bash
# Install a built bundle (dist/pos_app) for this user or, as root, for the whole machine:
#
#   bash packaging/linux/install.sh [BUNDLE_DIR]          # default dist/pos_app
#   sudo bash packaging/linux/install.sh dist/pos_app     # system-wide, into /opt/pos_app
#   bash packaging/linux/install.sh --uninstall           # (sudo for a system-wide install)
#
# Per user: ~/.local/opt/pos_app, a `pos-app` link in ~/.local/bin, the menu entry and icons under
# ~/.local/share. As root: /opt/pos_app, /usr/local/bin/pos-app, /usr/local/share. Settings, the
# journal and logs are not touched by install or uninstall (they live in the user's folders:
# `pos-app self-check` prints where).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" = 0 ]; then
  PREFIX=/opt/pos_app BIN=/usr/local/bin SHARE=/usr/local/share
else
  PREFIX="$HOME/.local/opt/pos_app" BIN="$HOME/.local/bin" SHARE="$HOME/.local/share"
fi
ICON_SIZES="16 24 32 48 64 128 256"

refresh() {
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$SHARE/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$PREFIX"
  rm -f "$BIN/pos-app" "$SHARE/applications/pos-app.desktop"
  for s in $ICON_SIZES; do rm -f "$SHARE/icons/hicolor/${s}x${s}/apps/pos-app.png"; done
  rm -f "$SHARE/icons/hicolor/scalable/apps/pos-app.svg"
  refresh
  echo "removed pos_app from $PREFIX (settings and journal kept)"
  exit 0
fi

BUNDLE=$(cd "${1:-dist/pos_app}" && pwd)
[ -x "$BUNDLE/pos_app" ] || { echo "no bundle at $BUNDLE: run make package first" >&2; exit 2; }
RES="$BUNDLE/_internal/resources/icons"

mkdir -p "$(dirname "$PREFIX")" "$BIN" "$SHARE/applications"
rm -rf "$PREFIX.new"
cp -a "$BUNDLE" "$PREFIX.new"
rm -rf "$PREFIX"
mv "$PREFIX.new" "$PREFIX"
ln -sfn "$PREFIX/pos_app" "$BIN/pos-app"
for s in $ICON_SIZES; do
  install -D -m 0644 "$RES/pos_app_$s.png" "$SHARE/icons/hicolor/${s}x${s}/apps/pos-app.png"
done
install -D -m 0644 "$RES/pos_app.svg" "$SHARE/icons/hicolor/scalable/apps/pos-app.svg"
sed -e "s|^TryExec=.*|TryExec=$PREFIX/pos_app|" -e "s|^Exec=.*|Exec=$PREFIX/pos_app gui|" \
  "$HERE/pos-app.desktop" > "$SHARE/applications/pos-app.desktop"
chmod 0644 "$SHARE/applications/pos-app.desktop"
refresh
echo "installed pos_app in $PREFIX; menu entry 口碑券核销; command: $BIN/pos-app"
echo "check it: $BIN/pos-app self-check"
