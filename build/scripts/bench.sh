#!/usr/bin/env bash
# bench.sh - measure the hot paths against baselines taken in the same run, on real servers on loopback
# (lambda-local running the sample app, versitygw as S3), and print one table. Timing never fails the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
go test -tags bench -run '^TestReport$' -count=1 -v -timeout 15m ./bench/ | grep -vE '^(=== RUN|--- PASS|    --- PASS)'
echo
echo "Go micro-benchmarks (ns/op, same machine, same run):"
go test -tags bench -run '^$' -bench 'BenchmarkCall' -benchtime 2s -count 1 ./bench/ | grep -E '^Benchmark|ns/op'
go test -run '^$' -bench . -benchtime 1s -count 1 ./server/bindings/ ./server/appcmd/ ./aws/lambdainvoke/ 2>/dev/null | grep -E '^Benchmark' || true
