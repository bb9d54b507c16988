#!/usr/bin/env bash
# mm-command.sh "/apps info" [--user] - run a slash command in the stack's town-square channel as the
# admin (or, with --user, as the regular user alice) and print the response text.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STACK_DIR=${STACK_DIR:-$ROOT/.stack/dev}
# shellcheck disable=SC1091
source "$STACK_DIR/mm.env"
token=$MM_ADMIN_TOKEN
[[ ${2:-} == --user ]] && token=$MM_USER_TOKEN
body=$(jq -n --arg c "${1:?usage: mm-command.sh \"/apps info\" [--user]}" --arg ch "$MM_CHANNEL_ID" --arg t "$MM_TEAM_ID" \
  '{command: $c, channel_id: $ch, team_id: $t}')
curl -fsS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body" \
  "$MM_URL/api/v4/commands/execute" | jq -r '.text // .'
