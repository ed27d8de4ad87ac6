# Two commands do all the set-up on a fresh machine (see README):
#   make demo   installs everything into .venv and runs the offline demo
#   make test   installs everything into .venv and runs the test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo serve test lint bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# the CPU wheel of PyTorch first: an unpinned torch would pull a multi-GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/callbrief demo --out callbrief-demo

# the web workspace on the demo's data; prints a one-time password for the user `demo`
serve: $(STAMP)
	$(BIN)/callbrief serve --demo callbrief-demo --port 8000

test: $(STAMP)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest -q

# mypy reads packages from folders named like them: give it the checkout under the name `callbrief`
lint: $(STAMP)
	mkdir -p build/typecheck && ln -sfn $(CURDIR) build/typecheck/callbrief
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && MYPYPATH=build/typecheck $(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/bench_nlp.py
	$(BIN)/python bench/bench_briefs.py
	$(BIN)/python bench/bench_digest.py
	$(BIN)/python bench/bench_web.py

clean:
	rm -rf $(VENV) callbrief-demo .pytest_cache
