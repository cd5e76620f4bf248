# fastwarmup — `make help` lists the targets.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DIST := dist
# The CPython versions `make ci` tests the installed wheel on: pyenv's, or python3.X on PATH.
CI_PYTHONS ?= 3.10 3.13
# Wheels are linked with zig against glibc 2.17 stubs, so the manylinux policy in pyproject's
# [tool.maturin] holds whatever the build machine's glibc is; maturin audits it.
MATURIN := PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/maturin

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

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
	$(PY) -m pip install --quiet ruff
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --features python -- -D warnings
	$(PY) -m ruff check python tests benches scripts
	$(PY) -m ruff format --check python tests benches scripts

.PHONY: test
test: install-test ## the quick loop: the tree built into .venv, cargo test, stubtest, pytest (parity)
	cargo test
	$(PY) -m mypy.stubtest fastwarmup._fastwarmup --allowlist stubtest-allowlist.txt
	FASTWARMUP_REQUIRE_PADDLE=1 $(PY) -m pytest -q -p no:cacheprovider

.PHONY: test-long
test-long: install-test ## the long and large variants: load tests x10 (100M steps, 10,000 precomputes of 1M), 20,000 property-test examples; the interrupt latency table
	FASTWARMUP_REQUIRE_PADDLE=1 FASTWARMUP_LOAD_SCALE=10 FASTWARMUP_HYPOTHESIS_EXAMPLES=20000 \
	    $(PY) -m pytest -q -p no:cacheprovider tests/test_load.py tests/test_properties.py
	$(PY) benches/interrupt_latency.py

CI_STEPS := lint cargo-test wheel smoke-aarch64 sdist-check test-wheel

.PHONY: ci
ci: ## everything CI runs (.ci/run): lint, cargo test, `make wheel`, aarch64 smoke, sdist install, and stubtest + pytest on the installed wheel for each of CI_PYTHONS
	@start=$$(date +%s); for step in $(CI_STEPS); do \
	    t=$$(date +%s); echo "==== make $$step"; \
	    $(MAKE) --no-print-directory $$step || exit 1; \
	    echo "==== make $$step: $$(( $$(date +%s) - t )) s (CI so far: $$(( $$(date +%s) - start )) s)"; \
	done

.PHONY: cargo-test
cargo-test: ## the Rust unit tests (cargo test), and exact_simd's pow and exp against libm on 10^8 inputs each (release)
	cargo test
	cargo test --release --lib exact_simd_big -- --ignored --nocapture

.PHONY: dist-tools
dist-tools: $(PY)
	$(PY) -m pip install --quiet -r scripts/dist-requirements.txt

.PHONY: wheel
wheel: dist-tools ## dist/: abi3 manylinux wheels for x86_64 and aarch64 (cross-built) and the sdist, then dist-check
	rm -rf $(DIST)
	rustup target add x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu
	$(MATURIN) build --zig --target x86_64-unknown-linux-gnu --out $(DIST)
	$(MATURIN) build --zig --target aarch64-unknown-linux-gnu --out $(DIST)
	$(MATURIN) sdist --out $(DIST)
	$(MAKE) dist-check

.PHONY: dist-check
dist-check: dist-tools ## check dist/: file lists, audited manylinux tags, version, size budget, twine check
	$(PY) scripts/check_dist.py $(DIST)

.PHONY: smoke-aarch64
smoke-aarch64: dist-tools ## run dist/'s aarch64 wheel under qemu-user with Debian's arm64 CPython (needs root for apt)
	HOST_PY=$(PY) scripts/smoke_aarch64.sh $(DIST)

.PHONY: sdist-check
sdist-check: $(PY) ## build and install dist/'s sdist in a clean virtualenv, then smoke-test it
	HOST_PY=$(PY) scripts/check_sdist.sh $(DIST)

.PHONY: test-wheel
test-wheel: $(PY) ## stubtest and pytest against dist/'s wheel, installed in a fresh venv per CI_PYTHONS, no Rust on PATH
	@for v in $(CI_PYTHONS); do HOST_PY=$(PY) scripts/test_wheel.sh $$v $(DIST) || exit 1; done

.PHONY: bench
bench: install-test ## benchmarks against paddle and NumPy (ratios printed at the end), then bulk evaluation from 10K to 100M steps and 1 to all threads
	$(PY) -m pytest benches -q -p no:cacheprovider --benchmark-enable --benchmark-columns=min,median,rounds
	$(PY) benches/bulk_scaling.py

.PHONY: clean
clean: ## remove build outputs and the virtualenv
	rm -rf target $(VENV) $(DIST) .pytest_cache .benchmarks
