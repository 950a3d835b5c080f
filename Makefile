# Trellis — the two commands are `make run` and `make test`; the rest are parts.
# Every target prints what it does; a missing tool stops it with a message
# that names the tool and how to provide it.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_SYSTEM_CERTS ?= 1
# uv on PATH, else the copy scripts/setup.sh installed as a Python package.
UV = $$(command -v uv >/dev/null && echo uv || echo python3 -m uv)
STACK := deploy/local/stack.sh
PYTEST_ARGS ?=

.PHONY: help setup up down status provision run test test-unit test-faults lint format proto proto-check contracts bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## install Python deps (uv workspace, locked) — no infrastructure
	@scripts/setup.sh

up: setup ## start local Kafka + FerretDB (or use external ones) and create topics
	@bash $(STACK) up
	@$(UV) run --frozen python -m trellis_shared.kafka.provision

down: ## stop local Kafka + FerretDB (fine when nothing runs)
	@bash $(STACK) down

status: ## show each component, its address, pid and log file
	@bash $(STACK) status

provision: ## create the Kafka topics of deploy/topics.toml, converge existing ones (idempotent)
	@$(UV) run --frozen python -m trellis_shared.kafka.provision

run: up ## set up everything and run Trellis on the embedded stack
	@scripts/run.sh

test: setup ## set up everything, run all checks and tests, stop what was started
	@scripts/test.sh $(PYTEST_ARGS)

test-faults: setup ## the long fault suite (5 min of kills, a 75 s database outage, a broker restart)
	@echo "[trellis] test-faults: own Kafka + FerretDB on spare ports; report in .trellis/faults/report.txt"
	@status=0; TRELLIS_FAULTS=long $(UV) run --frozen pytest tests/faults -o log_cli=true \
		--log-cli-level=WARNING $(PYTEST_ARGS) || status=$$?; \
		cat .trellis/faults/report.txt 2>/dev/null || echo "[trellis] test-faults: no report written"; \
		exit $$status

test-unit: setup ## unit tests only (no infrastructure)
	@$(UV) run --frozen pytest -m unit -q $(PYTEST_ARGS)

lint: setup ## ruff, formatting, mypy, stale generated code and schemas
	@echo "[trellis] lint: ruff check"; $(UV) run --frozen ruff check .
	@echo "[trellis] lint: ruff format --check"; $(UV) run --frozen ruff format --check .
	@echo "[trellis] lint: mypy (strict)"; $(UV) run --frozen mypy shared/src services/*/src benchmarks scripts
	@echo "[trellis] lint: generated gRPC code"; $(UV) run --frozen python scripts/gen_proto.py --check

format: setup ## apply ruff fixes and formatting
	@$(UV) run --frozen ruff check --fix . && $(UV) run --frozen ruff format .

proto: setup ## regenerate Python gRPC stubs (+ .pyi) from proto/
	@$(UV) run --frozen python scripts/gen_proto.py

proto-check: setup ## fail when the generated stubs are stale
	@$(UV) run --frozen python scripts/gen_proto.py --check

contracts: setup ## rewrite the checked-in JSON schemas of all events
	@$(UV) run --frozen python -m trellis_shared.contracts.export

bench: setup ## micro-benchmarks with a same-run baseline (prints figures and ratios)
	@$(UV) run --frozen python -m benchmarks

clean: down ## stop everything and delete local data (keeps the download cache)
	@rm -rf .trellis && echo "[trellis] removed .trellis/"
