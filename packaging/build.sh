#!/usr/bin/env bash
# Build the one-folder bundle dist/pos_app/ with PyInstaller (make package calls this, then
# packaging/smoke_test.sh). PyInstaller is a build-only tool: it goes into the venv here and is
# not a dependency of the app.
#
#   PY=.venv/bin/python bash packaging/build.sh
#
# On Windows run the same steps by hand (see packaging/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
PYINSTALLER_SPEC=${PYINSTALLER_SPEC:-"pyinstaller>=6.10,<7"}

if ! "$PY" -m PyInstaller --version >/dev/null 2>&1; then
  echo "installing $PYINSTALLER_SPEC into $(dirname "$BIN") (build only)"
  "$PY" -m pip install -q "$PYINSTALLER_SPEC"
fi

# The .qm files are built from the .ts sources (make translations does the same).
for ts in resources/translations/*.ts; do
  qm="${ts%.ts}.qm"
  if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
    "$BIN/pyside6-lrelease" -silent "$ts" -qm "$qm"
  fi
done

echo "PyInstaller $("$PY" -m PyInstaller --version): building dist/pos_app"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/pos_app.spec
du -sh dist/pos_app
