# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INSTALLED := $(VENV)/.installed

.PHONY: run test install lint messages bench

# `make run` shows the site as its users see it: DEBUG off (the site's own error pages, static
# files collected and served by whitenoise), over plain HTTP on the loopback address. The
# secret below is for this demo only; each variable may be set in the environment instead.
run: export DEBUG ?= false
run: export HTTPS ?= false
run: export SECRET_KEY ?= demo-only-secret-of-make-run-never-use-it-in-production
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@# The task worker builds large XLSX exports; it stops with the server.
	$(BIN)/python manage.py db_worker --backend background & worker=$$!; \
	trap 'kill $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/pytest

# DEBUG is off unless asked for, and then the settings want a SECRET_KEY: the developer's tools
# below run as development does.
lint messages bench: export DEBUG ?= true

install: $(INSTALLED)

# The versions come from constraints.txt, so every machine installs the same set.
$(INSTALLED): requirements.txt requirements-dev.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -r requirements-dev.txt
	touch $@

# The benchmark suite (bench/run.py): fills SQLite and PostgreSQL with 150,000 units, measures,
# writes bench/RESULTS.md. Takes about half an hour; not part of `make test`.
bench: install
	command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/bandit --quiet --recursive workplace cms union_site --severity-level high

# Refresh the translation catalogues after changing user-facing strings.
messages: install
	$(BIN)/python manage.py makemessages --locale vi --locale en --no-obsolete \
		--ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'fixtures/*' --ignore 'docs/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'
