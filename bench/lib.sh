# Shared helpers of the bench scripts; sourced, not run.

# Sets JAVA to a JDK 21+ java: JAVA_HOME, then java on PATH, then /usr/lib/jvm/*.
find_java() {
  local candidate
  for candidate in "${JAVA_HOME:-}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [ -x "$candidate" ] || continue
    local version
    version=$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$version" ] && [ "${version%%.*}" -ge 21 ] 2>/dev/null; then
      JAVA="$candidate"
      export JAVA_HOME
      JAVA_HOME="$(cd "$(dirname "$candidate")/.." && pwd)"
      return 0
    fi
  done
  echo "no JDK 21 or newer found (tried JAVA_HOME, PATH, /usr/lib/jvm/*)" >&2
  exit 1
}

# Builds the server jar and the benchmarks jar when either is missing or older than the sources.
build_jars() {
  local stale=0
  for jar in cli/target/tonari.jar bench/target/benchmarks.jar; do
    if [ ! -f "$jar" ] || [ -n "$(find . \( -path ./bench/work -o -path '*/target' \) -prune -o \( -name '*.java' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
      stale=1
    fi
  done
  if [ "$stale" = 1 ]; then
    echo "building cli/target/tonari.jar and bench/target/benchmarks.jar ..." >&2
    # package, not install: a benchmark must not replace the jars in ~/.m2 that other builds use.
    ./mvnw -q -DskipTests -pl cli,bench -am package
  fi
}
