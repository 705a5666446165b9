# Two commands matter: `make run` and `make test`. Everything else is a step they need.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MO := translations/nl/LC_MESSAGES/messages.mo translations/en/LC_MESSAGES/messages.mo

.PHONY: run test test-fast lint setup translations extract bench dist selftest-bundle screenshots clean \
	test-windows dist-windows windows-setup

run: setup translations
	$(BIN)/vertrouwd $(ARGS)

# Build the bundle and run its self-test (CI proves the shipped program works), then every
# test; pytest's summary is the last line.
test: setup translations
	$(MAKE) dist
	$(MAKE) selftest-bundle
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q $(PYTEST_ARGS)

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
screenshots: setup translations
	for script in tools/screenshots*.py; do QT_QPA_PLATFORM=offscreen $(BIN)/python $$script || exit 1; done

# --- Windows, under Wine (tools/windows/winenv.py; ../shared/design/WINDOWS.md) ---------------
# Sets up Wine, the Windows CPython 3.11 embeddable distribution and the Windows wheels of
# requirements.lock (cached in ~/.cache/vertrouwd-windows), then runs the whole test suite
# under Windows Python with a small drive mapped for the disk-full test; then builds the Windows
# bundle and MSI and checks them (self-test, install, upgrade, uninstall).
WINENV := $(BIN)/python tools/windows/winenv.py
WIN_BASETEMP := C:\users\Zoë Çelik\Temp\vertrouwd tests

windows-setup: setup translations
	$(WINENV) setup

test-windows: windows-setup
	$(WINENV) python --small-drive --log build/windows/pytest.log -- -m pytest -q \
		-p no:cacheprovider --color=no --basetemp "$(WIN_BASETEMP)" $(PYTEST_ARGS)
	$(MAKE) dist-windows

dist-windows: windows-setup
	$(WINENV) python --log build/windows/pyinstaller.log -- -m PyInstaller --noconfirm --clean \
		--log-level WARN --distpath dist/windows --workpath build/windows/pyinstaller build.spec

clean:
	rm -rf $(VENV) build dist $(MO)
