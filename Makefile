VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install check test pg-test messages

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

# The gettext catalogues (docs/i18n.md): extract every marked sentence into
# messages.pot, merge it into each language's messages.po, compile the .mo files that
# ship in the wheel. Translate the new entries in the .po, then run it again.
# A ledger error's key is its sentence's context (LedgerError:1c,2).
BABEL_KEYWORDS = -k _ -k N_ -k Term -k ngettext:1,2 -k pgettext:1c,2 \
	-k LedgerError:1c,2 -k ImportRejected:2c,3
LOCALE_DIR = reciprocity/locale

messages:
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
		--project=reciprocity --copyright-holder="Reciprocity" -o $(LOCALE_DIR)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages \
		--no-wrap --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile -d $(LOCALE_DIR) -D messages --statistics
