#!/usr/bin/env bash
# stack.sh - the local stack: PostgreSQL + a real Mattermost server, moto as the AWS stand-in
# (with the apps bucket), and the Lambda Apps plugin built, uploaded and enabled.
#
#   stack.sh up      bring everything up (idempotent), print how to use it
#   stack.sh down    stop everything it started (by PID file)
#   stack.sh purge   stop and delete all state of the stack
#
# STACK=dev (default: Mattermost :8065, PostgreSQL :5433, moto :5000) or STACK=e2e (:8075, :5443, :5010),
# so tests never collide with a running dev stack. MM_VERSION=11.4 (default) or 9.9.
set -euo pipefail
LOG_TAG=stack
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STACK=${STACK:-dev}
case $STACK in
  dev) : "${MM_PORT:=8065}" "${MM_PG_PORT:=5433}" "${MOTO_PORT:=5000}" "${LAMBDA_PORT:=9001}" ;;
  e2e) : "${MM_PORT:=8075}" "${MM_PG_PORT:=5443}" "${MOTO_PORT:=5010}" "${LAMBDA_PORT:=9011}" ;;
  *) die "STACK must be dev or e2e" ;;
esac
export MM_VERSION=${MM_VERSION:-11.4}
export STACK_DIR=${STACK_DIR:-$ROOT/.stack/$STACK-$MM_VERSION}
export MM_PORT MM_PG_PORT MOTO_PORT LAMBDA_PORT
export MM_SERVER_ENV_FILE=$STACK_DIR/server.env
BUCKET=${MM_APPS_S3_BUCKET:-mattermost-apps-bucket}
REGION=${MM_APPS_AWS_REGION:-us-east-1}
S=$ROOT/build/scripts

# write_env: the deploy key (moto accepts any key pair; one is made per stack and kept) and the
# endpoints. The invoke key comes from `appsctl aws init --create-access-key` (see init_aws).
write_env() {
  mkdir -p "$STACK_DIR"
  if [[ ! -s $STACK_DIR/deploy.env ]]; then
    touch "$STACK_DIR/deploy.env"; chmod 600 "$STACK_DIR/deploy.env"
    cat >"$STACK_DIR/deploy.env" <<ENV
export MM_APPS_DEPLOY_AWS_ACCESS_KEY=AKIA$(tr -dc 'A-Z0-9' </dev/urandom | head -c 16)
export MM_APPS_DEPLOY_AWS_SECRET_KEY=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40)
ENV
  fi
  cat >"$STACK_DIR/endpoints.env" <<ENV
export MM_APPS_AWS_REGION=$REGION
export MM_APPS_S3_BUCKET=$BUCKET
export AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
export AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:$LAMBDA_PORT
export MOTO_URL=http://127.0.0.1:$MOTO_PORT
ENV
  cat >"$STACK_DIR/env.sh" <<ENV
# source me: everything needed to talk to the $STACK stack
source "$STACK_DIR/mm.env"
source "$STACK_DIR/deploy.env"
source "$STACK_DIR/invoke.env"
source "$STACK_DIR/endpoints.env"
export PATH="$ROOT/dist:\$PATH"
export STACK=$STACK STACK_DIR=$STACK_DIR MM_SERVER_ENV_FILE=$MM_SERVER_ENV_FILE MM_PORT=$MM_PORT MM_PG_PORT=$MM_PG_PORT MOTO_PORT=$MOTO_PORT LAMBDA_PORT=$LAMBDA_PORT
ENV
}

# init_aws: what an admin does once: the bucket, the invoke user/group/policy and execution role,
# and the invoke access key that the Mattermost server gets in its environment.
init_aws() {
  (cd "$ROOT" && make -s appsctl >/dev/null)
  # shellcheck disable=SC1091
  source "$STACK_DIR/deploy.env"; source "$STACK_DIR/endpoints.env"
  if [[ ! -s $STACK_DIR/invoke.env ]]; then
    local out
    out=$("$ROOT/dist/appsctl" aws init --create --create-access-key) || die "appsctl aws init failed"
    touch "$STACK_DIR/invoke.env"; chmod 600 "$STACK_DIR/invoke.env"
    sed -nE 's/^[[:space:]]*(export MM_APPS_AWS_(ACCESS|SECRET)_KEY=.*)$/\1/p' <<<"$out" >"$STACK_DIR/invoke.env"
    [[ $(wc -l <"$STACK_DIR/invoke.env") == 2 ]] || die "appsctl aws init printed no access key"
  else
    "$ROOT/dist/appsctl" -q aws init --create >/dev/null || die "appsctl aws init failed"
  fi
  # shellcheck disable=SC1091
  source "$STACK_DIR/invoke.env"
  # The server's environment: the plugin inherits it.
  touch "$MM_SERVER_ENV_FILE"; chmod 600 "$MM_SERVER_ENV_FILE"
  cat >"$MM_SERVER_ENV_FILE" <<ENV
MM_APPS_AWS_ACCESS_KEY=${MM_APPS_AWS_ACCESS_KEY//\'/}
MM_APPS_AWS_SECRET_KEY=${MM_APPS_AWS_SECRET_KEY//\'/}
MM_APPS_AWS_REGION=$REGION
MM_APPS_S3_BUCKET=$BUCKET
AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:$LAMBDA_PORT
ENV
}

# deploy_example: the sample apps (Go: hello-lambda, TypeScript on Node.js: hello-node), deployed
# and installed the way the README shows.
deploy_example() {
  (cd "$ROOT" && make -s bundle-example >/dev/null)
  # shellcheck disable=SC1091
  source "$STACK_DIR/env.sh"
  deploy_bundle hello-lambda "$ROOT/dist/examples/hello-lambda-0.1.0-bundle.zip"
  deploy_bundle hello-node "$ROOT/dist/examples/hello-node-0.1.0-bundle.zip"
}

# deploy_bundle APP_ID BUNDLE: deploy (or update) and install one app.
deploy_bundle() {
  if "$ROOT/dist/appsctl" -q aws test list 2>/dev/null | grep -qF -- "$1"; then
    "$ROOT/dist/appsctl" aws deploy "$2" --update --install
  else
    "$ROOT/dist/appsctl" aws deploy "$2" --install
  fi
}

up() {
  need_root
  apt_install postgresql jq curl
  write_env
  "$S/moto.sh" up
  "$S/lambda-local.sh" up
  init_aws
  "$S/mattermost.sh" up
  local bundle
  bundle=$(ls -t "$ROOT"/dist/*.tar.gz 2>/dev/null | head -1)
  [[ -n $bundle ]] || die "no plugin bundle in dist/: run 'make dist' first (make dev does)"
  "$S/plugin-install.sh" "$bundle"
}

usage_hint() {
  # shellcheck disable=SC1091
  source "$STACK_DIR/mm.env"
  cat <<TXT

Lambda Apps dev stack is up ($STACK, Mattermost $MM_VERSION).
  Mattermost   $MM_URL   admin: $MM_ADMIN_USERNAME / $MM_ADMIN_PASSWORD   user: alice / Alice-Passw0rd!
  Admin token  $MM_ADMIN_TOKEN
  AWS (moto)   http://127.0.0.1:$MOTO_PORT   bucket: $BUCKET   Lambda (lambda-local): http://127.0.0.1:$LAMBDA_PORT
  Environment  source $STACK_DIR/env.sh

This server has no web client (it cannot be built offline); use the REST API, mmctl, or:
  build/scripts/mm-command.sh "/apps info"          # run a slash command as the admin
  build/scripts/mm-command.sh "/apps help" --user   # ... as a regular user
Logs: $STACK_DIR/mattermost/logs/   Stop: make dev-down
TXT
}

case ${1:-up} in
  up) up; [[ $STACK == dev ]] && deploy_example; usage_hint ;;
  down) "$S/mattermost.sh" down; "$S/lambda-local.sh" down; "$S/moto.sh" down ;;
  purge) "$S/mattermost.sh" down --purge; "$S/lambda-local.sh" down; "$S/moto.sh" down; rm -rf "$STACK_DIR" ;;
  env) write_env ;;
  *) die "usage: $0 up|down|purge" ;;
esac
