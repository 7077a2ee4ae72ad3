# Two commands (README quickstart):  make demo   and   make test
# Both create the virtual environment .venv with a Python >= 3.12 found on this machine
# and install the exact, hash-checked versions of the lockfiles:
#   requirements.lock       what the package needs          (make demo)
#   requirements-dev.lock   that, plus what the tests need   (make test)
# `make lock` recomputes both from pyproject.toml (uv, in a throwaway environment).
# `make test` also installs Debian's chromium and chromium-driver when they are absent
# and it may (root), else says the one command to run (tools/browser-deps.sh); then
# it runs ruff, mypy and the whole test suite on 2 cores.  .ci/run calls `make test`.

VENV     := .venv
PY       := $(VENV)/bin/python
LOCK     := requirements.lock
DEV_LOCK := requirements-dev.lock
STAMP    := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

# First Python >= 3.12 among: $PYTHON, python3.13, python3.12, pyenv versions, python3.
FIND_PYTHON = for c in "$$PYTHON" python3.13 python3.12 \
	  $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	  [ -n "$$c" ] || continue; command -v "$$c" >/dev/null 2>&1 || [ -x "$$c" ] || continue; \
	  "$$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo "$$c"; break; }; \
	done

.PHONY: demo test venv lint browser-deps lock clean

$(PY):
	@base=$$($(FIND_PYTHON)); \
	if [ -z "$$base" ]; then echo "error: no Python >= 3.12 found (set PYTHON=/path/to/python3.12)" >&2; exit 1; fi; \
	echo "using $$base ($$($$base --version))"; \
	$$base -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml $(LOCK)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

$(DEV_STAMP): $(PY) pyproject.toml $(DEV_LOCK)
	$(PY) -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP) $(DEV_STAMP)

venv: $(DEV_STAMP)

demo: $(STAMP)
	$(PY) -m sim demo

browser-deps:
	@sh tools/browser-deps.sh

lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

test: browser-deps lint
	$(PY) -m pytest -n 2 -q

lock:
	python3 -m venv .venv-lock && .venv-lock/bin/pip install --quiet uv
	.venv-lock/bin/uv pip compile pyproject.toml --universal --python-version 3.12 \
	  --generate-hashes -o $(LOCK)
	.venv-lock/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 \
	  --generate-hashes -o $(DEV_LOCK)
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# -- Benefit tables (docs/benefit_rules.md) --------------------------------------------
# OpenFisca-France computes the benefit schedules offline, in its own environment:
# it pins numpy < 2.4 and pytest < 9, so it never enters .venv (`make test` needs neither).
#   make benefit-tables        recompute sim/data/benefit_tables_*.csv and their provenance
#   make benefit-tables-check  regenerate in a temp dir and compare byte for byte
OF_VENV  := .venv-openfisca
OF_PY    := $(OF_VENV)/bin/python
OF_REQ   := tools/benefit_tables/requirements.txt
OF_STAMP := $(OF_VENV)/.installed

# First Python 3.11 (the pinned requirements' version), else 3.12, among: $PYTHON_OPENFISCA,
# python3.11, pyenv 3.11.x, python3.12, python3.
FIND_PYTHON_OF = for c in "$$PYTHON_OPENFISCA" python3.11 \
	  $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.11*/bin/python3 2>/dev/null | sort -rV) python3.12 python3; do \
	  [ -n "$$c" ] || continue; command -v "$$c" >/dev/null 2>&1 || [ -x "$$c" ] || continue; \
	  "$$c" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 12) else 1)' 2>/dev/null && { echo "$$c"; break; }; \
	done

.PHONY: benefit-tables benefit-tables-check

$(OF_STAMP): $(OF_REQ)
	@base=$$($(FIND_PYTHON_OF)); \
	if [ -z "$$base" ]; then echo "error: no Python 3.11 or 3.12 found (set PYTHON_OPENFISCA=/path/to/python3.11)" >&2; exit 1; fi; \
	echo "using $$base ($$($$base --version)) for $(OF_VENV)"; \
	[ -x $(OF_PY) ] || $$base -m venv $(OF_VENV)
	$(OF_PY) -m pip install --quiet --upgrade pip
	$(OF_PY) -m pip install --quiet -r $(OF_REQ)
	@touch $(OF_STAMP)

benefit-tables: $(OF_STAMP)
	$(OF_PY) tools/benefit_tables/generate.py --jobs 2

benefit-tables-check: $(OF_STAMP)
	$(OF_PY) tools/benefit_tables/generate.py --check --jobs 2
