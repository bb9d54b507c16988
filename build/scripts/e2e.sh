#!/usr/bin/env bash
# e2e.sh - bring up the e2e stack (separate ports and state from the dev stack), run the
# end-to-end suite against it, and stop it again (KEEP_STACK=1 keeps it running).
set -euo pipefail
LOG_TAG=e2e
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export STACK=e2e MM_VERSION=${MM_VERSION:-11.4}
export STACK_DIR=${STACK_DIR:-$ROOT/.stack/e2e-$MM_VERSION}
# Fresh state every run: the suite asserts on what it creates.
"$ROOT/build/scripts/stack.sh" purge >/dev/null 2>&1 || true
if [[ ${KEEP_STACK:-0} != 1 ]]; then trap '"$ROOT/build/scripts/stack.sh" down' EXIT; fi
"$ROOT/build/scripts/stack.sh" up >/dev/null
# shellcheck disable=SC1091
source "$STACK_DIR/env.sh"
log "running the end-to-end suite against Mattermost $MM_VERSION at $MM_URL"
cd "$ROOT"
go test -tags e2e -count=1 -timeout 20m ${E2E_RUN:+-run "$E2E_RUN"} ${E2E_VERBOSE:+-v} ./e2e/...

# The webapp in a real browser (Debian's Chromium driven by playwright-core) against the same stack.
log "running the webapp browser test against the same stack"
"$ROOT/webapp/e2e/install-browser.sh" >/dev/null
(cd "$ROOT/webapp" && npm run --silent test:browser:run)
