# `make demo` and `make test` work on a fresh clone: they create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The demo's own folder: the illustrative sample corpus only, never a user's work (README: keep your own
# corpus in another WTO_ASSIST_HOME). `make demo` never deletes anything: ingest skips unchanged files,
# index updates, the drafts are rewritten; only `make clean` removes the folder.
DEMO_HOME := indexes/demo
# Every demo command finds its database and index through WTO_ASSIST_HOME, as a user's shell would.
DEMO := WTO_ASSIST_HOME=$(DEMO_HOME) HF_HUB_OFFLINE=1 $(BIN)/wto-assist
# CPU-only PyTorch: PyPI's Linux wheel of torch is a multi-GB CUDA build, PyTorch's CPU index has the
# CPU build. A CPU wheel already on disk (pip's find-links) is taken first, without asking any index.
TORCH := torch==2.13.0
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu

.PHONY: demo test install bench bench-scale faults clean clean-example-real templates example-real screenshots cli-docs
SHARED ?= ../shared
REAL_HOME := out/example-real
# A WTO_ASSIST_HOME of its own (database and index where that variable finds them), so a user can go on in it.
REAL := WTO_ASSIST_HOME=$(REAL_HOME) HF_HUB_OFFLINE=1 $(BIN)/wto-assist

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --no-index --no-deps '$(TORCH)+cpu' 2>/dev/null \
		|| $(BIN)/pip install -q -c constraints.txt $(TORCH) --extra-index-url $(TORCH_CPU_INDEX)
	$(BIN)/pip install -q -c constraints.txt $(TORCH)
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
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
	@echo "$(DEMO_HOME) holds the illustrative sample corpus only. To look around it:"
	@echo "    . $(VENV)/bin/activate && WTO_ASSIST_HOME=$(DEMO_HOME) wto-assist search \"rules of origin for LDCs\""
	@echo "For your own documents use a folder of your own (README, five minutes with your own documents):"
	@echo "    export WTO_ASSIST_HOME=\"\$$HOME/wto-work\""

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
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/bench_page_steps.py

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

# docs/cli.md from the --help of every command (tests/test_docs.py fails while it is stale).
cli-docs: $(STAMP)
	$(BIN)/python scripts/cli_reference.py
	$(BIN)/python scripts/json_schema.py

templates: $(STAMP)
	$(BIN)/python templates/build_templates.py

# Drafts the committed example briefs over the real data in $(SHARED) (BM25 index: under a minute):
# a public LDC Group statement quoting derestricted CTD minutes, and a third-party submission in DS512.
example-real: $(STAMP)
	test -d $(SHARED)/corpus/ctd-minutes || (echo "$(SHARED)/corpus/ctd-minutes not found" && exit 1)
	$(REAL) ingest $(SHARED)/corpus/ctd-minutes
	$(REAL) load-disputes $(SHARED)/data/disputes-ds1-624.jsonl
	$(REAL) index --no-dense
	$(REAL) draft examples/ctd-dfqf-ldc-statement.yaml -o $(REAL_HOME)/ctd-dfqf-ldc-statement.docx --final
	$(REAL) draft examples/ds512-third-party-submission.yaml -o $(REAL_HOME)/ds512-third-party-submission.docx --final
	@echo
	@echo "The real CTD corpus is in $(REAL_HOME) (database corpus.sqlite, index default/). To go on with it:"
	@echo "    . $(VENV)/bin/activate && export WTO_ASSIST_HOME=$(REAL_HOME)"

# `make clean` keeps $(REAL_HOME): the README invites users to go on working there (their cases, drafts
# and watches live in it). `make clean-example-real` removes it, when that is what is meant.
clean:
	rm -rf $(VENV) indexes/demo
	if [ -d out ]; then find out -mindepth 1 -maxdepth 1 ! -path $(REAL_HOME) -exec rm -rf {} +; fi

clean-example-real:
	rm -rf $(REAL_HOME)
