# RNN from Scratch: every command a learner or CI needs.
# Only python3 (3.11+) must exist; everything else goes into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
# Jupyter refuses to run as root (containers, CI) unless told to.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# One BLAS thread: reproducible sums and fair timings on a shared machine.
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg -p no:cacheprovider

.PHONY: setup lab test test-unit test-notebooks test-variants test-ui notebooks lock clean html bench

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

## lab: open JupyterLab on the course (127.0.0.1, token authentication; PORT=9999 to change the port)
lab: setup
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) --ServerApp.root_dir=notebooks $(ALLOW_ROOT)

## test: unit tests, then every notebook re-executed and compared by strict nbval
test: test-unit test-notebooks

test-unit: setup
	$(TEST_ENV) $(BIN)/python -m pytest -q tests

test-notebooks: setup
	$(TEST_ENV) $(BIN)/python -m pytest -q $(NBVAL) notebooks

## test-variants: strict nbval over every notebook once per arithmetic variant this CPU can run
##                (native, avx2, avx, sse: see tools/variants.py); a table of pass/fail and seconds
test-variants: setup
	$(BIN)/python tools/test_variants.py

## test-ui: every notebook run in JupyterLab in headless Chromium (/usr/bin/chromium), every explorer's slider moved;
##          screenshots and run times in build/screenshots/
test-ui: setup
	@test -x "$${UI_CHROMIUM:-/usr/bin/chromium}" || { echo "make test-ui needs Chromium at $${UI_CHROMIUM:-/usr/bin/chromium}: install it with 'sudo apt-get install chromium' (Debian, Ubuntu) or set UI_CHROMIUM to a Chromium executable"; exit 1; }
	$(TEST_ENV) $(BIN)/python -m pytest -q -p no:cacheprovider tests/ui/ui_lab.py

## notebooks: re-execute every notebook in place (for committing), metadata stripped, under the
##            reference arithmetic variant (avx2: tools/variants.py), so any x86-64 CPU with AVX2 reproduces them
notebooks: setup
	$(TEST_ENV) $(BIN)/python tools/run_notebooks.py notebooks/*.ipynb

## lock: re-resolve the newest versions into requirements.lock (then run make test)
lock:
	rm -rf /tmp/rnn-lock-venv && $(PYTHON) -m venv /tmp/rnn-lock-venv
	/tmp/rnn-lock-venv/bin/python -m pip install --quiet ".[course,test,ui]"
	{ head -n 2 requirements.lock; /tmp/rnn-lock-venv/bin/python -m pip freeze --exclude rnn-from-scratch; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

## html: the executed notebooks as static lecture notes in build/html/ (open build/html/index.html; no network needed to view)
html: setup
	$(BIN)/python tools/build_html.py --out build/html notebooks/*.ipynb

## bench: rnnlib vs a minimal NumPy loop vs PyTorch CPU (if installed), end-to-end runs, FLOP rate;
##        writes benchmarks/results.md and results.png (under 10 min; BENCH_ARGS=--quick for a fast look)
bench: setup
	$(TEST_ENV) $(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build .pytest_cache *.egg-info rnnlib/__pycache__ tests/__pycache__
