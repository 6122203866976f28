# policykit — every target bootstraps its own virtual environment (.venv) with pip.
# `make all` builds the tables and the figures; `make test` runs ruff, then the whole test suite.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.policykit-installed
KERNEL := --name policykit --display-name "Python (policykit)"
LAB_ARGS ?=
# JupyterLab refuses to start as root unless told to (containers, CI machines)
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.DEFAULT_GOAL := help
.PHONY: help all setup data figures lint test test-browser lab site release benchmark evaluate clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

all: figures  ## the main job: build data/processed from data/raw, then every figure into reports/

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[all,test,cluster]"
	$(BIN)/python -m ipykernel install --sys-prefix $(KERNEL) >/dev/null
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install policykit with every extra (build, notebooks), its test tools and Jupyter kernel

data: setup  ## rebuild the published tables (data/processed) from data/raw
	$(BIN)/policykit build --csv

figures: data  ## run every notebook with papermill; executed notebooks and figures go to reports/
	$(BIN)/policykit figures

test-browser:  ## install Debian's chromium and CJK fonts for the browser test, where apt is available
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	  || echo "chromium not installed: the browser test will be skipped"; }

lint: setup  ## check the code with ruff (rules in pyproject.toml); `make test` runs it first
	$(BIN)/ruff check src tests

test: setup lint test-browser  ## ruff, then the whole test suite (unit, pipeline, notebooks under nbval, site, browser)
	$(BIN)/python -m pip install --quiet -e ".[all,test,site]"
	$(BIN)/python -m pytest

lab: setup  ## open the notebooks in JupyterLab, kernel "Python (policykit)"; options: make lab LAB_ARGS="--port 8890 --no-browser"
	$(BIN)/python -m pip install --quiet -e ".[all,test,lab]"
	$(BIN)/jupyter lab $(ROOT_FLAG) --MultiKernelManager.default_kernel_name=policykit $(LAB_ARGS) notebooks/

site: data  ## build the documentation site into site/; re-runs only the notebooks whose inputs changed (hash beside each)
	$(BIN)/python -m pip install --quiet -e ".[all,test,site]"
	$(BIN)/python -m policykit.present.site

release: data  ## write the versioned dataset archive into dist/
	$(BIN)/policykit release

evaluate: setup  ## score the tables against the gold sets in data/gold; writes docs/quality.md
	$(BIN)/policykit evaluate --write

benchmark: setup  ## measure build speed and memory: seed corpus 1x-100x, the law corpus half, whole and 10x
	$(BIN)/python benchmarks/build_scaling.py
	$(BIN)/python benchmarks/law_scaling.py --scales half,whole,10x

clean:  ## remove generated reports, caches and the virtual environment
	rm -rf reports .cache dist $(VENV)
