#!/usr/bin/env bash
# Runs the JMH micro-benchmarks (push decoder, agent decoders, WAL append, part write, block scan), each short.
# Extra arguments go to JMH, e.g. bench/jmh.sh PushDecoderBenchmark -prof gc
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
find_java
build_jars
mkdir -p bench/work
exec "$JAVA" --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar -rf text -rff bench/work/jmh-results.txt "${@:-dev.tonari.bench.jmh}"
