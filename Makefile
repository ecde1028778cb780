# The two commands:  make run  (set up, load demo content, serve)  and  make test.
# Both need only Python 3.11; everything else is installed into .venv.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Optional local overrides: variables in .env (see .env.example) are exported to every command.
LOAD_ENV := set -a; [ ! -f .env ] || . ./.env; set +a;

.DEFAULT_GOAL := help
.PHONY: css help install run test lint format migrations-check deploy-check check requirements worker beat clean bench bench-smoke bench-instructions bench-desk lighthouse

help:
	@echo "make run     set up .venv, migrate, load demo content, serve http://$(HOST):$(PORT)"
	@echo "make test    run the whole test suite"
	@echo "make check   ruff, migrations and deploy checks (what CI runs besides the tests)"
	@echo "make format  format and fix the code with ruff"
	@echo "make bench  the public site under load (wrk), as ratios to Django's floor; see bench/"
	@echo "make lighthouse  Lighthouse (mobile) on every public page; fails below 0.95"
	@echo "make bench-desk  time the desk's list and search with 100,000 leads on PostgreSQL"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pinned requirements change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Links the site prints or sends (admin, canonical URLs, e-mails) follow PORT unless SITE_URL is set.
run: install
	@$(LOAD_ENV) export DEBUG=$${DEBUG:-true}; \
	[ -n "$${SITE_URL:-}" ] || export SITE_URL=http://$(HOST):$(PORT); \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py seed_demo && \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Two processes (pytest-xdist; each with its own test databases and Redis databases, see
# tests/settings.py); the longest tests are end-to-end runs that mostly wait, so the other
# process gets on meanwhile. TEST_WORKERS=0 runs everything in this one process.
TEST_WORKERS ?= 2
test: install
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	@$(LOAD_ENV) DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# The production checklist, with production-like values for what a deployment must set.
deploy-check: install
	DEBUG=false SITE_URL=https://www.resilience.example REDIS_URL=redis://127.0.0.1:6379/0 \
	ADMISSIONS_INBOX_EMAIL=admissions@resilience.example \
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	FIELD_ENCRYPTION_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

check: lint migrations-check deploy-check

# Re-pin requirements*.txt after editing requirements*.in.
requirements: install
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

# With REDIS_URL set: a Celery worker and the beat scheduler, as in production.
worker: install
	@$(LOAD_ENV) $(BIN)/celery -A resilience worker --loglevel=INFO

beat: install
	@$(LOAD_ENV) $(BIN)/celery -A resilience beat --loglevel=INFO --schedule=$(VENV)/celerybeat-schedule

# The one stylesheet pages load: the part of Bootstrap the site uses, then site.css. Built here,
# at development time, with PurgeCSS from npm (no Node on the server); commit the result.
# Run after changing site.css or the classes a template, script or form uses
# (tests/core/test_stylesheet.py says when it is out of date).
BOOTSTRAP_CSS := $(VENV)/lib/python3.11/site-packages/bootstrap/static/bootstrap/css/bootstrap.min.css
CRISPY_TEMPLATES := $(VENV)/lib/python3.11/site-packages/crispy_bootstrap5/templates
# The crispy_bootstrap5 templates the site's forms render (tests/core/test_stylesheet.py keeps
# this list true): the others' classes (accordions, tabs, floating labels…) stay out of the CSS.
CRISPY_USED := display_form errors field inputs whole_uni_form layout/attrs layout/baseinput \
	layout/div layout/field_errors layout/field_errors_block layout/fieldset layout/help_text \
	layout/help_text_and_errors layout/radio_checkbox_select
CRISPY_USED_PATHS := $(patsubst %,'$(CRISPY_TEMPLATES)/bootstrap5/%.html',$(CRISPY_USED))
css: install
	@rm -rf .css-build && mkdir .css-build
	npx --yes purgecss@7.0.2 --css $(BOOTSTRAP_CSS) --output .css-build/ --content \
		'templates/**/*.html' $(CRISPY_USED_PATHS) 'static/js/*.js' \
		'*/forms.py' '*/views.py' '*/templatetags/*.py' '*/widgets.py'
	{ echo '@charset "UTF-8";'; \
	  echo "/* Built by make css: the Bootstrap 5.3 rules the site uses, then site.css. Do not edit. */"; \
	  sed 's/^@charset "UTF-8";//' .css-build/bootstrap.min.css; echo; cat static/css/site.css; \
	} > static/css/site.bundle.css
	@rm -rf .css-build

# The public site under load, against Django's floor in the same run (bench/site.py). Needs
# wrk (apt-get install wrk), redis-server and PostgreSQL (DATABASE_URL's server).
bench: install
	@$(LOAD_ENV) $(BIN)/python bench/site.py

# One short round, so that the script cannot rot: CI runs it (it gates nothing timed).
bench-smoke: install
	@$(LOAD_ENV) $(BIN)/python bench/site.py --rounds 1 --seconds 1 --post-seconds 1 --warm-up-seconds 0 --smoke

# Lighthouse in mobile mode on every public page of the site as deployed (bench/lighthouse.py):
# needs Chromium (apt-get install chromium) and npm; the reports go to bench/lighthouse/reports/.
lighthouse: install
	@$(LOAD_ENV) $(BIN)/python bench/lighthouse.py

# Instructions per page view under valgrind's callgrind, in process (bench/instructions.py):
# the same count on every run of the same code, to tell which of two versions is cheaper.
bench-instructions: install
	@$(LOAD_ENV) $(BIN)/python bench/instructions.py

# The desk with 100,000 leads, on PostgreSQL (DATABASE_URL; default resilience_bench_desk).
bench-desk: install
	@$(LOAD_ENV) $(BIN)/python bench/desk.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache bench/lighthouse/node_modules
