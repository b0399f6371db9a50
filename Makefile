# Two commands for a newcomer on a machine with Python 3.11 or newer:
#   make run    set up what is missing, then start Renkei in local mode (the LINE simulator in the browser)
#   make test   set up what is missing (the test tools, a headless Chromium and a Japanese font), then run the tests
.PHONY: run test setup test-setup browser

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Root needs no sudo; anyone else is asked for it only when something has to be installed.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

run: $(BIN)/renkei
	$(BIN)/renkei serve

test: $(VENV)/.test-installed browser
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstalled when the project's dependencies change.
$(BIN)/renkei: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The browser tests drive the system's Chromium; the fonts draw Japanese and emoji.
browser:
	@if ! command -v chromium >/dev/null || ! fc-list :lang=ja family | grep -q .; then \
		echo "Installing chromium and fonts for the browser tests"; \
		$(SUDO) apt-get update -q && \
		$(SUDO) apt-get install -y -q chromium fonts-noto-cjk fonts-noto-color-emoji; \
	fi
