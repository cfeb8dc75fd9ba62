# Two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-faults bench lint catalog clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/recruiter

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider

test-faults: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -m slow

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run $(if $(QUICK),--quick,)

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
