# `make demo` and `make test` work on a fresh clone: they create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_HOME := indexes/demo

.PHONY: demo test install bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_HOME)
	$(BIN)/wto-assist ingest corpora --db $(DEMO_HOME)/corpus.sqlite
	$(BIN)/wto-assist list --db $(DEMO_HOME)/corpus.sqlite
	$(BIN)/wto-assist show WT/COMTD/M/990 --para 3 --db $(DEMO_HOME)/corpus.sqlite
	HF_HUB_OFFLINE=1 $(BIN)/wto-assist index --db $(DEMO_HOME)/corpus.sqlite --index $(DEMO_HOME)/index
	HF_HUB_OFFLINE=1 $(BIN)/wto-assist search "duty-free quota-free market access for LDCs" --k 3 \
		--db $(DEMO_HOME)/corpus.sqlite --index $(DEMO_HOME)/index
	$(BIN)/wto-assist search "import ban on processed fruit" --mode bm25 --type panel-report --k 2 \
		--db $(DEMO_HOME)/corpus.sqlite --index $(DEMO_HOME)/index

test: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ingest.py
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/bench_index.py
	$(BIN)/python benchmarks/bench_faiss_scale.py

clean:
	rm -rf $(VENV) indexes/demo
