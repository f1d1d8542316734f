# Thin aliases. `make run` and `make test` install whatever is missing first.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
YQ := $(VENV)/bin/yinqing
HOST ?= 127.0.0.1
PORT ?= 5000
FRONTEND_SRC := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html \
	frontend/package.json frontend/vite.config.ts

.PHONY: run test dev bench install frontend sysdeps services clean

run: install frontend
	$(YQ) db upgrade
	$(YQ) bootstrap
	$(YQ) serve --host $(HOST) --port $(PORT)

test: install frontend sysdeps services
	$(PY) -m pytest
	cd frontend && npm test

dev: install
	$(YQ) db upgrade
	@echo "Flask on :5000, Vite dev server with /api proxy on :5173"
	( $(VENV)/bin/flask --app 'yinqing.api:create_app()' run --debug --port 5000 & \
	  cd frontend && npm run dev -- --host 127.0.0.1 --port 5173 ; kill %1 )

bench: install
	for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

install: $(VENV)/.installed frontend/node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch is pinned to 2.13.0 in pyproject.toml: the CPU build that lies on this machine's disk.
	$(PY) -m pip install -q -e '.[dev]' --config-settings editable_mode=compat
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend: frontend/dist/index.html

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SRC)
	cd frontend && npm run build

# Browser tests need Debian's Chromium and CJK fonts (never a downloaded browser build).
sysdeps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
	  echo "installing chromium and fonts-noto-cjk with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

# PostgreSQL, MariaDB and Redis for the test suite; started only when not already listening.
services:
	bash tools/ensure_services.sh

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
