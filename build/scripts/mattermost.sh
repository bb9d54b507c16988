#!/usr/bin/env bash
# mattermost.sh - a real Mattermost server (built from the Go module proxy at a
# pinned version, cached) backed by a private PostgreSQL cluster on loopback.
#
#   mattermost.sh build      build (or reuse the cached) server and mmctl binaries
#   mattermost.sh up         start PostgreSQL + Mattermost, create admin/team/token, write $STACK_DIR/mm.env
#   mattermost.sh restart    restart only the Mattermost server (re-reads $MM_SERVER_ENV_FILE)
#   mattermost.sh down [--purge]   stop what `up` started (by PID file); --purge deletes the data too
#
# Environment: STACK_DIR (default $ROOT/.stack/dev), MM_VERSION (11.4 | 9.9), MM_PORT (8065),
# MM_PG_PORT (5433), MM_SERVER_ENV_FILE (extra KEY=VALUE lines for the server's environment,
# default $STACK_DIR/server.env), MM_START_TIMEOUT (seconds, 180).
set -euo pipefail
LOG_TAG=mattermost
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STACK_DIR=${STACK_DIR:-$ROOT/.stack/dev}
MM_VERSION=${MM_VERSION:-11.4}
MM_PORT=${MM_PORT:-8065}
MM_PG_PORT=${MM_PG_PORT:-5433}
MM_SERVER_ENV_FILE=${MM_SERVER_ENV_FILE:-$STACK_DIR/server.env}
START_TIMEOUT=${MM_START_TIMEOUT:-180}
ADMIN_USER=admin ADMIN_PASS='Admin-Passw0rd!' ADMIN_EMAIL=admin@example.com
TEAM=test CHANNEL=town-square
USER_NAME=alice USER_PASS='Alice-Passw0rd!' USER_EMAIL=alice@example.com

BUILD_MOD=$ROOT/build/mattermost-server/v$MM_VERSION
[[ -f $BUILD_MOD/go.mod ]] || die "unsupported MM_VERSION=$MM_VERSION (supported: $(cd "$ROOT/build/mattermost-server" && ls | sed 's/^v//' | tr '\n' ' '))"
# The server's pin is written once, in the build module's go.mod.
SERVER_MOD_VER=$(awk '$1 == "github.com/mattermost/mattermost/server/v8" {print $2}' "$BUILD_MOD/go.mod")
BIN=$CACHE_DIR/mattermost-v$MM_VERSION
RUN=$STACK_DIR/mattermost
PGDATA=$RUN/pgdata PGSOCK=$RUN/pgsock
SOCK=$RUN/sock/mattermost_local.socket
MM_URL=http://localhost:$MM_PORT
PG_DB=mattermost PG_USER=mmuser PG_PASS=mmstack-pw

build() {
  mkdir -p "$BIN"
  local target
  for target in mattermost mmctl; do
    [[ -x $BIN/$target ]] && continue
    log "building $target $MM_VERSION from the Go module proxy (first time only, ~2-3 min)"
    # -mod=mod: the build module is pinned by its go.sum; never `go mod tidy` it (enterprise packages are private).
    (cd "$BUILD_MOD" && GONOSUMDB=github.com/mattermost GOFLAGS=-mod=mod CGO_ENABLED=0 \
      go build -trimpath -o "$BIN/$target.tmp" "github.com/mattermost/mattermost/server/v8/cmd/$target")
    mv "$BIN/$target.tmp" "$BIN/$target"
  done
  local modcache srcmod d
  modcache=$(go env GOMODCACHE)
  srcmod=$modcache/github.com/mattermost/mattermost/server/v8@$SERVER_MOD_VER
  [[ -d $srcmod/i18n ]] || (cd "$BUILD_MOD" && GONOSUMDB=github.com/mattermost GOFLAGS=-mod=mod go mod download github.com/mattermost/mattermost/server/v8)
  for d in i18n templates fonts; do
    if [[ ! -d $BIN/$d ]]; then cp -r "$srcmod/$d" "$BIN/$d"; chmod -R u+w "$BIN/$d"; fi
  done
}

pg() { runuser -u postgres -- "$@"; }
pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

postgres_up() {
  apt_install postgresql jq curl
  local PGBIN; PGBIN=$(pgbin)
  mkdir -p "$RUN/logs"
  if [[ ! -f $PGDATA/PG_VERSION ]]; then
    log "creating a private PostgreSQL cluster in $PGDATA"
    mkdir -p "$PGDATA" "$PGSOCK"; chown postgres:postgres "$PGDATA" "$PGSOCK"; chmod 700 "$PGDATA"
    pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >/dev/null
    cat >>"$PGDATA/postgresql.conf" <<PGCONF
listen_addresses = '127.0.0.1'
port = $MM_PG_PORT
unix_socket_directories = '$PGSOCK'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
PGCONF
  fi
  mkdir -p "$PGSOCK"; chown postgres:postgres "$PGSOCK"
  touch "$RUN/logs/postgres.log"; chown postgres:postgres "$RUN/logs/postgres.log"
  if ! pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    port_free "$MM_PG_PORT" || die "port $MM_PG_PORT is in use by something this stack did not start (set MM_PG_PORT)"
    pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$RUN/logs/postgres.log" -w -t 60 start >/dev/null \
      || { tail -20 "$RUN/logs/postgres.log" >&2; die "PostgreSQL failed to start"; }
    log "PostgreSQL on 127.0.0.1:$MM_PG_PORT"
  fi
  local psql=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -p "$MM_PG_PORT" -U postgres)
  [[ $(pg "${psql[@]}" -tAc "select 1 from pg_roles where rolname='$PG_USER'") == 1 ]] ||
    pg "${psql[@]}" -c "create role $PG_USER login password '$PG_PASS'"
  [[ $(pg "${psql[@]}" -tAc "select 1 from pg_database where datname='$PG_DB'") == 1 ]] ||
    pg "${psql[@]}" -c "create database $PG_DB owner $PG_USER encoding 'UTF8' template template0"
}

# The server's database (also given to the e2e suite, which reads sessions to test app tokens).
dsn() { echo "postgres://$PG_USER:$PG_PASS@127.0.0.1:$MM_PG_PORT/$PG_DB?sslmode=disable&connect_timeout=10"; }

write_config() {
  local dsn; dsn=$(dsn)
  mkdir -p "$RUN"/{config,data,plugins,client/plugins,sock,logs}
  for d in i18n templates fonts; do [[ -e $RUN/$d ]] || ln -s "$BIN/$d" "$RUN/$d"; done
  # No web client can be built offline: a stub root page (with the CSP meta tag the server expects).
  cat >"$RUN/client/root.html" <<'HTML'
<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="script-src 'self'"><title>Mattermost (API-only dev stack)</title></head>
<body><p>This Mattermost server runs without its web client (API-only dev stack). Use the REST API, mmctl, or a desktop/mobile client.</p></body></html>
HTML
  python3 - "$RUN/config/config.json" "$dsn" "$MM_URL" "$MM_PORT" "$SOCK" "$RUN" <<'PY'
import json, os, sys
path, dsn, site, port, sock, run = sys.argv[1:]
cfg = json.load(open(path)) if os.path.exists(path) and os.path.getsize(path) else {}
want = {
  "ServiceSettings": {"SiteURL": site, "ListenAddress": f"127.0.0.1:{port}", "EnableLocalMode": True,
    "LocalModeSocketLocation": sock, "EnableUserAccessTokens": True, "EnableBotAccountCreation": True,
    "EnableCommands": True, "EnablePostUsernameOverride": True, "EnablePostIconOverride": True,
    "EnableSecurityFixAlert": False, "EnableLinkPreviews": False, "EnableGifPicker": False, "EnableTesting": False,
    "EnableOAuthServiceProvider": True},
  "TeamSettings": {"EnableOpenServer": True, "MaxUsersPerTeam": 1000},
  "SqlSettings": {"DriverName": "postgres", "DataSource": dsn, "MaxOpenConns": 100},
  "LogSettings": {"EnableConsole": True, "ConsoleLevel": "INFO", "ConsoleJson": False, "EnableFile": True,
    "FileLevel": "DEBUG", "FileJson": True, "FileLocation": f"{run}/logs", "EnableDiagnostics": False, "EnableSentry": False},
  "FileSettings": {"DriverName": "local", "Directory": f"{run}/data/"},
  "EmailSettings": {"SendEmailNotifications": False, "RequireEmailVerification": False, "SendPushNotifications": False,
    "PushNotificationServer": "", "EnableSignUpWithEmail": True, "EnableSignInWithEmail": True, "EnableSignInWithUsername": True},
  "PluginSettings": {"Enable": True, "EnableUploads": True, "EnableHealthCheck": True, "Directory": f"{run}/plugins",
    "ClientDirectory": f"{run}/client/plugins", "EnableMarketplace": False, "EnableRemoteMarketplace": False,
    "AutomaticPrepackagedPlugins": False, "RequirePluginSignature": False},
  "AnnouncementSettings": {"AdminNoticesEnabled": False, "UserNoticesEnabled": False},
  "ImageProxySettings": {"Enable": False},
  "RateLimitSettings": {"Enable": False},
}
for section, values in want.items():
    cfg.setdefault(section, {}).update(values)
cfg["PluginSettings"].setdefault("PluginStates", {}).setdefault("com.mattermost.nps", {"Enable": False})
tmp = path + ".tmp"
json.dump(cfg, open(tmp, "w"), indent=2)
os.replace(tmp, path)
PY
}

ping_ok() { curl -fsS -m 3 "$MM_URL/api/v4/system/ping" 2>/dev/null | grep -q '"status":"OK"'; }

server_up() {
  if alive "$RUN/mattermost.pid" && ping_ok; then log "Mattermost already running at $MM_URL"; return; fi
  server_down
  port_free "$MM_PORT" || die "port $MM_PORT is in use by something this stack did not start (set MM_PORT)"
  rm -f "$SOCK"
  local envs=()
  if [[ -f $MM_SERVER_ENV_FILE ]]; then
    mapfile -t envs < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$MM_SERVER_ENV_FILE" || true)
  fi
  # A clean environment: exactly $MM_SERVER_ENV_FILE, nothing inherited from the caller (the plugin
  # reads MM_APPS_* and AWS_* from it). setsid makes the server a process-group leader so `down`
  # also stops its plugin processes.
  (cd "$RUN" && exec env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 TMPDIR="${TMPDIR:-/tmp}" \
    "${envs[@]}" MM_LOGSETTINGS_ENABLEDIAGNOSTICS=false \
    setsid "$BIN/mattermost" server --config "$RUN/config/config.json") </dev/null >>"$RUN/logs/server.out" 2>&1 &
  echo $! >"$RUN/mattermost.pid"
  local deadline=$(($(date +%s) + START_TIMEOUT))
  until ping_ok && [[ -S $SOCK ]]; do
    if ! alive "$RUN/mattermost.pid"; then tail -30 "$RUN/logs/server.out" >&2; die "Mattermost exited during start-up (log: $RUN/logs/server.out)"; fi
    (($(date +%s) < deadline)) || { tail -30 "$RUN/logs/server.out" >&2; server_down; die "Mattermost not ready after ${START_TIMEOUT}s"; }
    sleep 0.2
  done
  log "Mattermost $MM_VERSION ready at $MM_URL (pid $(cat "$RUN/mattermost.pid"))"
}

server_down() { stop_pidfile "$RUN/mattermost.pid" "Mattermost"; rm -f "$SOCK"; }

setup_accounts() {
  export MMCTL_LOCAL=true MMCTL_LOCAL_SOCKET_PATH=$SOCK
  local mmctl=("$BIN/mmctl" --suppress-warnings --disable-pager)
  lapi() { curl -fsS -m 10 --unix-socket "$SOCK" "http://localhost/api/v4/$1" 2>/dev/null; }
  lapi "users/username/$ADMIN_USER" >/dev/null ||
    "${mmctl[@]}" user create --username "$ADMIN_USER" --email "$ADMIN_EMAIL" --password "$ADMIN_PASS" --system-admin --email-verified >/dev/null
  lapi "users/username/$USER_NAME" >/dev/null ||
    "${mmctl[@]}" user create --username "$USER_NAME" --email "$USER_EMAIL" --password "$USER_PASS" --email-verified >/dev/null
  lapi "teams/name/$TEAM" >/dev/null || "${mmctl[@]}" team create --name "$TEAM" --display-name "Test Team" >/dev/null
  "${mmctl[@]}" team users add "$TEAM" "$ADMIN_USER" "$USER_NAME" >/dev/null 2>&1 || true

  local token_file=$RUN/admin.token user_token_file=$RUN/user.token
  token_ok() { [[ -s $1 ]] && curl -fsS -m 5 -H "Authorization: Bearer $(cat "$1")" "$MM_URL/api/v4/users/me" >/dev/null 2>&1; }
  gen_token() {
    "${mmctl[@]}" token generate "$1" "dev-stack" --json | jq -r 'if type=="array" then .[0].token else .token end' >"$2"
    chmod 600 "$2"
    token_ok "$2" || die "the generated token for $1 does not authenticate"
  }
  token_ok "$token_file" || gen_token "$ADMIN_USER" "$token_file"
  token_ok "$user_token_file" || gen_token "$USER_NAME" "$user_token_file"
  local token; token=$(cat "$token_file")
  api() { curl -fsS -m 10 -H "Authorization: Bearer $token" "$MM_URL/api/v4/$1"; }
  local team_id channel_id admin_id user_id
  admin_id=$(api users/me | jq -r .id)
  user_id=$(api "users/username/$USER_NAME" | jq -r .id)
  team_id=$(api "teams/name/$TEAM" | jq -r .id)
  channel_id=$(api "teams/$team_id/channels/name/$CHANNEL" | jq -r .id)
  cat >"$STACK_DIR/mm.env" <<ENV
# written by build/scripts/mattermost.sh
export MM_URL=$MM_URL
export MM_SERVICESETTINGS_SITEURL=$MM_URL
export MM_ADMIN_TOKEN=$token
export MM_ADMIN_USERNAME=$ADMIN_USER
export MM_ADMIN_PASSWORD='$ADMIN_PASS'
export MM_ADMIN_ID=$admin_id
export MM_USER_TOKEN=$(cat "$user_token_file")
export MM_USER_USERNAME=$USER_NAME
export MM_USER_ID=$user_id
export MM_TEAM_NAME=$TEAM
export MM_TEAM_ID=$team_id
export MM_CHANNEL_ID=$channel_id
export MM_VERSION=$MM_VERSION
export MMCTL=$BIN/mmctl
export MMCTL_LOCAL_SOCKET_PATH=$SOCK
export MM_STACK_SCRIPT=$ROOT/build/scripts/mattermost.sh
export MM_SQL_DSN='$(dsn)'
ENV
}

cmd=${1:-up}
case $cmd in
  build) build ;;
  up) need_root; mkdir -p "$STACK_DIR"; build; postgres_up; write_config; server_up; setup_accounts ;;
  restart) need_root; server_down; server_up ;;
  down)
    server_down
    if [[ -f $PGDATA/PG_VERSION ]] && pg "$(pgbin)/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      log "stopping PostgreSQL"; pg "$(pgbin)/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
    fi
    if [[ ${2:-} == --purge ]]; then log "deleting $RUN"; rm -rf "$RUN"; fi ;;
  *) die "usage: $0 build|up|restart|down [--purge]" ;;
esac
