#!/usr/bin/env bash
# Ruler benchmark (issue 10): one evaluation cycle of 1,000 LogQL rules over the generator's
# traffic in a DiskLogStore, with shared scans and without, beside the same expressions run one by
# one through QueryEngine (dev.tonari.bench.rules.RulesBench). Prints one Markdown table; also
# saved to bench/work/rules-results-<full|quick>.txt. Exit code 1 when the rulers and the direct
# queries disagree.
# Usage: bench/rules.sh [--quick] [--jvm '-Xmx3g']
#   --quick: 200 rules over 32,000 lines, well under a minute; it shows that the benchmark works,
#            its figures are not the ones to quote
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

mode=full
jvm="-Xmx3g"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick; args+=(--quick); shift ;;
    --jvm) jvm="$2"; shift 2 ;;
    *) echo "usage: bench/rules.sh [--quick] [--jvm OPTIONS]" >&2; exit 2 ;;
  esac
done

find_java
# Only the benchmarks jar is needed: build it, and the modules it depends on, in the reactor when
# it is missing or older than any source.
jar=bench/target/benchmarks.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path ./bench/work -prune -o \( -name '*.java' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
  echo "building $jar ..." >&2
  ./mvnw -q -pl bench -am -DskipTests package
fi

mkdir -p bench/work
# shellcheck disable=SC2086
"$JAVA" --enable-native-access=ALL-UNNAMED $jvm -cp "$jar" dev.tonari.bench.rules.RulesBench "${args[@]}" --work bench/work/rules \
  2> >(grep --line-buffered -v -E '^[0-9:.]+ +INFO ' >&2) | tee "bench/work/rules-results-$mode.txt"
exit "${PIPESTATUS[0]}"
