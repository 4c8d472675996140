#!/usr/bin/env bash
# S3 benchmark (issue 11): a generated corpus (12 streams over 24 h) ingested into local storage and
# into s3proxy (in the benchmark's JVM, filesystem backend, loopback only), then needle, regex and
# metric queries on a fresh server with an empty data directory (cold cache), again (warm cache),
# and on local storage: times, bytes fetched against bytes stored, S3 requests, ingest rates.
# Usage: bench/s3.sh [--quick]   (--quick: 300k lines instead of 2M)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
lines=2000000
case "${1:-}" in
  --quick) lines=300000 ;;
  "") ;;
  *) echo "usage: bench/s3.sh [--quick]" >&2; exit 2 ;;
esac
mkdir -p bench/work
./mvnw -o -q -pl store,store-s3 test-compile
./mvnw -o -q -pl store-s3 dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/bench/work/s3-classpath.txt" >/dev/null
classpath="store-s3/target/test-classes:store-s3/target/classes:store/target/test-classes:store/target/classes:$(cat bench/work/s3-classpath.txt)"
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx6g --enable-native-access=ALL-UNNAMED -cp "$classpath" dev.tonari.store.engine.S3Bench --lines "$lines" \
  | tee bench/work/results-s3.txt
