# favorite-products: build, test and run.   `make` (or `make help`) lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

MVN       ?= mvn
MVN_FLAGS ?= -B -ntp
COMPOSE   ?= docker compose -f docker/docker-compose.yml

APP_JAR   := target/favorite-products.jar
FAKE_JAR  := fake-products/target/fake-products.jar
# Rebuild a jar only when its sources or pom changed. The root build also depends on the
# fake-products sources: the root pom compiles them into its test classpath.
APP_SRC   := $(shell find src -type f 2>/dev/null)
FAKE_SRC  := $(shell find fake-products/src -type f 2>/dev/null)

.PHONY: help build test contract-lint monitoring-lint run services services-start up down logs bench bench-scale soak clean distclean k8s-validate certs

help: ## list the targets
	@echo "favorite-products — make targets:"
	@grep -E '^[a-z][a-zA-Z0-9_-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([^:]*):.*## /\1\t/' | \
	  awk -F'\t' '{ printf "  make %-15s %s\n", $$1, $$2 }'
	@echo
	@echo "Environment overrides the config, e.g.: API_TOKEN=secret HTTP_PORT=8080 make run"

build: $(FAKE_JAR) $(APP_JAR) ## package both jars (skips tests; only when sources changed)

$(FAKE_JAR): fake-products/pom.xml $(FAKE_SRC)
	$(MVN) -q $(MVN_FLAGS) -f fake-products/pom.xml -DskipTests package
	@touch $@

$(APP_JAR): pom.xml $(APP_SRC) $(FAKE_SRC)
	$(MVN) -q $(MVN_FLAGS) -DskipTests package
	@touch $@

test: ## run every test: fake-products, then the service (needs PostgreSQL, Redis, RabbitMQ)
	$(MVN) $(MVN_FLAGS) -f fake-products/pom.xml test
	$(MVN) $(MVN_FLAGS) test

k8s-validate: ## validate deploy/k8s (kubectl kustomize) against the Kubernetes 1.34 schemas; installs the validator into .k8s-validate/
	@scripts/k8s-validate.sh

contract-lint: ## lint src/main/resources/openapi.yaml with @redocly/cli (recommended rules; a warning fails too)
	@scripts/contract-lint.sh openapi

monitoring-lint: ## parse deploy/prometheus/alerts.yml and deploy/grafana/*.json, and every PromQL expression in them
	@scripts/contract-lint.sh monitoring

run: build ## build if needed, then run fake-products (background) and the service (foreground)
	@scripts/run.sh

services: ## check that PostgreSQL, Redis and RabbitMQ answer; say how to start the missing ones
	@scripts/check-services.sh

services-start: ## start the missing ones with this machine's own commands (as CI does)
	@scripts/check-services.sh --start=local

certs: ## event-bus mTLS certificates for compose in docker/certs/ (CA kept if present; README "Cluster security")
	@scripts/cluster-certs.sh docker/certs http1 http2 worker

up: certs ## the whole stack in Docker (needs a Docker daemon)
	FP_UID=$$(id -u) FP_GID=$$(id -g) $(COMPOSE) up -d --build

down: ## stop the Docker stack and drop its volumes
	$(COMPOSE) down -v

logs: ## follow the Docker stack's logs
	$(COMPOSE) logs -f

bench: build ## benchmark: ceilings + service scenarios (1 2 1c 2c 3 4) on loopback, bench/results/latest.{json,md} (~11 min)
	@bench/run.sh

bench-scale: build ## scaling run: scenarios 1, 1c, 3 at 10k/100k/1M customers, uniform and zipf:1.1; bench/results/scale-latest.* (~25 min)
	@bench/scale.sh

soak: build ## soak: 10 min mixed load at 70% of peak, one private dependency restarted; bench/results/soak-latest.*
	@bench/soak.sh

clean: ## remove build output (keeps .run/ tokens)
	rm -rf target fake-products/target bench/target

distclean: clean ## also remove .run/ (generated API token, JWT secret, logs) and .k8s-validate/
	rm -rf .run .k8s-validate
