#!/usr/bin/env bash
# End-to-end benchmark: generates a corpus (once per size), ingests it through the HTTP push API
# (gzip JSON and protobuf+snappy), and compares compression and query speed with zstd -3 and grep.
# Prints one table; also saved to bench/work/results-<size>.txt.
# Usage: bench/run.sh [--size 1g|50m] [--server-jvm '-Xmx2g']
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

size=1g
server_jvm="-Xmx2g"
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --server-jvm) server_jvm="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--size 1g|50m] [--server-jvm OPTIONS]" >&2; exit 2 ;;
  esac
done

if ! command -v zstd >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y zstd >/dev/null || { apt-get update >/dev/null && apt-get install -y zstd >/dev/null; }
  else
    echo "zstd is needed for the baseline: apt-get install zstd" >&2
    exit 1
  fi
fi

find_java
build_jars

work="bench/work/$size"
mkdir -p "$work"
# The corpus carries timestamps of the 24 hours before it was written; servers refuse entries
# older than a week by default, so a corpus older than 5 days is written again.
if [ ! -f "$work/corpus.json" ] || [ -n "$(find "$work/corpus.json" -mtime +5)" ]; then
  rm -f "$work/raw.zst"
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.tonari.bench.CorpusWriter --size "$size" --out "$work"
fi

# Every server the benchmark starts is its child; make sure none outlives an interrupted run.
bench_pid=""
cleanup() { [ -n "$bench_pid" ] && kill "$bench_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
"$JAVA" --enable-native-access=ALL-UNNAMED -Xmx3g -cp bench/target/benchmarks.jar dev.tonari.bench.EndToEndBench --jar cli/target/tonari.jar --work "$work" --server-jvm "$server_jvm" \
  > >(tee "bench/work/results-$size.txt") &
bench_pid=$!
wait "$bench_pid"
bench_pid=""
