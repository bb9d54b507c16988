#!/usr/bin/env bash
# bench-e2e.sh - measure the call paths through a real Mattermost server: bring up the e2e stack (fresh state),
# run e2e/bench_*_test.go (tags e2e,benche2e) against it, print the table, stop the stack (KEEP_STACK=1 keeps it).
# Timing never fails the run; a failed request does. BENCH_SAMPLES (400), BENCH_LOAD_SECONDS (20) and
# BENCH_CONCURRENCY (64) tune it.
set -euo pipefail
LOG_TAG=bench-e2e
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export STACK=e2e MM_VERSION=${MM_VERSION:-11.4}
# 64 concurrent callers of one function: lambda-local's per-function limit must not be what is measured.
export LAMBDA_CONCURRENCY=${LAMBDA_CONCURRENCY:-256}
export STACK_DIR=${STACK_DIR:-$ROOT/.stack/e2e-$MM_VERSION}
"$ROOT/build/scripts/stack.sh" purge >/dev/null 2>&1 || true
if [[ ${KEEP_STACK:-0} != 1 ]]; then trap '"$ROOT/build/scripts/stack.sh" down' EXIT; fi
"$ROOT/build/scripts/stack.sh" up >/dev/null
# shellcheck disable=SC1091
source "$STACK_DIR/env.sh"
log "measuring through Mattermost $MM_VERSION at $MM_URL ($(nproc) cores)"
cd "$ROOT"
go test -tags e2e,benche2e -count=1 -timeout 40m -run '^TestBenchThroughServer$' -v ./e2e/ |
  grep -vE '^(=== RUN|--- PASS|PASS$|ok )'
