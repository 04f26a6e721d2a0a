VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install check test pg-test

install:
	python3 -m venv $(VENV) && $(BIN)/pip install -e '.[dev]'

check:
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy reciprocity tests
	$(BIN)/lint-imports

test:
	$(BIN)/pytest

# The PostgreSQL half of the suite against a local server, e.g.
#   make pg-test PG_URL=postgresql+psycopg://user:pw@127.0.0.1:5432/reciprocity_test
pg-test:
	RECIPROCITY_TEST_PG_URL=$(PG_URL) $(BIN)/pytest -m pg
