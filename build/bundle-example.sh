#!/usr/bin/env bash
# Builds the sample apps for AWS Lambda and packs the bundles that
# `appsctl aws deploy` takes:
#
#   dist/examples/<app_id>-<version>-bundle.zip
#     manifest.json
#     <function>.zip      one per aws_lambda function: the binary as its handler ("bootstrap")
#     static/...          the app's static assets (icon.png)
#
# The apps: examples/hello (a package of the main module) and examples/compat-go
# (its own module: the Apps framework v1.2.2 Go driver, built in its directory).
# compat-go's go vet and unit tests run here first (make test-unit covers only the
# main module), as build/bundle-example-node.sh runs hello-node's.
#
# The binary is built for linux/amd64 with CGO_ENABLED=0 and -tags lambda.norpc,
# as the provided.al2023 runtime wants. Zips are written with python3's zipfile
# module (the zip command may be missing) with fixed timestamps, so the same
# sources give the same bundle.
#
# Usage: build/bundle-example.sh [output-dir]      (default: dist/examples)
# Environment: GO (go command, default "go"), SKIP_TESTS=1 to skip compat-go's tests.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-"$root/dist/examples"}
go=${GO:-go}

command -v python3 >/dev/null || { echo "bundle-example: python3 is required to write the zips" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# bundle <app dir> <module dir> <package>: builds the package in the module
# directory and packs the app directory's manifest and static assets with it.
bundle() {
	local app=$1 moddir=$2 pkg=$3
	echo "bundle-example: building ${app#"$root"/} for linux/amd64"
	rm -f "$work/bootstrap"
	(cd "$moddir" && GOOS=linux GOARCH=amd64 CGO_ENABLED=0 "$go" build -tags lambda.norpc -trimpath \
		-ldflags='-s -w' -buildvcs=false -o "$work/bootstrap" "$pkg")
	pack "$app"
}

pack() {
	python3 "$root/build/pack-bundle.py" --app "$1" --out "$out" --binary "$work/bootstrap" --label bundle-example
}

bundle "$root/examples/hello" "$root" ./examples/hello
if [[ ${SKIP_TESTS:-0} != 1 ]]; then
	echo "bundle-example: go vet and go test in examples/compat-go"
	(cd "$root/examples/compat-go" && "$go" vet ./... && "$go" test -count=1 ./...)
fi
bundle "$root/examples/compat-go" "$root/examples/compat-go" .
