# The book's commands. `make book` and `make test` are the two a reader needs.
#   make book     set up .venv, execute every chapter and build the HTML book
#   make test     the whole suite: unit tests, strict nbval, mutants, PDF, build, browser, JupyterLab
#   make pdf      build the whole book as one PDF (_build/pdf/), installing TeX Live on Debian as root
#   make execute  re-execute every chapter in place and save its outputs
#   make mutants  make initreg wrong on purpose, one mistake at a time: every chapter must stop
#   make bench    the benchmark (engine against numpy GEMM and PyTorch, live figures, book, JupyterLab)
#   make clean    remove the build (keeps .venv)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUILD := _build
HTML := $(BUILD)/html

# The same bits on every x86-64 machine. Strict nbval compares stored outputs of training
# runs that amplify the last bit of a sum, and OpenBLAS and numpy choose their kernels at
# run time from the CPU: AVX-512 and AVX2 kernels round differently. Every target runs
# with the AVX2 (x86-64-v3, "Haswell") kernels, which every x86-64 machine of the last
# decade has, and with which the chapters were executed. (`make bench` measures the
# fastest kernels instead: it unsets both.)
ifeq ($(shell uname -m),x86_64)
export OPENBLAS_CORETYPE := Haswell
export NPY_DISABLE_CPU_FEATURES := X86_V4 AVX512_ICL AVX512_SPR
endif

.PHONY: help venv book html execute test unit nbval mutants build-test browser pdf pdf-test jupyterlab apt-background book-checks-then-mutants book-checks bench clean

help:
	@sed -n '2,8p' Makefile | sed 's/^# *//'

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "make needs Python 3.11 (set PYTHON=/path/to/python3.11); got " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

# Build the HTML book with every warning an error (-W -n --keep-going); the log is
# kept for the build test. The chapters that changed since the last build are executed
# first, one kernel per core, into Jupyter Book's cache (tools/notebooks.py --cache), so
# the build itself finds them all cached and only renders.
# `make test` sets CACHE_FROM=stored: strict nbval has just executed every chapter and found
# its stored outputs to be what the code gives, so the cache takes them as they are and
# nothing is executed twice.
CACHE_FROM ?= execute
FILL_CACHE = $(BIN)/python tools/notebooks.py --cache $(BUILD)/.jupyter_cache $(if $(filter stored,$(CACHE_FROM)),--stored)

html: $(STAMP)
	mkdir -p $(BUILD)
	$(FILL_CACHE)
	$(BIN)/jupyter-book build . -W -n --keep-going 2>&1 | tee $(BUILD)/build.log

book: html
	@echo "The book is at $(abspath $(HTML))/index.html"

execute: $(STAMP)
	$(BIN)/python tools/notebooks.py

# pytest-xdist runs the unit, nbval and browser suites with one worker per core (CORES).
CORES := $(shell nproc 2>/dev/null || echo 2)

unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not browser and not build and not pdf and not jupyterlab" -q -n $(CORES)

# One BLAS thread, as the chapters were executed (tools/notebooks.py pins it too): a
# threaded product sums in another order, and its last bits depend on the core count.
# Each worker runs whole chapters (--dist loadscope: a notebook is one scope).
nbval: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest --nbval chapters --nbval-current-env \
		--nbval-sanitize-with tests/sanitize.cfg -q -n $(CORES) --dist loadscope

# Each mutant of tools/mutants.py makes initreg consistently wrong in one named way; the
# chapters that teach that piece must each stop on a checked claim (an AssertionError).
mutants: $(STAMP)
	$(BIN)/python tools/mutants.py

build-test: html
	$(BIN)/python -m pytest tests -m build -q

# The real-browser test: Debian's Chromium through Playwright (installed by
# tests/ensure_chromium.sh on Debian as root; elsewhere it prints the command to run).
browser: html
	bash tests/ensure_chromium.sh
	$(BIN)/python -m pytest tests -m browser -q -n $(CORES) --dist loadgroup

# The book as one PDF, through Jupyter Book's LaTeX builder and xelatex, from the same
# execution cache as the HTML book (tools/notebooks.py --cache executes only what changed).
# tests/ensure_latex.sh installs the TeX Live subset on Debian as root; elsewhere it prints
# the command to run. The PDF is published to _build/pdf/ only once it is complete; the
# next `make html` copies it into the book and links it from the landing page.
PDF_NAME := initialization-and-regularization
pdf: $(STAMP)
	bash tests/ensure_latex.sh
	mkdir -p $(BUILD)
	$(FILL_CACHE)
	rm -f $(BUILD)/pdf/$(PDF_NAME).pdf
	$(BIN)/jupyter-book build . --builder latex -W -n --keep-going 2>&1 | tee $(BUILD)/latex-build.log
	cd $(BUILD)/latex && latexmk -pdf -dvi- -ps- -interaction=nonstopmode -halt-on-error $(PDF_NAME).tex \
		> latexmk.out 2>&1 || { tail -40 latexmk.out; exit 1; }
	mkdir -p $(BUILD)/pdf
	cp $(BUILD)/latex/$(PDF_NAME).pdf $(BUILD)/pdf/
	@echo "The PDF is at $(abspath $(BUILD)/pdf/$(PDF_NAME).pdf)"

pdf-test: pdf
	$(BIN)/python -m pytest tests/test_pdf.py -m pdf -q

# The chapters live in a real JupyterLab (tests/test_jupyterlab.py): jupyter lab from .venv,
# Debian's Chromium through Playwright, every chapter run, its figures' controls changed.
jupyterlab: $(STAMP)
	bash tests/ensure_chromium.sh
	$(BIN)/python -m pytest tests/test_jupyterlab.py -m jupyterlab -q

# The whole suite, in the order that lets each step reuse the last. Once .venv is there,
# missing Chromium and TeX Live start installing in the background (Debian as root; one apt
# at a time), the unit tests and strict nbval run (each on every core); then two streams of
# about the same length
# side by side: the JupyterLab test (one kernel and one browser front end: about a core),
# and the book's own checks then the mutants (every core). The book's checks (book-checks)
# are the PDF, then the HTML book that links to it, both from the stored outputs that nbval
# has just checked (CACHE_FROM=stored: nothing is executed twice), then the build and
# browser tests.
test: apt-background unit nbval
	$(MAKE) --no-print-directory -j2 --output-sync=target jupyterlab book-checks-then-mutants

book-checks-then-mutants:
	$(MAKE) --no-print-directory book-checks
	$(MAKE) --no-print-directory mutants

# One after another: the PDF must exist when the HTML book is built, and both builds share
# Sphinx's doctree folder.
book-checks:
	$(MAKE) --no-print-directory CACHE_FROM=stored pdf-test
	$(MAKE) --no-print-directory CACHE_FROM=stored build-test
	$(MAKE) --no-print-directory CACHE_FROM=stored browser

# Chromium first: the JupyterLab test needs it before the PDF needs TeX Live. After .venv:
# beside pip, the two installs made it take 173 s instead of 86 s (both write gigabytes).
apt-background: $(STAMP)
	bash tests/ensure_chromium.sh --background
	bash tests/ensure_latex.sh --background

# The benchmark measures the fastest kernels the machine has: the pinned kernels above (and
# OPENBLAS_L2_SIZE, which some machines set for old OpenBLAS builds) are unset for this
# command only (run.py records the kernel that runs).
# benchmarks/jupyterlab.py then times every live figure's redraw in a real JupyterLab
# (tests/test_jupyterlab.py), from the control change to the new image.
bench: $(STAMP)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u NPY_DISABLE_CPU_FEATURES $(BIN)/python benchmarks/run.py --book --readme
	bash tests/ensure_chromium.sh
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u NPY_DISABLE_CPU_FEATURES $(BIN)/python benchmarks/jupyterlab.py

clean:
	rm -rf $(BUILD)
