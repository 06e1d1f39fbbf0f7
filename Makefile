# paperlens build glue. The README's two commands are `make review` and `make test`.
SHELL := /bin/bash
PY311 ?= python3.11
VENV  := .venv
BIN   := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export PYTHONHASHSEED := 0

.PHONY: review setup test check docs readme clean-nbs export benchmark fuzz

## README command 1: set up .venv (once) and run the whole review on the bundled examples
review: setup
	$(BIN)/paperlens review examples/seeds --out output/examples

## create .venv and install the pinned stack (torch first: 2.13.0 is a CPU wheel on local disk)
setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	@start=$$(date +%s); \
	test -x $(BIN)/python || $(PY311) -m venv $(VENV); \
	$(BIN)/python -m pip install -q --upgrade 'pip<27' && \
	$(BIN)/python -m pip install -q torch==2.13.0 && \
	$(BIN)/python -m pip install -q -r requirements.txt -c constraints.txt && \
	$(BIN)/python -m pip install -q --no-deps -e . && \
	$(BIN)/python -m pip check && \
	bash tools/install_chromium.sh && \
	echo "set-up took $$(( $$(date +%s) - start )) s; .venv is $$(du -sh $(VENV) | cut -f1)" && touch $@

## README command 2: notebooks clean and in sync, README fresh, notebook tests, pytest
test: setup check
	$(BIN)/nbdev_test --n_workers 2 --timing
	$(BIN)/python -m pytest tests -q

## (a) notebooks cleaned, (b) package in sync with notebooks, (c) README.md built from nbs/index.ipynb
check: setup
	PATH=$(CURDIR)/$(BIN):$$PATH bash tools/check_sync.sh
	$(BIN)/python tools/build_docs.py --check-readme

## build the docs site into _site/ and README.md from the notebooks (offline, no Quarto)
docs: review
	$(BIN)/python tools/build_docs.py

readme: setup
	$(BIN)/python tools/build_docs.py --readme

## what to run before committing
export: setup
	$(BIN)/nbdev_export && $(BIN)/nbdev_clean

## speed/memory benchmarks (on demand, not part of the tests); results land in benchmarks/results/*.md and the docs
benchmark: setup
	$(BIN)/python benchmarks/bench_ingest.py $(if $(LITSTUDY),--litstudy $(LITSTUDY))
	$(BIN)/python benchmarks/bench_topics.py

## fuzzing (on demand, not part of the tests): 10,000 generated inputs per input format through `paperlens.read`
fuzz: setup
	PAPERLENS_FUZZ=1 $(BIN)/python -m pytest tests/fuzz -q -p no:cacheprovider
