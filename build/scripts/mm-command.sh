#!/usr/bin/env bash
# mm-command.sh "/apps info" [--user] - run a slash command in the stack's town-square channel as the admin
# (or, with --user, as the regular user alice) and print what that user sees: the response, ephemeral posts
# (app answers come that way, from the app's bot) and dialogs that open.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STACK_DIR=${STACK_DIR:-$ROOT/.stack/dev-${MM_VERSION:-11.4}}
# shellcheck disable=SC1091
source "$STACK_DIR/mm.env"
token=$MM_ADMIN_TOKEN
[[ ${2:-} == --user ]] && token=$MM_USER_TOKEN
[[ -x $ROOT/dist/mm-command ]] || (cd "$ROOT" && CGO_ENABLED=0 go build -o dist/mm-command ./cmd/mm-command)
exec "$ROOT/dist/mm-command" -url "$MM_URL" -token "$token" -channel "$MM_CHANNEL_ID" -team "$MM_TEAM_ID" -wait 2s \
  "${1:?usage: mm-command.sh \"/apps info\" [--user]}"
