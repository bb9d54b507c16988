#!/usr/bin/env bash
# Builds the TypeScript sample app examples/hello-node for AWS Lambda (runtime
# nodejs22.x) and packs the bundle that `appsctl aws deploy` takes, the way the
# ecosystem's TypeScript apps are packed for AWS:
#
#   dist/examples/<app_id>-<version>-bundle.zip
#     manifest.json
#     <function>.zip      one per aws_lambda function: dist/*.js (tsc output), package.json
#                         and node_modules/ with the production dependencies (this app has
#                         none: it uses Node's built-in fetch), handler dist/index.handler
#     static/...          the app's static assets (icon.png)
#
# Steps: npm ci (pinned versions from package-lock.json; skipped while node_modules is
# newer than the lock file), the unit tests (npm test: node --test against a fake
# Mattermost), tsc, then the zips, written with python3's zipfile module with fixed
# timestamps so the same sources give the same bundle.
#
# Usage: build/bundle-example-node.sh [output-dir]      (default: dist/examples)
# Environment: NPM (npm command, default "npm"), SKIP_TESTS=1 to skip npm test.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
app="$root/examples/hello-node"
out=${1:-"$root/dist/examples"}
npm=${NPM:-npm}

command -v python3 >/dev/null || { echo "bundle-example-node: python3 is required to write the zips" >&2; exit 1; }
command -v "$npm" >/dev/null || { echo "bundle-example-node: $npm (Node.js 20 or later) is required to build examples/hello-node" >&2; exit 1; }
command -v node >/dev/null || { echo "bundle-example-node: node (Node.js 20 or later) is required to build examples/hello-node" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$app"
if [[ ! -f node_modules/.installed || package-lock.json -nt node_modules/.installed ]]; then
	echo "bundle-example-node: npm ci in examples/hello-node"
	"$npm" ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed
fi
if [[ ${SKIP_TESTS:-0} != 1 ]]; then
	echo "bundle-example-node: unit tests"
	"$npm" test --silent >"$work/test.log" 2>&1 || { cat "$work/test.log" >&2; echo "bundle-example-node: the unit tests of examples/hello-node failed" >&2; exit 1; }
fi
echo "bundle-example-node: building examples/hello-node (tsc)"
rm -rf dist
"$npm" run --silent build

# The function's files: the compiled JS, package.json and the production dependencies.
fn="$work/function"
mkdir -p "$fn"
cp -r dist package.json package-lock.json "$fn/"
(cd "$fn" && "$npm" ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error && rm -f package-lock.json node_modules/.package-lock.json)

python3 "$root/build/pack-bundle.py" --app "$app" --out "$out" --tree "$fn" --label bundle-example-node
