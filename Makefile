# Two commands do all set-up on a fresh machine (see README.md):
#   make book   build the website into _build/html (creates .venv and installs on first use)
#   make test   run every test: helpers, every notebook under nbval, the book build, the site
# Also: make lab, make serve, make student, make clean.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
JB := $(VENV)/bin/jupyter-book
JB_FLAGS := -W -n --keep-going
CELL_TIMEOUT := 240

# The offline CIFAR-10 copy beside the checkout, if there is one (CI and developers'
# machines); readers' machines download the full data set instead.
DLBOOK_CIFAR10_NPZ ?= $(abspath $(wildcard ../shared/data/cifar10-mini.npz))
export DLBOOK_CIFAR10_NPZ

.PHONY: help book lab serve student test test-unit test-notebooks test-build test-site clean

help:
	@sed -n '1,6p' Makefile

$(VENV)/.book-installed: requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.book-installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --target .cache/ipywidgets7 ipywidgets==7.7.5 ipython_genutils==0.2.0
	@touch $@

book: $(VENV)/.book-installed
	DLBOOK_STATIC=1 $(JB) build . $(JB_FLAGS)
	@echo "The book is in $(CURDIR)/_build/html/index.html (make serve to browse it)"

lab: $(VENV)/.book-installed
	$(VENV)/bin/jupyter lab chapters

serve:
	@test -f _build/html/index.html || { echo "no built book: run make book first"; exit 1; }
	$(PY) -m http.server --directory _build/html 8000

student: $(VENV)/.dev-installed
	$(PY) -m tools.student_edition _build/student

test: test-unit test-notebooks test-build test-site
	@echo "make test: all steps passed"

test-unit: $(VENV)/.dev-installed
	$(PY) -m pytest tests/unit -q

# Every notebook of _toc.yml, executed once by nbval; the executed notebooks go into the
# book's jupyter-cache so that the build below executes nothing again.
test-notebooks: $(VENV)/.dev-installed
	DLBOOK_STATIC=1 $(PY) -m pytest -q -p tools.nbval_cache --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=$(CELL_TIMEOUT) --nbval-cache-dir _build/.jupyter_cache \
		$$($(PY) -m tools.toc)

test-build: $(VENV)/.dev-installed
	DLBOOK_STATIC=1 $(JB) build . --all $(JB_FLAGS)
	$(PY) -m tools.student_edition _build/student

test-site: $(VENV)/.dev-installed
	$(PY) -m pytest tests/site -q

clean:
	rm -rf _build .pytest_cache
