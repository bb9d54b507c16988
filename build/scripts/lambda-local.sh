#!/usr/bin/env bash
# lambda-local.sh - the project's local Lambda runtime (cmd/lambda-local) on loopback: it runs the
# deployed functions' code and forwards every other Lambda API call to moto.
#   lambda-local.sh up | down        (STACK_DIR, LAMBDA_PORT=9001, MOTO_PORT=5000,
#                                     LAMBDA_CONCURRENCY=10: per-function limit, as a new AWS account has)
set -euo pipefail
LOG_TAG=lambda-local
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STACK_DIR=${STACK_DIR:-$ROOT/.stack/dev}
LAMBDA_PORT=${LAMBDA_PORT:-9001}
MOTO_PORT=${MOTO_PORT:-5000}
D=$STACK_DIR/lambda-local
URL=http://127.0.0.1:$LAMBDA_PORT

case ${1:-up} in
  up)
    mkdir -p "$D/data"
    if alive "$D/lambda-local.pid" && curl -fs -m 2 -o /dev/null "$URL/local/health"; then log "already running at $URL"; exit 0; fi
    port_free "$LAMBDA_PORT" || die "port $LAMBDA_PORT is in use by something this stack did not start (set LAMBDA_PORT)"
    (cd "$ROOT" && CGO_ENABLED=0 go build -trimpath -o "$D/lambda-local" ./cmd/lambda-local)
    # Handlers inherit this environment: keep it small and free of secrets.
    env -i PATH="$PATH" HOME="$HOME" setsid "$D/lambda-local" -listen "127.0.0.1:$LAMBDA_PORT" \
      -fallback "http://127.0.0.1:$MOTO_PORT" -data "$D/data" -timeout 30s \
      -concurrency "${LAMBDA_CONCURRENCY:-10}" >"$D/lambda-local.log" 2>&1 &
    echo $! >"$D/lambda-local.pid"
    wait_http "$URL/local/health" 30 || { tail -20 "$D/lambda-local.log" >&2; die "lambda-local did not start"; }
    log "lambda-local ready at $URL (fallback moto :$MOTO_PORT)"
    ;;
  down) stop_pidfile "$D/lambda-local.pid" lambda-local ;;
  *) die "usage: $0 up|down" ;;
esac
