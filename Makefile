# Tapline on one machine: `make run` for the demo, `make test` for the suite. `make` lists all.
# PostgreSQL/PostGIS and Redis come from scripts/services.sh (ports 54329 and 63799) unless
# DATABASE_URL / TEST_DATABASE_URL and REDIS_URL point elsewhere.

SHELL := /bin/bash
.DEFAULT_GOAL := help

SERVICES := scripts/services.sh
PYTEST_ARGS ?=
BENCH ?= $(sort $(basename $(notdir $(wildcard bench/bench_*.py))))

.PHONY: help run test bench lint venv start stop status clean-var vendor lock

help: ## list the targets
	@awk -F':.*## ' '/^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  variables: PYTEST_ARGS='-k x', BENCH=bench_sync, PORT (8000), PGPORT (54329), REDIS_PORT (63799)"

run: ## demo: migrate, load demo data, run web + worker + clock; Ctrl-C stops them all
	@$(SERVICES) ensure-packages
	@scripts/venv.sh
	@$(SERVICES) run -- scripts/run-demo.sh

test: ## test suite on real PostgreSQL, Redis and Chromium; options via PYTEST_ARGS=...
	@$(SERVICES) ensure-packages --with-browser
	@scripts/venv.sh
	@$(SERVICES) run --for test -- scripts/run-tests.sh $(PYTEST_ARGS)

bench: ## run every bench/bench_*.py, or only BENCH=bench_name
	@if [ -z "$(strip $(BENCH))" ]; then echo "No benchmarks in bench/ yet: nothing to run."; exit 0; fi; \
	$(SERVICES) ensure-packages --with-bench && scripts/venv.sh && \
	$(SERVICES) run -- scripts/run-bench.sh $(BENCH)

lint: ## ruff check and ruff format --check on the Python code
	@scripts/venv.sh
	.venv/bin/ruff check app tests bench worker.py wsgi.py asgi.py
	.venv/bin/ruff format --check app tests bench worker.py wsgi.py asgi.py migrations

venv: ## create .venv, or reinstall requirements.lock into it when the lock changed
	@scripts/venv.sh

start: ## start our PostgreSQL and Redis and keep them up (until make stop)
	@$(SERVICES) start

stop: ## stop our PostgreSQL and Redis
	@$(SERVICES) stop

status: ## show whether our PostgreSQL and Redis run, and where their data are
	@$(SERVICES) status

clean-var: ## stop the services and delete their data (./var and the /var/tmp fallback)
	@$(SERVICES) clean

vendor: ## refresh app/static/vendor/ from package-lock.json (needs Node.js)
	@scripts/vendor.sh

lock: ## rewrite requirements.lock from what is installed in .venv
	@{ echo '# Exact pins of every package in .venv (runtime + the "test" extra). Regenerate: make lock'; \
	  .venv/bin/pip freeze --exclude tapline --exclude-editable; } > requirements.lock.new
	@mv requirements.lock.new requirements.lock
	@echo "requirements.lock: $$(grep -vc '^#' requirements.lock) packages"
