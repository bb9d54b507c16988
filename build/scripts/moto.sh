#!/usr/bin/env bash
# moto.sh - moto (IAM, STS, S3, Lambda control plane) on loopback as the AWS stand-in.
#   moto.sh up | down        (STACK_DIR, MOTO_PORT=5000)
set -euo pipefail
LOG_TAG=moto
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STACK_DIR=${STACK_DIR:-$ROOT/.stack/dev}
MOTO_PORT=${MOTO_PORT:-5000}
D=$STACK_DIR/moto
URL=http://127.0.0.1:$MOTO_PORT

case ${1:-up} in
  up)
    mkdir -p "$D"
    if alive "$D/moto.pid" && curl -fs -m 2 -o /dev/null "$URL/moto-api/"; then log "moto already running at $URL"; exit 0; fi
    python3 -c 'import moto.server' 2>/dev/null ||
      die "python3 cannot import moto: install it with 'pip install \"moto[server]==5.2.1\"' (it ships with the project's machine image)"
    port_free "$MOTO_PORT" || die "port $MOTO_PORT is in use by something this stack did not start (set MOTO_PORT)"
    MOTO_IAM_LOAD_MANAGED_POLICIES=true setsid python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" >"$D/moto.log" 2>&1 &
    echo $! >"$D/moto.pid"
    wait_http "$URL/moto-api/" 30 || { tail -20 "$D/moto.log" >&2; die "moto did not start"; }
    # Lambda execution would need Docker; the project's lambda-local runs the code instead.
    curl -fsS -X POST "$URL/moto-api/config" -H 'Content-Type: application/json' -d '{"lambda":{"use_docker":false}}' >/dev/null
    log "moto ready at $URL (pid $(cat "$D/moto.pid"))"
    ;;
  down) stop_pidfile "$D/moto.pid" moto ;;
  *) die "usage: $0 up|down" ;;
esac
