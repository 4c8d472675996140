#!/usr/bin/env bash
# Kills the real server with SIGKILL at random moments while pushing, restarts it on the same data
# directory, and checks that every acknowledged entry is read back exactly once.
# Usage: bench/crash-test.sh [--kills N] [--max-batches N] [--seed S]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
find_java
build_jars
exec "$JAVA" --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.tonari.bench.CrashTest --jar cli/target/tonari.jar --work-dir bench/work/crash "$@"
