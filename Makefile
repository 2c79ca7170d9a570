# chanye — two commands do all set-up on a machine with Python 3.11:
#   make demo   installs into .venv, migrates SQLite, loads the 咸宁 pack and demo data, serves on :8000
#   make test   runs the whole suite (SQLite; set DATABASE_URL for PostgreSQL)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-pg lint bench browser clean lock

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e . 2>/dev/null || $(BIN)/python -m pip install -q --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/chanye demo

# Browser tests need Debian's chromium (Playwright's own browser download does not work offline), and the layout tests
# a Chinese font: without one the browser draws narrow empty boxes and no page is as wide as a person sees it.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null; \
	  else echo "提示：未安装 chromium，浏览器测试将跳过（sudo apt-get install -y chromium）"; fi; fi
	@if ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = "0" ]; then (apt-get update -qq && apt-get install -y -qq fonts-noto-cjk) >/dev/null; \
	  else echo "提示：未安装中文字体，版面测试将跳过（sudo apt-get install -y fonts-noto-cjk）"; fi; fi

test: install browser
	$(BIN)/python -m pytest

test-pg: install browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check chanye tests bench scripts
	$(BIN)/ruff format --check chanye tests bench scripts
	$(BIN)/chanye makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/mypy_baseline.py

bench: install
	$(BIN)/python bench/run.py

lock:
	$(BIN)/pip-compile -q --extra dev --extra spark --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache
