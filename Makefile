# The doors into the project. Only Python 3.11+ and make are assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: setup demo test test-fast bench lock clean

$(STAMP): requirements.lock pyproject.toml setup.py jupyter-config/rotacc-lab.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	# an editable install skips data files: Jupyter's hook that saves tracked notebooks without outputs
	mkdir -p $(VENV)/etc/jupyter/jupyter_server_config.d
	cp jupyter-config/rotacc-lab.json $(VENV)/etc/jupyter/jupyter_server_config.d/
	touch $(STAMP)

setup: $(STAMP)

## demo: build the demo practice, generate its rota, write the reports, then serve the
## dashboards on 127.0.0.1 until Ctrl-C (SERVE=0 skips the serving step)
SERVE ?= 1
demo: setup
	$(BIN)/rotacc-lab demo --out $(OUT) $(if $(filter 0,$(SERVE)),--no-serve,--serve)

## test: the whole test suite (fails when any test fails or none is collected)
test: setup
	bash scripts/ensure-chromium.sh
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not slow" -x -q

bench: setup
	$(BIN)/python benchmarks/calculations.py
	$(BIN)/python benchmarks/pipeline.py
	$(BIN)/python benchmarks/optimiser.py
	$(BIN)/python benchmarks/reports.py
	$(BIN)/python benchmarks/dashboards.py
	$(BIN)/python benchmarks/charts.py
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/import_errors.py

## lock: re-resolve requirements.lock from pyproject.toml (needs network to the registry)
lock: setup
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes \
	    --no-emit-index-url --no-emit-find-links -q -o requirements.lock

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis
