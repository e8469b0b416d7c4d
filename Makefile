# make install: a .venv with the package (editable) and its dev + viz extras.
# make serve:   the seed graph at http://127.0.0.1:$(PORT).
# make test:    the whole suite (what .ci/run runs).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1

.PHONY: install serve test bench clean

install: $(BIN)/conflictkg

$(BIN)/conflictkg: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,viz]'
	touch $@

serve: install
	$(BIN)/conflictkg serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest

bench: install
	$(BIN)/conflictkg bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
