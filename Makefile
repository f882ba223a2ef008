# Fresh Debian machine: `make run` starts the app in training mode; `make test` runs everything.
# Both set themselves up: Debian packages (when root), a .venv, the project installed into it.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := xvfb xauth fonts-noto-cjk gnome-keyring dbus dbus-x11 openssl \
	libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
	libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 imagemagick \
	poppler-utils \
	postgresql
TS := $(wildcard resources/translations/*.ts)
QM := $(TS:.ts=.qm)

.PHONY: run test lint sandbox screenshots bench package clean translations ts

.stamp-apt:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
		if [ -n "$$missing" ]; then \
			echo "installing Debian packages: $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		fi; \
	else echo "not root: assuming the Debian packages are installed: $(APT_PACKAGES)"; fi
	@touch $@

$(BIN)/pos-app: pyproject.toml | .stamp-apt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

resources/translations/%.qm: resources/translations/%.ts $(BIN)/pos-app
	$(BIN)/pyside6-lrelease -silent $< -qm $@

translations: $(QM)

# After changing UI strings: refresh the .ts sources, then fill in the Chinese (pyside6-linguist).
ts: $(BIN)/pos-app
	$(BIN)/pyside6-lupdate -extensions py -locations none -no-obsolete pos_app/ui pos_app/app.py \
		-ts resources/translations/pos_app_zh_CN.ts resources/translations/pos_app_en.ts

run: $(BIN)/pos-app translations
	@$(BIN)/python -m compileall -q pos_app  # bytecode as installed: a start compiles nothing
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ] && [ -z "$$QT_QPA_PLATFORM" ]; then \
		echo "no display: running under xvfb-run (set DISPLAY to see the window)"; \
		xvfb-run -a -s "-screen 0 1280x800x24" $(BIN)/pos-app gui; \
	else $(BIN)/pos-app gui; fi

sandbox: $(BIN)/pos-app
	$(BIN)/pos-app sandbox

lint: $(BIN)/pos-app
	$(BIN)/ruff check pos_app tests bench packaging
	$(BIN)/ruff format --check pos_app tests bench packaging
	$(BIN)/mypy

test: $(BIN)/pos-app translations lint
	dbus-run-session -- bash tests/with_keyring.sh $(BIN)/python -m pytest -q $(PYTEST_ARGS)

screenshots: $(BIN)/pos-app translations
	dbus-run-session -- bash tests/with_keyring.sh xvfb-run -a -s "-screen 0 1280x900x24" \
		$(BIN)/python -m pos_app.ui.screenshots docs/screenshots

bench: $(BIN)/pos-app
	$(BIN)/python bench/run_all.py docs/performance.md

# One-folder PyInstaller bundle in dist/pos_app (pyinstaller goes into the venv, build only), then
# the smoke test: the built binary's self-check and GUI start-up, offscreen, with a real keyring.
package: $(BIN)/pos-app translations
	PY=$(BIN)/python bash packaging/build.sh
	dbus-run-session -- bash tests/with_keyring.sh \
		env PERF_OUT=docs/performance-packaging.md bash packaging/smoke_test.sh dist/pos_app

clean:
	rm -rf $(VENV) .stamp-apt build dist resources/translations/*.qm
