# Two commands do all set-up on a fresh machine (see README.md):
#   make book   build the website into _build/html (creates .venv and installs on first use)
#   make test   run the tests: helpers, every notebook under nbval, the book build, the site
# CI (.ci/run) also runs make test-homework (every exercise tested both ways, nbgrader
# autograding) and make test-colab (every notebook in a Colab-like runtime). Also: make lab, make serve, make student, make grade, make bench, make clean.

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

.PHONY: help book lab serve student grade bench test test-unit test-notebooks test-build test-site test-homework test-colab browser-setup clean

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

# The student release (nbgrader generate_assignment, one assignment per chapter) into
# _build/student; make grade autogrades the reference solutions and the unchanged release.
student: $(VENV)/.dev-installed
	$(PY) -m tools.grading release _build/student

grade: $(VENV)/.dev-installed
	$(PY) -m tools.grading autograde

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
	$(PY) -m tools.grading release _build/student

# Every exercise tested both ways in a kernel (tools/both_ways.py), then nbgrader's
# autograde on the reference solutions and on the unchanged release (tools/grading.py).
# Reports: _build/homework/both-ways.txt and _build/nbgrader/report.md.
test-homework: $(VENV)/.dev-installed
	$(PY) -m pytest tests/homework -q --timeout 3600
	@cat _build/nbgrader/report.md | tail -4

# Every notebook as Colab runs it (tools/colab.py): Python 3.13 (the newest this machine
# has; Colab's too) with Colab's package versions (tests/colab/requirements.txt) in
# .cache/colab-venv, google.colab importable, the first cell installing the helpers from a
# local clone of HEAD, every live slider moved once.
COLAB_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) $(shell command -v python3.13 2>/dev/null))
COLAB_VENV := .cache/colab-venv

$(COLAB_VENV)/.installed: tests/colab/requirements.txt
	@test -n "$(COLAB_PYTHON)" || { echo "make test-colab needs Python 3.13 (e.g. pyenv install 3.13)"; exit 1; }
	rm -rf $(COLAB_VENV)
	$(COLAB_PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet -r tests/colab/requirements.txt
	@touch $@

test-colab: $(VENV)/.dev-installed $(COLAB_VENV)/.installed
	$(PY) -m pytest tests/colab -q --timeout 3600

# The site's tests, in headless Chromium too (tests/site/test_browser.py). browser-setup
# installs Debian's Chromium when it is missing (as root, with apt-get) and fetches, with npm,
# the files the pages load from CDNs into .cache/npm. Without them the browser tests are
# skipped with a loud banner; with CI=true or DLBOOK_REQUIRE_BROWSER=1 a skip is a failure.
test-site: $(VENV)/.dev-installed browser-setup
	$(PY) -m pytest tests/site -q

CHROMIUM := $(firstword $(DLBOOK_CHROMIUM) $(shell command -v chromium chromium-browser 2>/dev/null))

browser-setup: $(VENV)/.dev-installed
ifeq ($(CHROMIUM),)
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q chromium || { apt-get update -q && apt-get install -y -q chromium; } \
	    || echo "!!! apt-get could not install chromium"; \
	fi
	@command -v chromium >/dev/null || echo "!!! NO CHROMIUM: THE BROWSER TESTS WILL BE SKIPPED (apt-get install chromium)"
endif
	@$(PY) tests/site/browser_assets.py --site $(or $(DLBOOK_SITE_DIR),_build/html)

# Speed measurements, each next to its comparison (benchmarks/README.md); writes
# benchmarks/results.md and results.json. Run it on an otherwise idle machine.
$(VENV)/.bench-installed: $(VENV)/.dev-installed requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	@touch $@

bench: $(VENV)/.bench-installed
	$(PY) -m benchmarks.run

clean:
	rm -rf _build .pytest_cache
