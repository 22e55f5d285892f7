# cookiecutter-django-lambda: `make serve` starts the generator site, `make test` runs every test.
PYTHON ?= python3
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: serve bake test test-quick system-packages bench docs lint clean

$(BIN)/.installed: requirements.txt generator_service/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

serve: $(BIN)/.installed  ## the generator site on http://127.0.0.1:$(PORT) (8000 unless given)
	$(BIN)/uvicorn generator_service.main:app --host 127.0.0.1 --port $(PORT)

bake: $(BIN)/.installed  ## render the template with its defaults into build/
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

docs: $(BIN)/.installed  ## docs/options.md, written from the rules (a test fails while it is out of date)
	$(BIN)/python -m option_rules.reference --write

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf build .cache
