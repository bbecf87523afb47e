# Two commands: `make run` (a working panel) and `make test` (the whole suite).
# Nothing needs to be installed beforehand but Python 3.12+.

PORT ?= 8000
SANDBOX_PORT ?= 9000
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

# The first of python3.13, python3.12, python3 that runs and is 3.12+; then pyenv's own
# installs (whose shims fail unless selected). PYTHON=/path/to/python overrides.
FIND_PYTHON = for c in $(PYTHON) python3.13 python3.12 python3 \
	  $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[3-9]*/bin/python3 \
	           $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3 2>/dev/null | sort -rV); do \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    echo "$$c"; exit 0; fi; done; exit 1

.PHONY: run test lint bench venv clean translations

$(STAMP): pyproject.toml
	@py=$$($(FIND_PYTHON)) || { echo "error: no Python 3.12 or newer found (tried python3.13, python3.12, python3 and pyenv's versions); install one or set PYTHON=/path/to/python3.12" >&2; exit 1; }; \
	echo "Using $$py ($$($$py --version))"; \
	[ -x $(PY) ] || "$$py" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP) translations

# The .po catalogues compiled to .mo (build output, not committed): pure Python (Babel), so no
# machine needs GNU gettext. Only catalogues newer than their .mo are compiled again.
translations: $(STAMP)
	@DEBUG=True $(PY) manage.py compile_translations --verbosity 0

run: $(STAMP) translations
	@mkdir -p var
	DEBUG=$${DEBUG:-True} SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-False} $(PY) manage.py migrate --noinput
	@# Ctrl-C (honcho exits 130) is how the demo stops, not an error.
	PANEL_PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) DEBUG=$${DEBUG:-True} \
	  SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-False} \
	  PROVIDER_ALLOW_PRIVATE_URLS=$${PROVIDER_ALLOW_PRIVATE_URLS:-True} \
	  SHOP_URL=$${SHOP_URL:-http://127.0.0.1:$(PORT)} \
	  PATH=$(CURDIR)/$(VENV)/bin:$$PATH \
	  $(VENV)/bin/honcho start -f Procfile || [ $$? -eq 130 ]

test: $(STAMP) translations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
	$(PY) -m bench.run $(BENCH)

clean:
	rm -rf $(VENV) var staticfiles
