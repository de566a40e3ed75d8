# firstline: `make demo` to try it, `make test` to run the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist): two on a two-core machine; TEST_WORKERS=0 runs the suite in one.
TEST_WORKERS ?= 2
VAR := $(or $(FIRSTLINE_VAR),var)

.PHONY: install demo serve test test-pg lint bench messages openapi clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The server in the foreground, a task worker beside it. Ctrl-C reaches both (one process group):
# the shell's INT trap only exits, and its EXIT trap stops the worker once and waits for it. (A trap
# that ran `kill 0` signalled the shell itself from inside its own trap, over and over, until it
# crashed: the "Segmentation fault" make used to print.) A recipe, not a sub-make, so that make has
# no child dying of SIGINT to report as "Interrupt".
# Without Django's DEBUG pages (a missing page is the app's own 404, never the list of every URL), the
# static files served by runserver --insecure; FIRSTLINE_DEBUG=1 make serve brings DEBUG back.
define serve_recipe
	@mkdir -p $(VAR)
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops the server and the task worker)"
	@$(BIN)/python manage.py db_worker --interval 0.5 >$(VAR)/worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; echo "Stopped the server and the task worker."' EXIT; \
	  trap 'exit 0' INT TERM; \
	  FIRSTLINE_DEBUG=$${FIRSTLINE_DEBUG:-0} $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT) --insecure
endef

## Install, migrate a SQLite database, load the demo community, serve it with a task worker.
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --url http://$(HOST):$(PORT)/
	$(serve_recipe)

serve: install
	$(serve_recipe)

## The whole suite; with DATABASE_URL=postgres://... it runs on PostgreSQL.
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: install
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)
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
