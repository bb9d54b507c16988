#!/usr/bin/env bash
# plugin-install.sh BUNDLE - upload a plugin bundle to the stack's Mattermost through the REST API,
# enable it and wait until it runs. Needs $STACK_DIR/mm.env (written by mattermost.sh up).
set -euo pipefail
LOG_TAG=plugin
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STACK_DIR=${STACK_DIR:-$ROOT/.stack/dev}
BUNDLE=${1:?usage: plugin-install.sh BUNDLE.tar.gz}
# shellcheck disable=SC1091
source "$STACK_DIR/mm.env"
ID=$(jq -r .id "$ROOT/plugin.json")
AUTH=(-H "Authorization: Bearer $MM_ADMIN_TOKEN")
out=$(mktemp); trap 'rm -f "$out"' EXIT

code=$(curl -sS -o "$out" -w '%{http_code}' "${AUTH[@]}" -F "plugin=@$BUNDLE" -F force=true "$MM_URL/api/v4/plugins")
[[ $code == 201 ]] || die "upload of $BUNDLE failed: HTTP $code $(cat "$out")"
code=$(curl -sS -o "$out" -w '%{http_code}' "${AUTH[@]}" -X POST "$MM_URL/api/v4/plugins/$ID/enable")
[[ $code == 200 ]] || die "enable failed: HTTP $code $(cat "$out")"
state=""
for _ in $(seq 100); do
  state=$(curl -fsS "${AUTH[@]}" "$MM_URL/api/v4/plugins/statuses" | jq -r --arg id "$ID" '.[] | select(.plugin_id==$id) | .state')
  [[ $state == 2 ]] && break
  sleep 0.2
done
[[ $state == 2 ]] || die "plugin $ID is not running (state=$state); see $STACK_DIR/mattermost/logs/mattermost.log"
log "plugin $ID $(jq -r .version "$ROOT/plugin.json") uploaded and running"
