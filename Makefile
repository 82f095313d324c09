# CĐS Portal: two commands.
#   make run   — install, migrate, load the catalogue and demo data, serve http://127.0.0.1:8000 (SQLite, eager tasks)
#   make test  — lint, Django checks, migrations check and the whole test suite
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1:8000

.PHONY: run test install system-deps lint check migrate demo serve worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

serve:
	@echo "CĐS Portal: http://$(HOST)/  (đăng nhập bằng một tài khoản dùng thử ở trên)"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

run: demo serve

lint: install
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check .

check: install
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

system-deps:
	@bash .ci/system-deps

test: install system-deps lint check
	DEBUG=1 $(BIN)/pytest $(PYTEST_ARGS)

worker: install
	$(BIN)/celery -A cds_portal worker --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache
