# The two commands of the README: `make run` and `make test`. Each installs what it needs.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

# WeasyPrint's system libraries (without harfbuzz-subset rendering is ~9x slower); gettext
# compiles the French catalogue.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext
# The tests also drive a real browser (Playwright cannot download one here) and read PDFs.
TEST_DEBIAN_PACKAGES := chromium poppler-utils

# The compiled catalogues (.mo) are built from the committed .po files, never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

.PHONY: run stop test bench setup test-setup system-packages lint messages

setup: system-packages $(VENV)/.installed node_modules/.installed messages

# What `manage.py compilemessages` runs, without starting Django (and its embedded database).
messages: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

test-setup: setup
	@$(MAKE) --no-print-directory system-packages DEBIAN_PACKAGES="$(TEST_DEBIAN_PACKAGES)"

system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

# The app with demo data on embedded defaults: an embedded PostgreSQL server under var/
# (started on demand, left running for the next command), tasks inline, mail to the console,
# a development signing key under var/.
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Stop the embedded PostgreSQL server that `make run` left running.
stop:
	@$(BIN)/python -c "import os; from pathlib import Path; from config.embedded_postgres import embedded_stop; \
	var = Path(os.environ.get('DJANGO_VAR_DIR', 'var')); \
	print('Stopped the embedded PostgreSQL server.' if embedded_stop(var) else 'It was not running.')"

# The whole suite, against this machine's PostgreSQL and Redis unless told otherwise.
test: test-setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/1} \
	$(BIN)/pytest $(PYTEST_ARGS)

# Every benchmarks/*.py, one table of ratios against targets; BENCH_ARGS=--short for CI's sizes.
bench: setup
	$(BIN)/python benchmarks/run_all $(BENCH_ARGS)

lint: setup
	$(BIN)/ruff check .
