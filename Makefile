# Every target that needs Python creates .venv first and installs the pinned
# dependencies (constraints.txt), so a fresh clone needs nothing else.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SIZE   ?= 40000
SEED   ?= 20261129

.PHONY: install run test lint format sample bench bench-scale serve clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	# Prefect's local database, migrated now so the first flow run starts warm (prefect.toml sets PREFECT_HOME=.prefect).
	$(BIN)/prefect server database upgrade -y > /dev/null
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/relief-leads run

# Lint, format and type checks first: CI (.ci/run) runs this target, so it enforces them.
test: lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline flows benchmarks tests sample_data
	$(BIN)/ruff format --check pipeline flows benchmarks tests sample_data
	$(BIN)/mypy pipeline flows benchmarks

format: $(STAMP)
	$(BIN)/ruff format pipeline flows benchmarks tests sample_data
	$(BIN)/ruff check --fix pipeline flows benchmarks tests sample_data

sample: $(STAMP)
	$(BIN)/python -m sample_data.generator --size $(SIZE) --seed $(SEED) --out bench_data/county-$(SIZE)

bench: $(STAMP)
	$(BIN)/relief-leads bench linkage --size $(SIZE)
	$(BIN)/relief-leads bench ranking --size $(SIZE)
	$(BIN)/relief-leads bench febrl4

# Whole pipeline at four sizes up to a 9 M-row province (generated once into bench_data/:
# the 9 M one takes the generator tens of minutes and ~10 GB), time and peak RSS per stage;
# with Splink 5 on DuckDB beside our linker up to 2 M (the `splink` extra, installed here;
# `make test` never needs it).
SIZES ?= 200000,600000,2000000,9000000
bench-scale: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[splink]"
	$(BIN)/python -m benchmarks.scale --sizes $(SIZES) --splink --json bench_data/bench-scale.json

# A local Prefect server on 127.0.0.1:4200 (started in the background unless one answers
# already) and the `nightly` (cron from schemas/schedule.yaml) and `adhoc` deployments.
# Prefect's settings come from ./prefect.toml, its state from .prefect/ (docs/operations.md).
# It prints `export PREFECT_API_URL=…`: other shells need it before `prefect deployment run`.
serve: $(STAMP)
	PREFECT_HOME=$(CURDIR)/.prefect $(BIN)/python -m flows.serve

clean:
	rm -rf $(VENV) runs bench_data .pytest_cache .ruff_cache .mypy_cache
