# Two commands matter: `make run` and `make test`. Everything else is a step they need.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MO := translations/nl/LC_MESSAGES/messages.mo translations/en/LC_MESSAGES/messages.mo

.PHONY: run test test-fast setup translations extract bench dist clean

run: setup translations
	$(BIN)/vertrouwd $(ARGS)

test: setup translations
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-fast: setup translations
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not gui and not reliability and not slow"

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

clean:
	rm -rf $(VENV) build dist $(MO)
