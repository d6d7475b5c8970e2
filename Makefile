# PeaceTalks-DE: `make release` sets up and runs the main job, `make check` runs every test.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

.PHONY: setup release validate check lint typecheck test lock clean

setup: $(STAMP)

# Byte code is compiled at install time: where PYTHONDONTWRITEBYTECODE is set (as on some CI machines),
# Python would otherwise compile every module on every start (`peacetalks validate` of the bundled corpus:
# 2.1 s without byte code, 1.1 s with it, measured on a busy 2-core machine).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q loaders schema
	touch $(STAMP)

# The main job on the bundled corpus: validate it and build release $(RELEASE_VERSION) into dist/.
# Rebuilding the same version with the same data leaves dist/v$(RELEASE_VERSION) as it is.
RELEASE_VERSION ?= 0.1.0
release: $(STAMP)
	$(BIN)/peacetalks validate --root .
	$(BIN)/peacetalks release --root . --version $(RELEASE_VERSION) --out dist

validate: $(STAMP)
	$(BIN)/peacetalks validate --root .

check: lint typecheck test

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy cannot follow the setuptools editable finder that maps loaders/ and schema/ under
# peacetalks/, so it checks a symlink tree with the installed layout: the package, tests and benchmarks.
typecheck: $(STAMP)
	rm -rf build/typecheck && mkdir -p build/typecheck
	cp -rs $(CURDIR)/loaders build/typecheck/peacetalks
	cp -rs $(CURDIR)/schema build/typecheck/peacetalks/schema
	cp -rs $(CURDIR)/tests build/typecheck/tests
	cp -rs $(CURDIR)/benchmarks build/typecheck/benchmarks
	cd build/typecheck && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p peacetalks -p tests -p benchmarks

test: $(STAMP)
	$(BIN)/pytest

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra scale --python-version 3.11 --generate-hashes --quiet -o requirements.lock

clean:
	rm -rf $(VENV) build dist
