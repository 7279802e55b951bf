# `make demo` and `make test` work on a fresh clone: they create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_HOME := indexes/demo
# Every demo command finds its database and index through WTO_ASSIST_HOME, as a user's shell would.
DEMO := WTO_ASSIST_HOME=$(DEMO_HOME) HF_HUB_OFFLINE=1 $(BIN)/wto-assist

.PHONY: demo test install bench bench-scale faults clean templates example-real screenshots
SHARED ?= ../shared
REAL_HOME := out/example-real

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_HOME)
	$(DEMO) ingest corpora
	$(DEMO) list
	$(DEMO) show WT/COMTD/M/990 --para 3
	$(DEMO) load-disputes corpora/registry/disputes-sample.jsonl
	$(DEMO) index
	$(DEMO) search "duty-free quota-free market access for LDCs" --k 3
	$(DEMO) search "import ban on processed fruit" --mode bm25 --type panel-report --k 2
	$(DEMO) draft examples/committee-statement.yaml -o $(DEMO_HOME)/committee-statement.docx
	$(DEMO) draft examples/third-party-submission.yaml -o $(DEMO_HOME)/third-party-submission.docx --final
	@echo
	@echo "Drafts written to $(DEMO_HOME)/committee-statement.docx and $(DEMO_HOME)/third-party-submission.docx"
	@echo "To go on with the demo corpus in this shell:"
	@echo "    . $(VENV)/bin/activate && export WTO_ASSIST_HOME=$(DEMO_HOME)"
	@echo "    wto-assist search \"rules of origin for LDCs\""

test: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_quality.py
	$(BIN)/python benchmarks/bench_registry.py
	$(BIN)/python benchmarks/bench_relations.py
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/bench_index.py
	$(BIN)/python benchmarks/bench_faiss_scale.py
	$(BIN)/python benchmarks/bench_web.py

# Search at 1x, 10x and 100x the CTD minutes, and the dense index (docs/scale.md; hours on 2 busy cores:
# SCALES=1,10 for a short run, SCALE_OPTIONS="--derive-above 10 --full-up-to 0" to derive the 100x index).
SCALES ?= 1,10,100
SCALE_OPTIONS ?=
bench-scale: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/bench_scale.py --scales $(SCALES) $(SCALE_OPTIONS)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/bench_ann.py

# The fault campaign: 220 malformed inputs and 80 kill -9 trials (about 25 minutes on 2 cores).
faults: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/faults.py --scale 9 --big-mib 50 --kills 20

# Screenshots of the web app over the demo corpus (needs chromium and chromium-driver).
screenshots: demo
	$(BIN)/python scripts/screenshots.py

templates: $(STAMP)
	$(BIN)/python templates/build_templates.py

# Drafts the committed example briefs over the real data in $(SHARED) (BM25 index: under a minute):
# a public LDC Group statement quoting derestricted CTD minutes, and a third-party submission in DS512.
example-real: $(STAMP)
	test -d $(SHARED)/corpus/ctd-minutes || (echo "$(SHARED)/corpus/ctd-minutes not found" && exit 1)
	$(BIN)/wto-assist ingest $(SHARED)/corpus/ctd-minutes --db $(REAL_HOME)/corpus.sqlite
	$(BIN)/wto-assist load-disputes $(SHARED)/data/disputes-ds1-624.jsonl --db $(REAL_HOME)/corpus.sqlite
	$(BIN)/wto-assist index --no-dense --db $(REAL_HOME)/corpus.sqlite --index $(REAL_HOME)/index
	$(BIN)/wto-assist draft examples/ctd-dfqf-ldc-statement.yaml -o $(REAL_HOME)/ctd-dfqf-ldc-statement.docx \
		--db $(REAL_HOME)/corpus.sqlite --index $(REAL_HOME)/index --final
	$(BIN)/wto-assist draft examples/ds512-third-party-submission.yaml -o $(REAL_HOME)/ds512-third-party-submission.docx \
		--db $(REAL_HOME)/corpus.sqlite --index $(REAL_HOME)/index --final

clean:
	rm -rf $(VENV) indexes/demo out
