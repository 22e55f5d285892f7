# cookiecutter-django-lambda: `make serve` starts the generator site, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: serve bake test browser bench lint clean

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

serve: $(BIN)/.installed  ## the generator site on http://127.0.0.1:8000
	$(BIN)/uvicorn generator_service.main:app --host 127.0.0.1 --port 8000

bake: $(BIN)/.installed  ## render the template with its defaults into build/
	$(BIN)/cookiecutter --no-input --overwrite-if-exists --output-dir build .
	@echo "Project in build/my_lambda_api - see its README.md"

test: $(BIN)/.installed browser  ## every test, the slow ones (venvs, Lambda packages) included
	$(BIN)/pytest -n 2 --dist loadgroup

# The browser test drives Debian's Chromium; install it where we may (root with apt-get).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || true

bench: $(BIN)/.installed  ## benchmarks against their baselines, written to docs/benchmarks.md
	@command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || { [ "$$(id -u)" = 0 ] \
		&& apt-get update -qq && apt-get install -y -qq pgbouncer >/dev/null; }
	$(BIN)/python -m benchmarks.run

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf build .cache
