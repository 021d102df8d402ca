# Bildungslotse – the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
PY312 := $(shell scripts/find-python.sh 3.12 2>/dev/null)
PY310 := $(shell scripts/find-python.sh 3.10 2>/dev/null)
UV := .venv/bin/uv
APP := .venv/.installed
ENGINE := .venv-engine/.installed

.PHONY: run run-cluster test test-fast lint format bench train setup clean help

help:  ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(APP): requirements/app.lock pyproject.toml
	@test -n "$(PY312)" || { scripts/find-python.sh 3.12; exit 1; }
	test -x .venv/bin/python || $(PY312) -m venv .venv
	test -x $(UV) || .venv/bin/pip install -q "uv==0.13.9"
	$(UV) pip sync -q --python .venv/bin/python requirements/app.lock
	$(UV) pip install -q --python .venv/bin/python --no-deps -e .
	touch $@

$(ENGINE): requirements/engine.lock $(APP)
	@test -n "$(PY310)" || { scripts/find-python.sh 3.10; exit 1; }
	test -x .venv-engine/bin/python || $(UV) venv -q --python $(PY310) .venv-engine
	$(UV) pip sync -q --python .venv-engine/bin/python requirements/engine.lock
	touch $@

node_modules/.package-lock.json: package-lock.json  # axe-core for the accessibility test
	npm ci --no-audit --no-fund

setup: $(APP)  ## database: migrations, reference data, sample catalogue
	.venv/bin/bildungslotse setup
	.venv/bin/bildungslotse counsellor samples

train: $(APP) $(ENGINE)  ## train the engine if its training data changed
	.venv/bin/bildungslotse engine train

run: setup train  ## install, train, load data, start engine, actions and gateway
	scripts/run.sh

run-cluster: $(APP) train  ## two engines, two action servers, two gateways behind HAProxy on PostgreSQL + Redis (see deploy/README.md)
	scripts/install-system.sh
	BILDUNGSLOTSE_DATABASE_URL=$${BILDUNGSLOTSE_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	BILDUNGSLOTSE_REDIS_URL=$${BILDUNGSLOTSE_REDIS_URL:-redis://127.0.0.1:6379/0} scripts/run-cluster.sh

test: $(APP) $(ENGINE) node_modules/.package-lock.json  ## every test (the engine is trained once, cached by content hash)
	scripts/install-browser.sh
	.venv/bin/bildungslotse engine train
	.venv/bin/pytest -q -p no:cacheprovider

test-fast: $(APP)  ## unit tests only, no engine
	.venv/bin/pytest -q -m "not engine"

lint: $(APP) node_modules/.package-lock.json  ## ruff, mypy, import contracts and ESLint
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy bot actions catalogue core monitoring engine cli
	.venv/bin/lint-imports
	npx eslint web

format: $(APP)
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bench: $(APP) $(ENGINE)  ## search, import, chat-turn and load benchmarks, numbers to stdout
	.venv/bin/python -m tests.bench.search_bench --sizes 10000,100000,1000000
	.venv/bin/python -m tests.bench.import_bench --sizes 10000,100000
	.venv/bin/python -m tests.bench.chat_bench
	.venv/bin/python -m tests.bench.load_bench --profile sqlite
	if [ -n "$$BILDUNGSLOTSE_TEST_POSTGRES_URL" ] && [ -n "$$BILDUNGSLOTSE_TEST_REDIS_URL" ]; then \
	  .venv/bin/python -m tests.bench.load_bench --profile postgres; fi

clean:  ## remove environments, models and local databases
	rm -rf .venv .venv-engine models var
