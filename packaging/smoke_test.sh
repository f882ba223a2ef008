#!/usr/bin/env bash
# Smoke test of a built bundle: runs it as a shop would, without Python, and measures it.
#
#   bash packaging/smoke_test.sh [BUNDLE_DIR]          # default dist/pos_app
#
# 1. `pos_app self-check` offscreen on a throw-away home: keyring backend, zh_CN translations
#    (ours and Qt's), data folder, a training-mode redemption against the bundled simulator.
#    With a Secret Service on the session bus (make package runs us under dbus-run-session and
#    tests/with_keyring.sh) a missing keyring backend fails the test (--require-keyring).
# 2. The GUI, offscreen, until it logs "runtime started" (after "start window shown" and "GUI
#    started"); then it is closed (SIGTERM).
# Prints the bundle's size and both start-up times; with PERF_OUT=FILE also writes them there
# as Markdown (make package: docs/performance-packaging.md).
set -euo pipefail

BUNDLE=${1:-dist/pos_app}
EXE="$BUNDLE/pos_app"
[ -x "$EXE" ] || { echo "smoke test: no executable at $EXE (run make package)" >&2; exit 2; }
export QT_QPA_PLATFORM=offscreen
WORK=$(mktemp -d)
GUI_PID=""
cleanup() {
  if [ -n "$GUI_PID" ] && kill -0 "$GUI_PID" 2>/dev/null; then kill "$GUI_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
fail() { echo "smoke test FAILED: $*" >&2; exit 1; }

require=()
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -n "${GNOME_KEYRING_CONTROL:-}" ]; then
  require=(--require-keyring)
fi

# --- 1. self-check (run twice: the first run warms the disk cache; the second is timed) ----------
"$EXE" --home "$WORK/warm" self-check >/dev/null 2>&1 || true
t0=$(now)
set +e
"$EXE" --home "$WORK/home" self-check "${require[@]}" >"$WORK/self-check.txt" 2>"$WORK/self-check.err"
status=$?
set -e
t1=$(now)
self_check_s=$(elapsed "$t0" "$t1")
cat "$WORK/self-check.txt"
[ "$status" = 0 ] || { cat "$WORK/self-check.err" >&2; fail "self-check exited $status"; }
grep -q '(frozen,' "$WORK/self-check.txt" || fail "not running from the frozen bundle"
for label in keyring translations "data folder" "training redemption"; do
  grep -q "OK \] $label:" "$WORK/self-check.txt" || fail "no passing '$label' line"
done
grep -q "pos_app_zh_CN.qm" "$WORK/self-check.txt" || fail "our zh_CN translation not loaded"
grep -q "qtbase_zh_CN.qm" "$WORK/self-check.txt" || fail "Qt's qtbase_zh_CN not loaded"
grep -q "training redemption: SUCCEEDED" "$WORK/self-check.txt" || fail "demo redemption"
keyring_line=$(grep "OK \] keyring:" "$WORK/self-check.txt" | sed 's/^.*keyring: //; s/ (.*$//')
[ "${#require[@]}" = 0 ] || grep -q "SecretService" "$WORK/self-check.txt" \
  || fail "a Secret Service runs but the bundle did not use it"

# --- 2. GUI start-up, offscreen -----------------------------------------------------------------
gui_home="$WORK/gui"
log="$gui_home/logs/pos_app.log"
t0=$(now)
"$EXE" --home "$gui_home" gui >"$WORK/gui.out" 2>&1 &
GUI_PID=$!
shell_s="" gui_s="" connected_s=""
for _ in $(seq 1 6000); do  # up to 60 s, looked at every 10 ms
  if [ -f "$log" ]; then
    [ -n "$shell_s" ] || ! grep -q "start window shown" "$log" || shell_s=$(elapsed "$t0" "$(now)")
    [ -n "$gui_s" ] || ! grep -q "GUI started" "$log" || gui_s=$(elapsed "$t0" "$(now)")
    [ -n "$connected_s" ] || ! grep -q "runtime started" "$log" \
      || connected_s=$(elapsed "$t0" "$(now)")
    [ -z "$connected_s" ] || break
  fi
  kill -0 "$GUI_PID" 2>/dev/null || { cat "$WORK/gui.out" >&2; fail "the GUI exited early"; }
  sleep 0.01
done
[ -n "$connected_s" ] || { cat "$WORK/gui.out" >&2; fail "the GUI did not start within 60 s"; }
kill "$GUI_PID" 2>/dev/null || true
wait "$GUI_PID" 2>/dev/null || true
GUI_PID=""
if grep -q "CRITICAL\|Traceback" "$log"; then cat "$log" >&2; fail "errors in the GUI's log"; fi

# --- figures -------------------------------------------------------------------------------------
size=$(du -sh "$BUNDLE" | cut -f1)
size_mb=$(du -sm "$BUNDLE" | cut -f1)
files=$(find "$BUNDLE" -type f | wc -l)
echo "bundle: $BUNDLE $size ($files files)"
echo "start-up: self-check done in ${self_check_s} s; GUI (offscreen): start window ${shell_s} s," \
  "main window ${gui_s} s, connected ${connected_s} s"
echo "smoke test passed"

if [ -n "${PERF_OUT:-}" ]; then
  cat >"$PERF_OUT" <<EOF
## Packaging

Measured by \`make package\` (packaging/smoke_test.sh) on $(date -u +%Y-%m-%d), $(uname -sm),
PyInstaller one-folder build of pos_app $(grep -o '^__version__ = "[^"]*"' pos_app/__init__.py 2>/dev/null | cut -d'"' -f2).
Wall-clock times from process start, warm disk cache, \`QT_QPA_PLATFORM=offscreen\`.

| figure | value |
|---|---|
| bundle size (\`du\` of \`dist/pos_app\`) | ${size_mb} MB (${files} files) |
| \`pos_app self-check\` done (start, Qt translations, keyring, simulator, one redemption, exit) | ${self_check_s} s |
| GUI: the start window shown, taking scans ("start window shown" in the log) | ${shell_s} s |
| GUI: the main window in its place ("GUI started" in the log) | ${gui_s} s |
| GUI: simulator and keyring up, 正在连接 over ("runtime started" in the log) | ${connected_s} s |
| keyring backend found by the bundle | ${keyring_line} |
EOF
  echo "figures written to $PERF_OUT"
fi
