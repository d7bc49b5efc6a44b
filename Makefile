# Zeal: `make run` serves a demo world, `make test` runs the whole suite. Only python3 is assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format migrate demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

## Create .venv, install, migrate the SQLite database, load the demo world once, and serve.
run: $(STAMP)
	$(BIN)/zeal db upgrade
	$(BIN)/zeal demo
	ZEAL_DEMO_HINT=true ZEAL_WEBHOOK_ALLOW_PRIVATE=true $(BIN)/zeal serve

# The browser tests drive Debian's Chromium; install it when it is missing (as root, or via sudo).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests"
	$$( [ "$$(id -u)" = 0 ] || echo sudo ) sh -c 'apt-get install -y --no-install-recommends chromium || (apt-get update && apt-get install -y --no-install-recommends chromium)'

## Install and run the whole suite (ZEAL_TEST_DATABASES=sqlite,postgresql,mariadb for all three).
test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest

## Benchmarks; they print their figures.
bench: $(STAMP)
	$(BIN)/python -m bench.compare
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.webhooks
	$(BIN)/python -m bench.friends
	$(BIN)/python -m bench.badges
	$(BIN)/python -m bench.leaderboards
	$(BIN)/python -m bench.leagues
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.load

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

migrate: $(STAMP)
	$(BIN)/zeal db upgrade

demo: $(STAMP)
	$(BIN)/zeal demo

clean:
	rm -rf $(VENV) zeal.db zeal.db-wal zeal.db-shm .pytest_cache .ruff_cache .hypothesis
