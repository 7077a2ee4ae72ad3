# Two commands (README quickstart):  make demo   and   make test
# Both create the virtual environment .venv with a Python >= 3.12 found on this machine.

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# First Python >= 3.12 among: $PYTHON, python3.13, python3.12, pyenv versions, python3.
FIND_PYTHON = for c in "$$PYTHON" python3.13 python3.12 \
	  $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	  [ -n "$$c" ] || continue; command -v "$$c" >/dev/null 2>&1 || [ -x "$$c" ] || continue; \
	  "$$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo "$$c"; break; }; \
	done

.PHONY: demo test venv clean

$(STAMP): pyproject.toml
	@base=$$($(FIND_PYTHON)); \
	if [ -z "$$base" ]; then echo "error: no Python >= 3.12 found (set PYTHON=/path/to/python3.12)" >&2; exit 1; fi; \
	echo "using $$base ($$($$base --version))"; \
	[ -x $(PY) ] || $$base -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) -m sim demo

test: $(STAMP)
	$(PY) -m pytest -n 2 -q

clean:
	rm -rf $(VENV) .pytest_cache
