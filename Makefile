# The two commands of the README: `make run` and `make test`.
VENV     := .venv
PY       := $(VENV)/bin/python
STAMP    := $(VENV)/.req-stamp
BASE_TXT := requirements/base.txt
DEV_TXT  := requirements/dev.txt
PYTHON3  ?= python3

export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.DEFAULT_GOAL := run
.PHONY: run test lint format lock venv venv-dev

## run: venv, migrate SQLite, demo dealership, serve on http://127.0.0.1:8000
run: venv
	bash scripts/run.sh

## test: ruff, makemigrations --check, PostgreSQL pass, SQLite pass, browser pass
test: venv-dev
	bash scripts/test.sh

lint: venv-dev
	ruff check . && ruff format --check .

format: venv-dev
	ruff check --fix . && ruff format .

## lock: pin requirements/*.in into requirements/*.txt (after editing a .in file)
lock: venv-dev
	pip-compile -q requirements/base.in
	pip-compile -q requirements/dev.in

# Create .venv when missing (or broken) and install a lock file whenever its content differs
# from the copy kept in $(STAMP) by the last successful install. `venv` (for `make run`)
# installs $(BASE_TXT), unless that last install had every one of its pins (it was of
# $(DEV_TXT), which pins the same versions and more); `venv-dev` (tests, lint, format)
# installs $(DEV_TXT).
# $(call install_lock,LOCK,COVERED): COVERED=1 skips the install when $(STAMP) has all of
# LOCK's pin lines.
define install_lock
	@if ! $(PY) -m pip --version >/dev/null 2>&1; then \
		echo "Creating $(VENV)"; \
		rm -rf $(VENV) && $(PYTHON3) -m venv $(VENV) || exit 1; \
	fi
	@if cmp -s $(1) $(STAMP); then :; \
	elif [ "$(2)" = 1 ] && [ -f $(STAMP) ] && ! grep '^[^ #]' $(1) | grep -qvxF -f $(STAMP); then :; \
	else \
		echo "Installing $(1) into $(VENV)"; \
		$(PY) -m pip install --disable-pip-version-check -q -r $(1) \
			&& cp $(1) $(STAMP); \
	fi
endef

venv:
	$(call install_lock,$(BASE_TXT),1)

venv-dev:
	$(call install_lock,$(DEV_TXT),0)
