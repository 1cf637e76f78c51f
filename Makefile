# Set-up and test entry points of the liferay_ops.mail collection.
#
#   make demo    build .venv and run the demo
#   make test    install the system packages the tests use where it can (hack/system-deps.sh), build
#                .venv and run everything CI runs (sanity, units, lint, pytest, molecule)
#
# Variables:
#   PYTHON=python3.11  interpreter for the venv (default: newest usable Python >= 3.11, see hack/pick-python.sh)
#   VENV=.venv311      where the venv lives (default .venv); e.g. make test PYTHON=python3.11 VENV=.venv311
#   PYTEST_WORKERS=2   pytest-xdist workers for `make pytest`
#   BENCH_ARGS=...     extra arguments for bench/run.py (make bench, make bench-quick)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?=
VENV ?= .venv
PYTEST_WORKERS ?= 2
BENCH_ARGS ?=

REPO := $(CURDIR)
TMP := $(REPO)/.tmp
VENV_DIR := $(abspath $(VENV))
VENV_PY := $(VENV_DIR)/bin/python
# ansible-test needs a real copy at .../ansible_collections/<namespace>/<name>/ (it resolves symlinks).
TEST_TREE := $(TMP)/ansible-test/ansible_collections/liferay_ops/mail
# Everything else imports the collection through symlinks to the working tree.
COLLECTIONS := $(TMP)/collections
ANSIBLE_HOME_DIR := $(TMP)/ansible-home
# Drop pip's harmless warnings about the site's find-links locations (sed, unlike grep -v,
# succeeds on empty output).
QUIET_PIP := sed -u '/is ignored: it is neither a file nor a directory/d'
# "3.12" for the venv's interpreter; evaluated when a recipe runs (after the venv exists).
PY_VERSION = $$($(VENV_PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# The venv's bin first: ansible-test looks up pythonX.Y on PATH, and molecule/ansible-lint call ansible-*.
export PATH := $(VENV_DIR)/bin:$(PATH)
export PYTEST_WORKERS
# Plain logs in CI (molecule, ansible, pytest honour these).
ifdef CI
export NO_COLOR := 1
export PY_COLORS := 0
export ANSIBLE_NOCOLOR := 1
endif

# Environment for pytest, molecule and the demo: find the collection in the working tree and keep
# Ansible's state under .tmp instead of ~/.ansible.
IN_TREE_ENV := ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) PYTHONPATH=$(COLLECTIONS) \
	ANSIBLE_HOME=$(ANSIBLE_HOME_DIR) ANSIBLE_LOCAL_TEMP=$(TMP)/ansible-local \
	ANSIBLE_REMOTE_TEMP=$(TMP)/ansible-remote

.PHONY: help deps venv test demo sanity units lint pytest molecule bench bench-quick \
	collections test-tree changelog clean distclean compat

help:
	@echo "make demo          build $(VENV) and run the demo (hack/demo.sh)"
	@echo "make test          build $(VENV) and run sanity, units, lint, pytest, molecule (what CI runs)"
	@echo "make sanity|units|lint|pytest|molecule   one stage of make test"
	@echo "make deps          install the Debian packages the tests use (as root with apt), else say what is missing"
	@echo "make venv          create or reuse $(VENV) with the pinned tools of requirements/test.txt"
	@echo "make changelog     regenerate CHANGELOG.md from changelogs/ (antsibull-changelog)"
	@echo "make bench          benchmarks, full profile (about 15 min on 2 cores); rewrites docs/performance.md figures"
	@echo "make bench-quick    benchmarks, short profile (under 2 min); results in bench/results/raw/"
	@echo "make clean         remove .tmp, tests/output, .ansible; make distclean also removes .venv*"
	@echo "variables: PYTHON=python3.11 VENV=.venv311 PYTEST_WORKERS=2"

deps:
	@bash hack/system-deps.sh

venv:
	@hack/venv.sh "$(VENV_DIR)" "$(PYTHON)"

test:
	@hack/run-stages.sh deps venv sanity units lint pytest molecule compat

demo: venv collections
	@if [ -x hack/demo.sh ]; then \
		$(IN_TREE_ENV) VENV="$(VENV_DIR)" hack/demo.sh; \
	else \
		echo "demo: hack/demo.sh does not exist yet"; \
	fi

# Symlinks that make the working tree importable as ansible_collections.liferay_ops.mail.
# ansible-home/collections holds the same link: Molecule's prerun then sees the collection is
# linked to the working tree and skips installing a built copy.
collections:
	@mkdir -p $(COLLECTIONS)/ansible_collections/liferay_ops $(ANSIBLE_HOME_DIR)/collections/ansible_collections/liferay_ops \
		$(TMP)/ansible-local $(TMP)/ansible-remote
	@ln -sfn $(REPO) $(COLLECTIONS)/ansible_collections/liferay_ops/mail
	@ln -sfn $(REPO) $(ANSIBLE_HOME_DIR)/collections/ansible_collections/liferay_ops/mail

test-tree: venv
	@$(VENV_PY) hack/sync_collection.py $(REPO) $(TEST_TREE)
	@$(VENV_PY) hack/install_get_pip_standin.py

sanity: test-tree
	cd $(TEST_TREE) && ansible-test sanity --python $(PY_VERSION) 2>&1 | $(QUIET_PIP)
	@command -v shellcheck >/dev/null || { mkdir -p $(TMP)/skips; \
		printf 'shellcheck\tansible-test sanity skipped its shellcheck test (apt-get install shellcheck)\n' >> $(TMP)/skips/skipped.tsv; }
	@hack/compile-old-pythons.sh

units: test-tree
	@if [ -d tests/unit ] && [ -n "$$(find tests/unit -name 'test_*.py' -print -quit)" ]; then \
		cd $(TEST_TREE) && set -x && ansible-test units --python $(PY_VERSION) --requirements 2>&1 | $(QUIET_PIP); \
	else \
		echo "units: no tests/unit/**/test_*.py yet"; \
	fi

# ansible-lint resolves the collection's own modules and roles through the in-tree collections path
# (offline mode does not install the collection anywhere).
lint: venv collections
	$(IN_TREE_ENV) ansible-lint

pytest: venv collections
	@$(IN_TREE_ENV) hack/pytest-suites.sh $(VENV_PY)

molecule: venv collections
	@$(IN_TREE_ENV) hack/molecule-scenarios.sh $(SCENARIOS)

# The oldest supported controller, Python 3.11 with ansible-core 2.19: units and the default
# scenario in their own venv. Skipped (with a note) where no Python 3.11 runs.
COMPAT_PYTHON ?= 3.11
compat:
	@if hack/pick-python.sh $(COMPAT_PYTHON) >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory units molecule PYTHON=$(COMPAT_PYTHON) VENV=.venv311 SCENARIOS=default; \
	else \
		echo "compat: no Python $(COMPAT_PYTHON) here, skipping the ansible-core 2.19 run"; \
	fi

# antsibull-changelog exits 5 from `generate` while changelogs/changelog.yaml has no release yet.
changelog: venv
	antsibull-changelog lint
	antsibull-changelog generate || [ $$? -eq 5 ]

bench: venv collections
	$(IN_TREE_ENV) $(VENV_PY) bench/run.py $(BENCH_ARGS)

bench-quick: venv collections
	$(IN_TREE_ENV) $(VENV_PY) bench/run.py --quick $(BENCH_ARGS)

clean:
	rm -rf .tmp tests/output .ansible .pytest_cache .hypothesis
	find . -path ./.git -prune -o -path './.venv*' -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf .venv .venv[0-9]*
