#!/usr/bin/env bash
# End-to-end benchmark: generates a corpus (once per size), ingests it through the HTTP push API
# (gzip JSON and protobuf+snappy), and compares compression and query speed with zstd -3 and grep;
# times needle, metric and newest-lines queries, and the server's peak heap. A second corpus of a
# quarter of the size (same streams, same 24 h) is ingested too, to show which figures depend on
# the amount of data. Prints one table; also saved to bench/work/results-<size>.txt.
# Usage: bench/run.sh [--size 1g|50m] [--small-size 256m|none] [--server-jvm '-Xmx384m ...'] [--query-heap 96m] [--jar tonari.jar] [--ingest-only]
#   --server-jvm: the servers' JVM options; the default keeps the whole process under 0.6 GiB of RSS
#   --ingest-only: only the ingests (cold, warm, and warm paced at Loki's 145k lines/s: lines/s, latency, CPU per GB, peak RSS), no queries
#   --needles-only: only ingest (protobuf) and the needle search rows of issue 12
#   --jar: benchmark this server jar instead of building cli/target/tonari.jar
#   --query-heap: the small fixed heap (-Xmx) in which the heavy queries must succeed at both sizes
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

size=1g
small_size=""
server_jvm="-Xmx384m -XX:MaxDirectMemorySize=64m -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m"
ingest_only=()
server_jar=""
query_heap_args=()
mode_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --small-size) small_size="$2"; shift 2 ;;
    --server-jvm) server_jvm="$2"; shift 2 ;;
    --jar) server_jar="$2"; shift 2 ;;
    --query-heap) query_heap_args=(--query-heap "$2"); shift 2 ;;
    --ingest-only) ingest_only=(--ingest-only); small_size=none; shift ;;
    --needles-only) mode_args=(--needles-only); small_size=none; shift ;;
    *) echo "usage: bench/run.sh [--size 1g|50m] [--small-size SIZE|none] [--server-jvm OPTIONS] [--query-heap 96m] [--jar tonari.jar] [--ingest-only] [--needles-only]" >&2; exit 2 ;;
  esac
done
# A quarter of the size by default: "1g" gives "0.25g", "50m" gives "12.5m".
if [ -z "$small_size" ]; then
  small_size=$(awk -v s="$size" 'BEGIN { n = s; sub(/[a-zA-Z]+$/, "", n); printf "%g%s", n / 4, substr(s, length(n) + 1) }')
fi

if ! command -v zstd >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y zstd >/dev/null || { apt-get update >/dev/null && apt-get install -y zstd >/dev/null; }
  else
    echo "zstd is needed for the baseline: apt-get install zstd" >&2
    exit 1
  fi
fi

find_java
if [ -n "$server_jar" ] && [ -f bench/target/benchmarks.jar ]; then
  [ -f "$server_jar" ] || { echo "no server jar at $server_jar" >&2; exit 1; }
else
  build_jars
  server_jar=cli/target/tonari.jar
fi

# The corpus carries timestamps of the 24 hours before it was written; servers refuse entries
# older than a week by default, so a corpus older than 5 days is written again.
write_corpus() {
  local corpus_size="$1" dir="$2"
  mkdir -p "$dir"
  if [ ! -f "$dir/corpus.json" ] || [ -n "$(find "$dir/corpus.json" -mtime +5)" ]; then
    rm -f "$dir/raw.zst"
    "$JAVA" --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.tonari.bench.CorpusWriter --size "$corpus_size" --out "$dir"
  fi
}
work="bench/work/$size"
write_corpus "$size" "$work"
small_args=()
if [ "$small_size" != none ]; then
  write_corpus "$small_size" "bench/work/$small_size"
  small_args=(--small-work "bench/work/$small_size")
fi

# Every server the benchmark starts is its child; make sure none outlives an interrupted run.
bench_pid=""
cleanup() { [ -n "$bench_pid" ] && kill "$bench_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
"$JAVA" --enable-native-access=ALL-UNNAMED -Xmx3g -cp bench/target/benchmarks.jar dev.tonari.bench.EndToEndBench --jar "$server_jar" --work "$work" "${small_args[@]}" --server-jvm "$server_jvm" "${query_heap_args[@]}" "${ingest_only[@]}" "${mode_args[@]}" \
  > >(tee "bench/work/results-$size.txt") &
bench_pid=$!
wait "$bench_pid"
bench_pid=""
