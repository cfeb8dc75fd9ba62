# Two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-faults bench lint print-check catalog clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,team]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/recruiter

# The suite runs on every core (pytest-xdist; JOBS=0 for one process, JOBS=4 for four). Tests
# go to whichever process is free (worksteal: the kill tests take minutes, most others a fraction
# of a second). `make test` kills each long command FAULT_TRIALS times; `make test-faults` runs
# the kill suite alone with its full 20 trials.
JOBS ?= auto
FAULT_TRIALS ?= 10
PYTEST := QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider
PARALLEL := -n $(JOBS) --dist worksteal

test: $(STAMP)
	RECRUITER_FAULT_TRIALS=$${RECRUITER_FAULT_TRIALS:-$(FAULT_TRIALS)} $(PYTEST) $(PARALLEL)

test-faults: $(STAMP)
	$(PYTEST) $(PARALLEL) -m slow

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(if $(SCALE),SCALE=$(SCALE),) $(BIN)/python -m benchmarks.run $(if $(QUICK),--quick,)

# The workbook as LibreOffice prints it, to build/print-check/ (look at the PDF), and the test that
# checks its pages. Needs soffice and Carlito (Debian: libreoffice-calc fonts-crosextra-carlito).
print-check: $(STAMP)
	mkdir -p build/print-check
	$(BIN)/python -m recruiter --db build/print-check/demo.db demo --size 2000 --force
	$(BIN)/python -m recruiter --db build/print-check/demo.db export build/print-check/weekly.xlsx
	$(BIN)/python -m recruiter --db build/print-check/demo.db brief build/print-check/brief.pdf
	soffice -env:UserInstallation=file://$(CURDIR)/build/print-check/profile --headless \
		--convert-to pdf --outdir build/print-check build/print-check/weekly.xlsx
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider tests/unit/test_print_check.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The translation catalog (docs/i18n.md): extract the source strings, merge them into each
# language's .po (translate the new entries there), compile the .mo files that ship.
LOCALE := recruiter/locale
catalog: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output --no-wrap --project=Recruiter -k NC_:1c,2 \
		-o $(LOCALE)/recruiter.pot recruiter
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --no-wrap \
		-i $(LOCALE)/recruiter.pot -d $(LOCALE) -D recruiter
	$(BIN)/pybabel compile -d $(LOCALE) -D recruiter --statistics

clean:
	rm -rf $(VENV) build *.egg-info

# The same suite on PostgreSQL: a throwaway cluster (.ci/pg) and a fresh database per test.
# SQLite-file tests (marked sqlite_only) and the slow SQLite fault suite are left to `make test`.
.PHONY: test-pg
test-pg: $(STAMP)
	RECRUITER_TEST_DB_URL=$${RECRUITER_TEST_DB_URL:-$$(.ci/pg start)} $(PYTEST) $(PARALLEL) -m "not slow"
