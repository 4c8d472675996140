#!/usr/bin/env bash
# Per-role cost of a cluster (issue 15, docs/scaling.md): distributor, ingester, querier and the
# catalog, each beside the single-node store doing the same work in the same run.
# Usage: bench/cluster/roles.sh [--lines N]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
./mvnw -o -q -pl bench -am compile -DskipTests
mkdir -p bench/work
./mvnw -o -q -pl bench dependency:build-classpath -Dmdep.outputFile="$PWD/bench/work/cluster-classpath.txt" >/dev/null
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx2g -cp "bench/target/classes:$(cat bench/work/cluster-classpath.txt)" \
  dev.tonari.bench.ClusterRoleBench "$@" | tee bench/work/results-cluster-roles.txt
