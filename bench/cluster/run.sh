#!/usr/bin/env bash
# The cluster crash test (issue 15): Kafka, PostgreSQL, s3proxy and 8 Tonari processes on this
# machine; an ingester killed and replaced, Kafka and PostgreSQL away for a while, the ruler
# replaced; every acknowledged line read back exactly once. See docs/scaling.md.
# Usage: bench/cluster/run.sh [--max-batches N]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
[ -f cli/target/tonari.jar ] || ./mvnw -o -q -DskipTests package
./mvnw -o -q -pl bench -am compile -DskipTests
./mvnw -o -q -pl bench dependency:build-classpath -Dmdep.outputFile="$PWD/bench/work/cluster-classpath.txt" >/dev/null
mkdir -p bench/work
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx1g -cp "bench/target/classes:$(cat bench/work/cluster-classpath.txt)" \
  dev.tonari.bench.ClusterCrashTest "$@" | tee bench/work/results-cluster-crash.txt
