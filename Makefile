# Two commands matter: `make run` and `make test`. Everything else is a step they need.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MO := translations/nl/LC_MESSAGES/messages.mo translations/en/LC_MESSAGES/messages.mo

.PHONY: run test test-fast lint setup translations extract bench dist selftest-bundle screenshots clean \
	test-windows dist-windows windows-setup selftest-windows

run: setup translations
	$(BIN)/vertrouwd $(ARGS)

# Build the bundle and run its self-test (CI proves the shipped program works), then every
# test; pytest's summary is the last line, the 25 slowest tests before it (CI shows where its
# time goes).
test: setup translations
	$(MAKE) dist
	$(MAKE) selftest-bundle
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q --durations=25 $(PYTEST_ARGS)

test-fast: setup translations
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not gui and not reliability and not slow"

# ruff (lint, not format) and mypy --strict on the core; settings in pyproject.toml.
lint: setup
	$(BIN)/ruff check app tests tools benchmarks
	$(BIN)/python -m mypy

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

translations: $(MO)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d translations -D messages -l $* --use-fuzzy

# Developer aid: refresh messages.pot and merge it into both catalogues.
extract: setup
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location --sort-output -o translations/messages.pot app
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages --no-fuzzy-matching --ignore-obsolete

# Benchmarks (issue 8): cached synthetic data under benchmarks/.data/, results in
# benchmarks/RESULTS.md. Under 10 minutes on 2 cores, the first run included (data generation).
bench: setup translations
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# The one-folder bundle dist/vertrouwd/ (see build.spec); about a minute on two cores.
# PyInstaller needs objdump on Linux (package binutils); say so before it starts.
dist: setup translations
	@[ "$$(uname)" != Linux ] || command -v objdump >/dev/null || \
		{ echo "make dist needs objdump: install binutils (apt-get install binutils)"; exit 1; }
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN build.spec

# Runs the built program from another folder, in portable mode (VertrouwdData/ next to it,
# so its log stays inside dist/ and the check proves portable mode is picked up).
SELFTEST_LOG := build/selftest.log
selftest-bundle:
	test -x dist/vertrouwd/vertrouwd || { echo "no bundle: run make dist first"; exit 1; }
	rm -rf dist/vertrouwd/VertrouwdData && mkdir -p dist/vertrouwd/VertrouwdData build
	cd / && env -u VERTROUWD_HOME -u QT_QPA_PLATFORM $(CURDIR)/dist/vertrouwd/vertrouwd \
		self-test > $(CURDIR)/$(SELFTEST_LOG) 2>&1; rc=$$?; cat $(CURDIR)/$(SELFTEST_LOG); \
		rm -rf $(CURDIR)/dist/vertrouwd/VertrouwdData; test $$rc -eq 0
	grep -q "^ok data-folder: .*VertrouwdData" $(SELFTEST_LOG) || \
		{ echo "the bundle did not use its portable VertrouwdData folder"; exit 1; }

# Regenerate every screenshot in docs/screenshots (widgets rendered offscreen with grab(),
# PDF pages with pdftoppm when poppler-utils is installed).
# Every window at the two smallest laptop screens: 1280×720 at 100 % (docs/screenshots/, the
# ones the guides show) and 1366×768 at 150 % (docs/screenshots/1366x768-150/).
screenshots: setup translations
	for script in tools/screenshots*.py; do \
		QT_QPA_PLATFORM=offscreen:configfile=$(CURDIR)/tools/screens/1280x720.json \
		VERTROUWD_SCREENSHOTS_OUT=docs/screenshots $(BIN)/python $$script || exit 1; \
		QT_QPA_PLATFORM=offscreen:configfile=$(CURDIR)/tools/screens/1366x768.json QT_SCALE_FACTOR=1.5 \
		VERTROUWD_SCREENSHOTS_OUT=docs/screenshots/1366x768-150 $(BIN)/python $$script || exit 1; \
	done

# --- Windows, under Wine (tools/windows/winenv.py; ../shared/design/WINDOWS.md) ---------------
# Sets up Wine, the Windows CPython 3.11 embeddable distribution and the Windows wheels of
# requirements.lock (cached in ~/.cache/vertrouwd-windows, or $VERTROUWD_WINDOWS_CACHE), then
# runs the whole test suite under Windows Python with a small drive mapped for the disk-full
# test; then builds the Windows bundle, MSI and zip and checks them (self-test, bundle content,
# install, upgrade, uninstall).
WINENV := $(BIN)/python tools/windows/winenv.py
WIN_BASETEMP := C:\users\Zoë Çelik\Temp\vertrouwd tests
WIN_DIST := dist/windows
WIN_BUNDLE := $(WIN_DIST)/Vertrouwd
WIN_BUNDLE_PATH := Z:$(subst /,\,$(CURDIR)/$(WIN_BUNDLE))
WIN_LOGS := build/windows

windows-setup: setup translations
	$(WINENV) setup

test-windows: windows-setup
	$(WINENV) python --small-drive --log $(WIN_LOGS)/pytest.log -- -m pytest -q \
		-p no:cacheprovider --color=no --basetemp "$(WIN_BASETEMP)" $(PYTEST_ARGS)
	$(MAKE) dist-windows
	$(BIN)/python tools/windows/check_msi.py

# dist/windows/Vertrouwd/ (Vertrouwd.exe windowed, vertrouwd-cli.exe console, one _internal),
# built by PyInstaller under Wine from build.spec (about 3 minutes on two cores); then its
# self-test, the check that it holds only known files, the MSI and the portable zip.
dist-windows: windows-setup
	rm -rf $(WIN_DIST)
	@echo "PyInstaller under Wine (about 3 minutes; its output: $(WIN_LOGS)/pyinstaller.log)"
	@# Its warnings without the ~350 about api-ms-win-* DLLs: Windows API sets (the Universal C
	@# Runtime among them), part of Windows 10 and 11, which Wine has no files for and no bundle
	@# ships.
	$(WINENV) python --log $(WIN_LOGS)/pyinstaller.log -- -m PyInstaller --noconfirm --clean \
		--log-level WARN --distpath $(WIN_DIST) --workpath $(WIN_LOGS)/pyinstaller build.spec \
		> $(WIN_LOGS)/pyinstaller.out 2>&1 < /dev/null; rc=$$?; \
		grep -v "could not resolve 'api-ms-win-" $(WIN_LOGS)/pyinstaller.out; test $$rc -eq 0
	$(MAKE) selftest-windows
	VERTROUWD_REQUIRE_WINDOWS_BUNDLE=1 $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/test_windows_bundle.py
	$(BIN)/python tools/windows/bundle_audit.py $(WIN_BUNDLE)
	$(BIN)/python tools/windows/make_msi.py --bundle $(WIN_BUNDLE)
	$(BIN)/python tools/windows/make_zip.py --bundle $(WIN_BUNDLE)

# Like selftest-bundle: vertrouwd-cli.exe self-test under Wine in portable mode (VertrouwdData\
# beside the exe, removed afterwards; the output must show it was used). Then Vertrouwd.exe:
# it opens the window (and quits at once, VERTROUWD_BENCH_EXIT_ON_SHOWN) and, given a command,
# points to vertrouwd-cli.exe (written to its redirected stderr here, a message box otherwise).
selftest-windows:
	test -f $(WIN_BUNDLE)/vertrouwd-cli.exe || { echo "no Windows bundle: run make dist-windows first"; exit 1; }
	rm -rf $(WIN_BUNDLE)/VertrouwdData && mkdir -p $(WIN_BUNDLE)/VertrouwdData
	env -u VERTROUWD_HOME $(WINENV) run --log $(WIN_LOGS)/selftest.log -- \
		'$(WIN_BUNDLE_PATH)\vertrouwd-cli.exe' self-test < /dev/null; rc=$$?; \
		rm -rf $(WIN_BUNDLE)/VertrouwdData; test $$rc -eq 0
	grep -q "^ok data-folder: .*VertrouwdData" $(WIN_LOGS)/selftest.log || \
		{ echo "the Windows bundle did not use its portable VertrouwdData folder"; exit 1; }
	mkdir -p $(WIN_BUNDLE)/VertrouwdData
	env -u VERTROUWD_HOME VERTROUWD_BENCH_EXIT_ON_SHOWN=1 $(WINENV) run \
		--log $(WIN_LOGS)/windowed.log -- '$(WIN_BUNDLE_PATH)\Vertrouwd.exe' < /dev/null; \
		rc=$$?; rm -rf $(WIN_BUNDLE)/VertrouwdData; test $$rc -eq 0
	grep -qi "^VERTROUWD_SHOWN .*wizard" $(WIN_LOGS)/windowed.log || \
		{ echo "Vertrouwd.exe did not open its window"; exit 1; }
	env -u VERTROUWD_HOME $(WINENV) run --log $(WIN_LOGS)/windowed-command.log -- \
		'$(WIN_BUNDLE_PATH)\Vertrouwd.exe' self-test < /dev/null; test $$? -eq 2
	grep -q "vertrouwd-cli.exe self-test" $(WIN_LOGS)/windowed-command.log || \
		{ echo "Vertrouwd.exe did not point a command to vertrouwd-cli.exe"; exit 1; }
	@echo "Windows bundle: $$(du -sm $(WIN_BUNDLE) | cut -f1) MB, $$(find $(WIN_BUNDLE) -type f | wc -l) files"

clean:
	rm -rf $(VENV) build dist $(MO)
