# The two commands of the README: `make run` and `make test`.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.req-stamp
PYTHON3 ?= python3

export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.DEFAULT_GOAL := run
.PHONY: run test lint format venv

## run: venv, migrate SQLite, demo dealership, serve on http://127.0.0.1:8000
run: venv
	bash scripts/run.sh

## test: ruff, makemigrations --check, PostgreSQL pass, SQLite pass, browser pass
test: venv
	bash scripts/test.sh

lint: venv
	ruff check . && ruff format --check .

format: venv
	ruff check --fix . && ruff format .

# Create .venv when missing (or broken) and install requirements.txt whenever its content
# differs from the copy kept in $(STAMP) by the last successful install.
venv:
	@if ! $(PY) -m pip --version >/dev/null 2>&1; then \
		echo "Creating $(VENV)"; \
		rm -rf $(VENV) && $(PYTHON3) -m venv $(VENV) || exit 1; \
	fi
	@if ! cmp -s requirements.txt $(STAMP); then \
		echo "Installing requirements.txt into $(VENV)"; \
		$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt \
			&& cp requirements.txt $(STAMP); \
	fi
