# Lambda Apps — Mattermost plugin + appsctl.
#   make dev        bring up a working local stack (Mattermost + PostgreSQL + moto + the plugin)
#   make test       everything CI runs: style checks, unit tests, webapp tests, end-to-end tests
# See README.md.

SHELL := /bin/bash
GO ?= go
PLUGIN_ID := $(shell jq -r .id plugin.json 2>/dev/null || python3 -c 'import json;print(json.load(open("plugin.json"))["id"])')
PLUGIN_VERSION := $(shell jq -r .version plugin.json 2>/dev/null || python3 -c 'import json;print(json.load(open("plugin.json"))["version"])')
BUNDLE := dist/$(PLUGIN_ID)-$(PLUGIN_VERSION).tar.gz
# The Go code and the webapp read the id and version from plugin.json themselves (manifest.go, webapp/src/manifest.ts).
LDFLAGS := -s -w
GOLANGCI_LINT_VERSION := v2.15.0
TOOLS := $(or $(LAMBDA_APPS_CACHE),$(HOME)/.cache/lambda-apps)/tools
GOLANGCI_LINT := $(TOOLS)/golangci-lint-$(GOLANGCI_LINT_VERSION)/golangci-lint
# Written once, in the Go helper that the integration tests use to start it.
VERSITYGW_VERSION := $(shell sed -n 's/^const VersityVersion = "\(.*\)"$$/\1/p' internal/testaws/versity.go)
VERSITYGW := $(TOOLS)/versitygw-$(VERSITYGW_VERSION)/versitygw
MM_VERSION ?= 11.4
# Every package of the module except Go code that npm packages ship under webapp/node_modules.
GO_PACKAGES = $(shell $(GO) list ./... | grep -v /node_modules/)
# Directories for golangci-lint, including the build-tagged suites (e2e, bench).
GO_DIRS = $(shell $(GO) list -tags e2e,bench,benche2e -f '{{.Dir}}' ./... | grep -v /node_modules/ | sed "s|^$(CURDIR)|.|")

.PHONY: all
all: check-style test-unit dist

## ---- build -------------------------------------------------------------
.PHONY: server
server:
	@mkdir -p server/dist
	cd server && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/plugin-linux-amd64 .
	cd server && CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/plugin-linux-arm64 .

webapp/node_modules/.installed: webapp/package-lock.json
	cd webapp && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: webapp
webapp: webapp/node_modules/.installed
	cd webapp && npm run build --silent

.PHONY: dist
dist: server webapp
	@rm -rf dist/bundle && mkdir -p dist/bundle/$(PLUGIN_ID)/server/dist dist/bundle/$(PLUGIN_ID)/webapp/dist
	cp plugin.json dist/bundle/$(PLUGIN_ID)/
	cp -r assets dist/bundle/$(PLUGIN_ID)/
	cp server/dist/plugin-linux-amd64 server/dist/plugin-linux-arm64 dist/bundle/$(PLUGIN_ID)/server/dist/
	cp webapp/dist/main.js dist/bundle/$(PLUGIN_ID)/webapp/dist/
	tar -C dist/bundle -czf $(BUNDLE) $(PLUGIN_ID)
	@rm -rf dist/bundle
	@echo "plugin bundle: $(BUNDLE)"

.PHONY: lambda-local
lambda-local:
	@mkdir -p dist
	CGO_ENABLED=0 $(GO) build -trimpath -o dist/lambda-local ./cmd/lambda-local

.PHONY: bundle-example
bundle-example:
	build/bundle-example.sh
	build/bundle-example-node.sh

.PHONY: appsctl
appsctl:
	@mkdir -p dist
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '-s -w' -o dist/appsctl ./cmd/appsctl

## ---- local stack -------------------------------------------------------
.PHONY: dev
dev: dist appsctl bundle-example
	STACK=dev MM_VERSION=$(MM_VERSION) build/scripts/stack.sh up

.PHONY: dev-down
dev-down:
	STACK=dev MM_VERSION=$(MM_VERSION) build/scripts/stack.sh down

## ---- quality -----------------------------------------------------------
$(GOLANGCI_LINT):
	GOBIN=$(dir $(GOLANGCI_LINT)) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

# versitygw: an S3 server that checks signatures, for integration tests.
$(VERSITYGW):
	CGO_ENABLED=0 GOBIN=$(dir $(VERSITYGW)) $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)

.PHONY: tools
tools: $(GOLANGCI_LINT) $(VERSITYGW)

.PHONY: check-style
check-style: $(GOLANGCI_LINT) webapp/node_modules/.installed
	@echo "gofmt"; test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './webapp/*'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: run 'gofmt -w' on the files above"; exit 1; }
	$(GO) vet -tags e2e,bench,benche2e $(GO_PACKAGES) ./e2e/ ./bench/
	$(GOLANGCI_LINT) run $(GO_DIRS)
	cd webapp && npm run check-types --silent && npm run lint --silent

## ---- tests -------------------------------------------------------------
.PHONY: test-unit
test-unit: $(VERSITYGW)
	$(GO) test -race -count=1 $(GO_PACKAGES)

.PHONY: test-webapp
test-webapp: webapp/node_modules/.installed
	cd webapp && npm test --silent

.PHONY: e2e
e2e: dist bundle-example appsctl webapp/node_modules/.installed
	MM_VERSION=$(MM_VERSION) build/scripts/e2e.sh

# The oldest supported server (min_server_version in plugin.json).
.PHONY: e2e-oldest
e2e-oldest:
	$(MAKE) e2e MM_VERSION=9.9

.PHONY: test
test: check-style test-unit test-webapp e2e e2e-oldest

# Fuzzing: every fuzz target (func Fuzz* in the module's packages, found anew on each run)
# for FUZZTIME, a duration or a number of executions (FUZZTIME=1000000x), one go test run
# per target since -fuzz takes one target at a time. Seed corpora (f.Add, testdata/fuzz)
# run as ordinary tests in test-unit.
FUZZTIME ?= 15s
.PHONY: fuzz
fuzz:
	@set -eo pipefail; $(GO) list -f '{{.ImportPath}} {{.Dir}}' ./... | grep -v /node_modules/ | while read -r pkg dir; do \
		grep -qs '^func Fuzz' "$$dir"/*_test.go || continue; \
		list=$$($(GO) test -list '^Fuzz' "$$pkg" </dev/null); \
		for target in $$(grep '^Fuzz' <<<"$$list"); do \
			echo "$(GO) test -run '^\$$' -fuzz '^$$target\$$' -fuzztime $(FUZZTIME) $$pkg"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) "$$pkg" </dev/null; \
		done; \
	done

# make bench: the in-process benchmarks, then the call paths through a real server (bench-e2e).
.PHONY: bench
bench: $(VERSITYGW) bench-e2e
	build/scripts/bench.sh

.PHONY: bench-e2e
bench-e2e: dist bundle-example appsctl
	MM_VERSION=$(MM_VERSION) build/scripts/bench-e2e.sh

.PHONY: clean
clean:
	rm -rf dist server/dist webapp/dist
