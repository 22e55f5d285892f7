# cookiecutter-django-lambda: `make serve` starts the generator site, `make test` runs every test.
PYTHON ?= python3
HERE := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin

PIP_INSTALL = $(BIN)/pip install --quiet --disable-pip-version-check --require-hashes
# Locks for every Python the site runs on (3.11 up: this venv, the container's and Lambda's 3.13), with hashes.
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock"

.PHONY: serve bake test test-quick system-packages bench docs lint lock clean

# The site alone (make serve); then the tooling on top (make test). Both from locks with hashes.
$(BIN)/.site: generator_service/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r generator_service/requirements.txt
	touch $@

$(BIN)/.installed: $(BIN)/.site requirements.txt
	$(PIP_INSTALL) -r requirements.txt
	touch $@

serve: $(BIN)/.site  ## the generator site on http://127.0.0.1:$(PORT) (8000 unless given)
	$(BIN)/uvicorn generator_service.main:app --host 127.0.0.1 --port $(PORT)

bake: $(BIN)/.site  ## render the template with its defaults into build/
	$(BIN)/cookiecutter --no-input --overwrite-if-exists --output-dir build .
	@echo "Project in build/my_lambda_api - see its README.md"

test: $(BIN)/.installed system-packages  ## every test, the slow ones (venvs, packages, load, storms) included
	$(BIN)/pytest -n 2 --dist loadgroup

test-quick: $(BIN)/.installed system-packages  ## the tests not marked slow (about a minute)
	$(BIN)/pytest -n 2 --dist loadgroup -m "not slow"

# Debian packages the tests drive: Chromium for the browser test (Playwright's own download is not
# reachable), PgBouncer standing in for RDS Proxy in the connection storm. Installed with apt-get as root.
system-packages:
	@missing=""; command -v chromium >/dev/null || missing="$$missing chromium"; \
	[ -x /usr/sbin/pgbouncer ] || missing="$$missing pgbouncer"; \
	[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; } \
		|| { echo "The tests need these Debian packages:$$missing"; exit 1; }

bench: $(BIN)/.installed system-packages  ## benchmarks against their baselines, written to docs/benchmarks.md
	$(BIN)/python -m benchmarks.run

docs: $(BIN)/.site  ## docs/options.md, written from the rules (a test fails while it is out of date)
	$(BIN)/python -m option_rules.reference --write

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The .in files say what is wanted; the locks keep their versions unless an .in file asks for another,
# or `make lock UPGRADE=--upgrade` moves every unpinned package to its newest release.
# The template's: one uv lock per runtime and Django version, each bake's uv.lock cut from it (option_rules/).
lock: | $(BIN)/.installed  ## requirements.txt, generator_service/requirements.txt and option_rules/locks/
	$(UV_COMPILE) $(UPGRADE) generator_service/requirements.in -o generator_service/requirements.txt
	$(UV_COMPILE) $(UPGRADE) requirements.in -c generator_service/requirements.txt -o requirements.txt
	cd $(HERE) && $(abspath $(BIN))/python -m support.template_locks $(UPGRADE) --directory $(CURDIR)/option_rules/locks

clean:
	rm -rf build .cache
