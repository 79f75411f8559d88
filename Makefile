# The two commands of the quick start:
#   make run    set up, migrate, load the Liaocheng demo, run web + worker + beat on 127.0.0.1:8000
#   make test   set up and run the whole check: ruff, manage.py check, makemigrations --check, pytest
# Both work on a fresh machine with Python 3.11 and no servers. Set DATABASE_URL and
# CELERY_BROKER_URL to run on PostgreSQL and Redis instead (see README.md).
#   make lock   recompile requirements.txt and requirements-dev.txt (pinned, with hashes) from the .in files
#   make faults the fault drills (README "Fault drills"), never part of make test: they need redis-server
#               and PostgreSQL 15's binaries, and start servers of their own on free loopback ports

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test faults setup lint format messages clean chromium lock

# requirements-dev.txt is the whole locked set (the runtime's and the tools'), every file checked against its
# hash; pip itself is pinned there too.
$(STAMP): requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "Python 3.11 or newer is required (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	@touch $@

setup: $(STAMP)

run: export DEBUG ?= 1
run: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	@echo "Open http://127.0.0.1:8000/ and sign in as admin, leader, inspector or staff (password liaocheng2018). Ctrl-C stops everything."
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f Procfile.dev start

test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check --settings=config.test_settings
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.test_settings
	$(BIN)/pytest -n auto --dist loadfile

# Redis stopped while reminders are due, PostgreSQL restarted under load, a worker killed mid-build:
# gunicorn and Celery as in production, on a private PostgreSQL cluster and Redis. A few minutes.
faults: $(STAMP)
	$(BIN)/pytest -p no:xdist -m faults faults

# The browser tests drive Debian's chromium. Installed here when missing and we may (root with apt);
# otherwise those tests are skipped with a message, or fail under REQUIRE_SERVICES=1.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is not installed: install Debian's chromium (sudo apt-get install chromium) to run the browser tests."; \
	  fi; }

# The lock, compiled from PyPI alone (not from a machine's own mirror or wheel folder) so its hashes are PyPI's.
# Keeps every pinned version that the .in files still allow; `make lock UPGRADE=--upgrade` (or
# UPGRADE='--upgrade-package Django') moves them.
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(STAMP)
	env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	  $(BIN)/pip-compile $(LOCK_FLAGS) $(UPGRADE) --output-file=requirements.txt requirements.in
	env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	  $(BIN)/pip-compile $(LOCK_FLAGS) $(UPGRADE) --output-file=requirements-dev.txt requirements-dev.in

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles --ignore=var
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf var staticfiles
