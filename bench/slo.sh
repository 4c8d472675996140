#!/usr/bin/env bash
# SLO benchmark (issue 9): the status of 100 SLOs over 30 days of rollups (target: under 50 ms),
# the CPU of one evaluation of 100 LogQL SLOs every minute, and the backfill speed in log lines per
# second, each beside a baseline measured in the same run (dev.tonari.bench.slo.SloBench). Prints
# one Markdown table; also saved to bench/work/slo-results-<full|quick>.txt. Exit code 1 when the
# engine's counts disagree with the baselines'.
# Usage: bench/slo.sh [--quick] [--only status|evaluation|backfill] [--jvm '-Xmx3g']
#   --quick: a small run (10 / 20 SLOs, 100,000 lines) that finishes in well under a minute; it
#            shows that the benchmark works, its figures are not the ones to quote
#   --only: run one of the three parts (e.g. under a profiler: --jvm '-Xmx3g -XX:StartFlightRecording=filename=slo.jfr')
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

mode=full
jvm="-Xmx3g"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick; args+=(--quick); shift ;;
    --only) args+=(--only "$2"); shift 2 ;;
    --jvm) jvm="$2"; shift 2 ;;
    *) echo "usage: bench/slo.sh [--quick] [--only status|evaluation|backfill] [--jvm OPTIONS]" >&2; exit 2 ;;
  esac
done

find_java
# Only the benchmarks jar is needed (no server): build it, and the modules it depends on, in the
# reactor when it is missing or older than any source.
jar=bench/target/benchmarks.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path ./bench/work -prune -o \( -name '*.java' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
  echo "building $jar ..." >&2
  ./mvnw -q -pl bench -am -DskipTests package
fi

mkdir -p bench/work
# shellcheck disable=SC2086
"$JAVA" --enable-native-access=ALL-UNNAMED $jvm -cp "$jar" dev.tonari.bench.slo.SloBench "${args[@]}" --work bench/work/slo \
  2> >(grep --line-buffered -v -E '^[0-9:.]+ +INFO ' >&2) | tee "bench/work/slo-results-$mode.txt"
exit "${PIPESTATUS[0]}"
