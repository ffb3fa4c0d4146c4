# Two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Lambda runs python3.13; use the same interpreter here (pyenv keeps one on these machines).
PYTHON ?= $(shell (PYENV_VERSION=$$(pyenv versions --bare 2>/dev/null | grep -E '^3\.13(\.|$$)' | tail -n1) pyenv which python3.13 2>/dev/null) || command -v python3.13 || command -v python3)
VENV := .venv
SAM_VENV := .venv-sam
CHECKOV_VENV := .venv-checkov
BIN := $(VENV)/bin
PORT ?= 3000
export SAM_CLI_TELEMETRY := 0
export AWS_REGION ?= eu-north-1
# pip's notices ("a new release of pip is available", running as root) are not about this project.
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_ROOT_USER_ACTION := ignore
# sam build runs pip and the layer's Makefile with `python3.13` from PATH: PYTHON's folder comes first, so a
# machine where another Python is first (or pyenv's shim answers for another version) builds all the same. Its
# closing "Commands you can use next" (sam deploy --guided, sam sync) is not this project's way: cut.
# $(call sam_build[,LogicalId]) builds the stack, or that one resource.
sam_build = set -o pipefail; PATH="$(dir $(PYTHON)):$$PATH" $(SAM_VENV)/bin/sam build --template-file template.yaml \
	--build-dir .aws-sam/build --region $(AWS_REGION) $(1) | sed '/^Commands you can use next/,$$d'
# samconfig.toml's environments (stacks migris-signin-dev and migris-signin).
ENVIRONMENTS := dev prod

.PHONY: help install install-sam install-checkov install-browser run test lint typecheck template-check checkov pytest bench load clean build deploy layer

help:
	@echo "make run   - install into .venv and serve the local stack on http://localhost:$(PORT)"
	@echo "make test  - install and run every check (ruff, mypy, cfn-lint, sam validate, checkov, pytest with sam build)"
	@echo "make clean - remove every venv ($(VENV), $(SAM_VENV), $(CHECKOV_VENV)), .aws-sam/ and test-artifacts/"
	@echo "make build - sam build into .aws-sam/build (the functions and the layer, for python3.13 on arm64)"
	@echo "make deploy ENV=dev|prod [PARAMS='Name=value ...'] - build, then sam deploy --config-env ENV (samconfig.toml)"
	@echo "make layer - build only the shared layer (what a monthly rebuild runs: CA bundles and SDK fixes; docs/dependencies.md)"

# Twice quiet: setuptools' notice on every editable install ("be careful with folders ... with the same name as
# your package") is not news here; errors still show.
# phonenumbers gave way to phonenumberslite, which installs the same folder: a .venv made before loses both first
# (removing the old one later would take the new one's files with it).
$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@if $(BIN)/pip show --quiet phonenumbers 2>/dev/null; then $(BIN)/pip uninstall -qq --yes phonenumbers phonenumberslite; fi
	$(BIN)/pip install --quiet --quiet -c constraints.txt -e '.[dev]'
	touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet -r requirements-sam.txt
	touch $@

# checkov pins its own world of packages (requirements-checkov.txt, from its pip freeze), apart from ours.
$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet -r requirements-checkov.txt
	touch $@

install: $(BIN)/.installed

# The browser tests (tests/browser) drive Debian's Chromium through the playwright package: Playwright's own
# browser download cannot work on these machines. Installed once, when /usr/bin/chromium is missing.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

install-browser: $(CHROMIUM)

install-sam: $(SAM_VENV)/.installed

install-checkov: $(CHECKOV_VENV)/.installed

run: install
	$(BIN)/python -m devserver --port $(PORT) $(if $(PARAMS),--parameter-overrides $(PARAMS))

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy layers/common/migris layers/common/sdk_trim devserver staff functions/start_login/app.py functions/verify_code/app.py functions/save_profile/app.py functions/save_profile/first_fill.py functions/save_profile/staff.py functions/viisp_callback/app.py functions/send_mail/app.py functions/recovery/app.py functions/erase_account/app.py bench ops

# No sam build here: tests/e2e/test_runbook.py runs the runbook's `make build` on a clean copy, within make test.
template-check: install install-sam
	$(BIN)/cfn-lint template.yaml
	$(SAM_VENV)/bin/sam validate --lint --template-file template.yaml --region $(AWS_REGION)
	for environment in dev prod; do \
		$(SAM_VENV)/bin/sam validate --lint --template-file template.yaml --config-file samconfig.toml --config-env $$environment || exit 1; \
	done

build: install-sam
	$(call sam_build)

# Refused before anything is built: a typo must not deploy to a stack samconfig.toml does not name.
ifneq ($(filter deploy,$(MAKECMDGOALS)),)
ifneq ($(words $(ENV)),1)
$(error make deploy needs ENV=dev or ENV=prod (samconfig.toml's environments), e.g. make deploy ENV=dev)
endif
ifeq ($(filter $(ENV),$(ENVIRONMENTS)),)
$(error ENV=$(ENV) is not one of samconfig.toml's environments: use ENV=dev or ENV=prod)
endif
endif

# PARAMS replaces samconfig.toml's parameter_overrides: for prod repeat Environment=prod (docs/deploying.md).
deploy: build
	$(SAM_VENV)/bin/sam deploy --config-env $(ENV) $(if $(PARAMS),--parameter-overrides $(PARAMS))

layer: install-sam
	$(call sam_build,CommonLayer)

# In worker processes, one per CPU (pytest-xdist; the options are pyproject.toml's addopts). PYTEST_ARGS adds
# more, e.g. PYTEST_ARGS='-n0 tests/domain' for one process.
pytest: install install-browser
	$(BIN)/pytest $(PYTEST_ARGS)

# Every failed check is fixed or skipped in template.yaml with its reason (Metadata.checkov.skip). No download:
# checkov's guideline links come from the network, which CI does not have.
checkov: install-checkov
	$(CHECKOV_VENV)/bin/checkov -f template.yaml --framework cloudformation --compact --quiet --skip-download

test: lint typecheck template-check checkov pytest

# Issue 11's measures beside their budgets, one table (docs/performance.md): cold starts in fresh processes
# against a moto server on loopback, peak memory, AWS requests per flow. A few minutes at most; times are noisy
# on a shared machine, counts are exact. BENCH_RUNS=9 for more pairs (at least 7).
bench: install
	$(BIN)/python -m bench.run $(if $(BENCH_RUNS),--runs $(BENCH_RUNS))

# 200 simultaneous e-mail sign-ins against `python -m devserver` on a free loopback port (not part of make test;
# bounded in count and time): one session and its own profile each, sign-ins per second, latency per step.
load: install
	$(BIN)/python -m bench.load

# Back to a fresh clone's state: every venv the targets above make, sam build's output, the browser tests'
# screenshots and axe verdicts. (A venv that is a symlink loses only the link: no trailing slash.)
clean:
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) .aws-sam test-artifacts
