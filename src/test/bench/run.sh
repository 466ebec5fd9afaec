#!/usr/bin/env bash
# Runs Herald's benchmark: builds the jar and the test classes, then starts each peer in turn
# (bare Vert.x ceiling, Herald JVM, two Herald JVM nodes on one redis-server, Herald native if
# target/*-runner exists, Django Channels on Daphne with the in-memory and the Redis channel layer)
# and drives them with the Vert.x load generator in src/test/java/dev/herald/bench. Prints markdown
# tables; writes them and a CSV of every step to target/bench/. Full run: about 17 min on 2 cores
# (14.5 min budget + build). See src/test/bench/README-bench.md.
#
#   bash src/test/bench/run.sh                 # full run
#   bash src/test/bench/run.sh --smoke         # ~5-6 min, small numbers: checks the harness
#   bash src/test/bench/run.sh --no-build --peers=ceiling,herald-jvm --sizes=1000 --scenarios=fanout
#   bash src/test/bench/run.sh --peers=herald-jvm,herald-2-nodes-redis,django-redis --scenarios=fanout,direct --sizes=1000,5000
#
# The wide scenario (not in the full run: it needs a quiet machine for 10-15 min): 60 000 idle sockets from 4
# generator processes over 4 Herald nodes on one redis-server, memory per socket, then a ladder of broadcasts that
# every socket must receive. Each generator and each node stays under the 20 000 open files one process may hold.
#
#   bash src/test/bench/run.sh --wide          # = --peers=herald-redis-wide --scenarios=startup,wide --budgetMin=30
#   bash src/test/bench/run.sh --wide --wideSockets=3000 --wideNodes=2 --wideGens=2 --wideSteps=3   # a short check
set -euo pipefail

cd "$(dirname "$0")/../../.."
ROOT=$PWD
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$JAVA_HOME/bin/java" ] || JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64

BUILD=1
ARGS=()
for a in "$@"; do
  case "$a" in
    --no-build) BUILD=0 ;;
    *) ARGS+=("$a") ;;
  esac
done

mkdir -p target/bench

if [ "$BUILD" = 1 ]; then
  echo "== building (./mvnw package -DskipTests: the jar and the test classes, no tests run)"
  ./mvnw -q -B package -DskipTests
fi
if [ ! -f target/test-classes/dev/herald/bench/BenchRunner.class ]; then
  echo "target/test-classes has no bench classes: run without --no-build" >&2
  exit 2
fi

CP_FILE=target/bench/classpath.txt
if [ ! -s "$CP_FILE" ] || [ pom.xml -nt "$CP_FILE" ]; then
  ./mvnw -q -B org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
fi

# Django Channels + Daphne + channels_redis + redis-server come from Debian's packages.
PY=${BENCH_PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import daphne, channels, channels_redis' 2>/dev/null || ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = 0 ] && [ -z "${BENCH_NO_APT:-}" ] && command -v apt-get >/dev/null; then
    echo "== installing Debian packages for the Django Channels peer"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q python3-django-channels daphne python3-channels-redis redis-server >/dev/null \
      || { apt-get update -q >/dev/null && apt-get install -y -q python3-django-channels daphne python3-channels-redis redis-server >/dev/null; } \
      || echo "could not install them: the Django peers will be skipped"
  else
    echo "note: Django peers need: apt-get install -y python3-django-channels daphne python3-channels-redis redis-server"
  fi
fi

# one socket = one file descriptor, on both sides
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# The generator: ParallelGC for throughput; it holds up to ~19 000 sockets. Netty still uses
# sun.misc.Unsafe: say so on JDKs that would warn about it (23+).
JOPTS=(-XX:+UseParallelGC -Xms1g -Xmx3g -Xss512k -Djava.util.logging.manager=org.jboss.logmanager.LogManager)
if "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  JOPTS+=(--sun-misc-unsafe-memory-access=allow)
fi
# BenchRunner stops what it starts, also from its shutdown hook (Ctrl-C, kill). Should it die without one (kill -9,
# out of memory), the servers it started are still listed in running.pids ("pid start-time name"): stop those whose
# start time still matches, so no redis-server or Herald node outlives the run.
PIDS=target/bench/running.pids
rm -f "$PIDS"
leftovers() {
  [ -s "$PIDS" ] || { rm -f "$PIDS"; return 0; }
  local lines pid start name k n
  mapfile -t lines <"$PIDS"
  # the last started first: the Herald nodes before their redis-server
  for ((k = ${#lines[@]} - 1; k >= 0; k--)); do
    read -r pid start name <<<"${lines[k]}"
    ours() { [ -r "/proc/$pid/stat" ] && [ "$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f20)" = "$start" ]; }
    ours || continue
    echo "cleanup: stopping $name (pid $pid), left running by the benchmark" >&2
    kill "$pid" 2>/dev/null || continue
    for ((n = 0; n < 100; n++)); do ours || break; sleep 0.1; done
    ours && kill -9 "$pid" 2>/dev/null
  done
  rm -f "$PIDS"
}
trap leftovers EXIT
trap 'exit 130' INT TERM

"$JAVA_HOME/bin/java" "${JOPTS[@]}" \
  -cp "target/test-classes:$(cat "$CP_FILE")" \
  -Dbench.root="$ROOT" -Dbench.python="$PY" \
  dev.herald.bench.BenchRunner ${ARGS[@]+"${ARGS[@]}"}
