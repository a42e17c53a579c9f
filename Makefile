# Set-up and everyday commands. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q src/transkit
	touch $(STAMP)

## run: sync, build and report on this repo's own sample project (offline)
run: $(STAMP)
	$(BIN)/transkit sync
	$(BIN)/transkit build
	$(BIN)/transkit status

## test: the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## bench: transkit and translate-toolkit side by side on a generated corpus (BENCH_N=1000)
bench: $(STAMP)
	$(BIN)/python bench/run.py --n $${BENCH_N:-1000} $(BENCH_ARGS)

clean:
	rm -rf build .pytest_cache .hypothesis
