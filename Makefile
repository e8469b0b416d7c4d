# make install: a .venv with the package (editable) and its dev + viz extras.
# make serve:   the seed graph at http://127.0.0.1:$(PORT).
# make test:    the whole suite (what .ci/run runs).
# make bench:   the benchmark suite, from benchmarks/ (not part of the installed package).
# make virtuoso: Debian's Virtuoso, the second remote engine the tests run the sparql: store against.
# make notebook: Jupyter on notebooks/, from the .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
# The W3C SHACL Core test suite (w3c/data-shapes, tests/core), as pySHACL's source distribution on
# PyPI ships it: taken from the registry at install time, never committed.
W3C_SHACL := .cache/w3c/shacl-core
NODE_MODULES := node_modules/.package-lock.json

.PHONY: install serve test bench notebook clean virtuoso

PACKAGE_DIRS := conflictkg graph api ontology shapes data
# Every target below is a file, so a second `make install` finds them up to date: nothing runs and
# nothing is fetched, offline too.
install: $(VENV)/.compiled $(NODE_MODULES)

# The pages' front-end libraries, as package-lock.json pins them, into node_modules/ (git-ignored),
# which the app serves at /vendor/: from the npm registry at install time, never a CDN.
$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# The package's own bytecode too: an editable install leaves it to the first import, and where
# PYTHONDONTWRITEBYTECODE is set (as on CI here) every command would compile the modules again.
$(VENV)/.compiled: $(BIN)/conflictkg $(W3C_SHACL)/manifest.ttl $(shell find $(PACKAGE_DIRS) -name '*.py')
	$(BIN)/python -m compileall -q $(PACKAGE_DIRS) > /dev/null
	touch $@

$(BIN)/conflictkg: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,viz]'
	touch $@

# Order-only on the venv: a reinstall of the package does not fetch the suite again. tar keeps the
# archive's dates (1970 here), so the manifest is touched, or make would find it older than the venv.
$(W3C_SHACL)/manifest.ttl: | $(BIN)/conflictkg
	rm -rf .cache/pyshacl-sdist $(W3C_SHACL)
	$(BIN)/pip download --quiet --no-deps --no-binary :all: -d .cache/pyshacl-sdist \
		"pyshacl==$$($(BIN)/python -c 'import importlib.metadata as m; print(m.version("pyshacl"))')"
	mkdir -p $(W3C_SHACL)
	tar xzf .cache/pyshacl-sdist/pyshacl-*.tar.gz -C $(W3C_SHACL) --strip-components=5 \
		--wildcards '*/test/resources/sht_tests/core/*'
	test -f $@
	touch $@

# Idempotent: nothing is fetched once virtuoso-t is on PATH.
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource; }

serve: install
	$(BIN)/conflictkg serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest

bench: install
	$(BIN)/python -m benchmarks

notebook: install
	$(BIN)/jupyter notebook --notebook-dir=notebooks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .cache node_modules test-artifacts
