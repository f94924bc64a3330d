# Two commands, from a fresh clone with only Python 3.11, pip and git:
#   make demo   train on the built-in synthetic dataset and report the accuracy
#   make test   check the modules match the notebooks, then run every notebook's tests
#   make quicktest   the same without the slow cells, while working on a notebook
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch on 2 cores: one thread per worker process avoids oversubscribing the CPU
TEST_WORKERS ?= 2
export OMP_NUM_THREADS ?= 1
export MPLBACKEND ?= Agg
# on an NVIDIA GPU, full float32 (no TF32): the tests compare predictions made two ways to 1e-5 (tests/test_notebooks.py)
export NVIDIA_TF32_OVERRIDE ?= 0

.PHONY: demo test quicktest export readme clean-venv

# run a command with TMPDIR set to a new folder that is removed afterwards, pass or fail: the notebooks' temporary
# data and exported models add up to gigabytes per test run, and left in /tmp they once filled CI's disk. The folder
# is open to all like /tmp (mode 1777): 11_reliability runs some checks as the unprivileged user `nobody`
in_scratch = scratch=$$(mktemp -d -t fastai_audio_test.XXXXXX) && trap 'rm -rf "$$scratch"' EXIT && chmod 1777 "$$scratch" && TMPDIR=$$scratch $(1)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# the runtime set, pinned to the tested versions
$(VENV)/.installed-runtime: $(BIN)/python setup.py settings.ini constraints-dev.txt
	$(BIN)/pip install -q -c constraints-dev.txt -e .
	touch $@

# the development set: runtime + nbdev 2, librosa and torchaudio (numerical and speed references), pytest, hypothesis, accelerate
$(VENV)/.installed-dev: $(VENV)/.installed-runtime
	$(BIN)/pip install -q -c constraints-dev.txt -e '.[dev,torchaudio]'
	touch $@

demo: $(VENV)/.installed-runtime
	OMP_NUM_THREADS=$${DEMO_THREADS:-$$(nproc)} $(BIN)/fastai_audio demo

export: $(VENV)/.installed-dev
	$(BIN)/nbdev_export

# README.md is nbs/index.ipynb as markdown (nbdev_readme needs Quarto, which cannot always be installed)
readme:
	$(PYTHON) tools/readme.py

test: $(VENV)/.installed-dev
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean
	$(BIN)/python tools/readme.py --check
	@if [ -n "$$(git status --porcelain -- fastai_audio nbs)" ]; then \
	  git status --short -- fastai_audio nbs; \
	  echo "nbdev_export/nbdev_clean changed the files above: commit modules that match the notebooks, and clean notebooks"; exit 1; fi
	$(call in_scratch,$(BIN)/nbdev_test --flags slow --n_workers $(TEST_WORKERS) --do_print --timing)

# the fast loop while working: every notebook's tests except the cells flagged `#| slow`
quicktest: $(VENV)/.installed-dev
	$(BIN)/nbdev_export
	$(call in_scratch,$(BIN)/nbdev_test --n_workers $(TEST_WORKERS))

clean-venv:
	rm -rf $(VENV)
