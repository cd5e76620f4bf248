# fastwarmup — `make help` lists the targets.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

.PHONY: install
install: $(PY) ## build the package (release, Rust core) into .venv
	$(PY) -m pip install --quiet .

.PHONY: install-test
install-test: $(PY) ## install the package, test tools and paddlepaddle==3.3.1 (the parity oracle)
	$(PY) -m pip install --quiet ".[test,parity,dev]"

.PHONY: demo
demo: $(PY) ## the main job: `fastwarmup show` on the built-in PaddleOCR example, and its plot in lr.png
	$(PY) -m pip install --quiet ".[cli,plot]"
	$(VENV)/bin/fastwarmup show
	$(VENV)/bin/fastwarmup plot -o lr.png
	@echo "wrote lr.png; try: $(VENV)/bin/fastwarmup show path/to/your/paddleocr_config.yml --step-each-epoch N"

.PHONY: lint
lint: $(PY) ## cargo fmt --check, clippy -D warnings, ruff
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --features python -- -D warnings
	$(PY) -m ruff check python tests benches
	$(PY) -m ruff format --check python tests benches

.PHONY: test
test: install-test ## everything CI runs: Rust unit tests, stub check, pytest (parity against paddle)
	cargo test
	$(PY) -m mypy.stubtest fastwarmup._fastwarmup --allowlist stubtest-allowlist.txt
	FASTWARMUP_REQUIRE_PADDLE=1 $(PY) -m pytest -q -p no:cacheprovider

.PHONY: bench
bench: install-test ## benchmarks against paddle and NumPy (ratios printed at the end)
	$(PY) -m pytest benches -q -p no:cacheprovider --benchmark-enable --benchmark-columns=min,median,rounds

.PHONY: clean
clean: ## remove build outputs and the virtualenv
	rm -rf target $(VENV) .pytest_cache .benchmarks
