# firstline: `make demo` to try it, `make test` to run the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo serve test test-pg lint bench messages openapi clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Install, migrate a SQLite database, load the demo community, serve it with a task worker.
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(MAKE) --no-print-directory serve

serve: install
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops the server and the task worker)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/python manage.py db_worker --interval 0.5 >var/worker.log 2>&1 & \
	  $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

## The whole suite; with DATABASE_URL=postgres://... it runs on PostgreSQL.
test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/run_all.py

messages: install
	cd src/firstline && ../../$(BIN)/python ../../manage.py makemessages -l zh_Hans --no-obsolete && \
	  ../../$(BIN)/python ../../manage.py compilemessages -l zh_Hans

openapi: install
	$(BIN)/python manage.py export_openapi docs/openapi.json

clean:
	rm -rf $(VENV) var
