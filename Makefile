# cookiecutter-django-lambda: `make bake` renders a default project, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: bake test lint clean

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

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
