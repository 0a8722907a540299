# The book's commands. `make book` and `make test` are the two a reader needs.
#   make book     set up .venv, execute every chapter and build the HTML book
#   make test     the whole suite: unit tests, strict nbval, mutants, build, browser test
#   make execute  re-execute every chapter in place and save its outputs
#   make mutants  make initreg wrong on purpose, one mistake at a time: every chapter must stop
#   make bench    the benchmark (engine against numpy GEMM and PyTorch, live figures, book)
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

.PHONY: help venv book html execute test unit nbval mutants build-test browser bench clean

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
html: $(STAMP)
	mkdir -p $(BUILD)
	$(BIN)/python tools/notebooks.py --cache $(BUILD)/.jupyter_cache
	$(BIN)/jupyter-book build . -W -n --keep-going 2>&1 | tee $(BUILD)/build.log

book: html
	@echo "The book is at $(abspath $(HTML))/index.html"

execute: $(STAMP)
	$(BIN)/python tools/notebooks.py

unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not browser and not build" -q

# One BLAS thread, as the chapters were executed (tools/notebooks.py pins it too): a
# threaded product sums in another order, and its last bits depend on the core count.
nbval: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest --nbval chapters --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg -q

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
	$(BIN)/python -m pytest tests -m browser -q

test: unit nbval mutants build-test browser

# The benchmark measures the fastest kernels the machine has: the pinned kernels above (and
# OPENBLAS_L2_SIZE, which some machines set for old OpenBLAS builds) are unset for this
# command only (run.py records the kernel that runs).
bench: $(STAMP)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u NPY_DISABLE_CPU_FEATURES $(BIN)/python benchmarks/run.py --book --readme

clean:
	rm -rf $(BUILD)
