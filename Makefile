# cookiecutter-django-lambda: `make serve` starts the generator site, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: serve bake test lint clean

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

serve: $(BIN)/.installed  ## the generator site on http://127.0.0.1:8000
	$(BIN)/uvicorn generator_service.main:app --host 127.0.0.1 --port 8000

bake: $(BIN)/.installed  ## render the template with its defaults into build/
	$(BIN)/cookiecutter --no-input --overwrite-if-exists --output-dir build .
	@echo "Project in build/my_lambda_api - see its README.md"

test: $(BIN)/.installed  ## every test, the slow ones (venvs, Lambda packages) included
	$(BIN)/pytest -n 2 --dist loadgroup

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf build .cache
