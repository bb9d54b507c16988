#!/usr/bin/env bash
# install-browser.sh - make sure Debian's Chromium is installed for the
# browser test (npm run test:browser). Idempotent: does nothing when
# /usr/bin/chromium already runs. Playwright's own browser download is not
# used (no `npx playwright install`): playwright-core drives this binary.
set -euo pipefail

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if [[ -x $CHROMIUM ]] && "$CHROMIUM" --headless --no-sandbox --version >/dev/null 2>&1; then
  echo "chromium: $("$CHROMIUM" --headless --no-sandbox --version 2>/dev/null)"
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-browser.sh: Chromium is missing and this user cannot install packages; run as root: apt-get install -y chromium" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null

if ! "$CHROMIUM" --headless --no-sandbox --version >/dev/null 2>&1; then
  echo "install-browser.sh: $CHROMIUM was installed but does not start" >&2
  exit 1
fi
echo "chromium: $("$CHROMIUM" --headless --no-sandbox --version 2>/dev/null)"
