#!/usr/bin/env bash
# Usage: bash src/test/bench/footprint/measure.sh [runs]   (from the project root, after
#        ./mvnw package -Dnative -DskipTests, which leaves both target/quarkus-app/ and target/*-runner)
# Measures the JVM jar and the native executable alternately with WsFootprint.java on 127.0.0.1:18080.
set -euo pipefail
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
TOOL=${TOOL:-$(dirname "$0")/WsFootprint.java}
RUNNER=${RUNNER:-$(ls target/*-runner)}
APP=${APP:-target/quarkus-app/quarkus-run.jar}
OPTS=(-Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=18080 -Dherald.auth.enabled=false -Dherald.data-dir= '-Dquarkus.log.category."dev.herald".level=WARN')
echo "native binary: $(stat -c %s "$RUNNER") bytes ($RUNNER)"
for i in $(seq "${1:-1}"); do
  echo "--- run $i: JVM ($("$JAVA" -version 2>&1 | head -1))"
  "$JAVA" -Dlog=target/footprint-server.log "$TOOL" 18080 1000 -- "$JAVA" "${OPTS[@]}" -jar "$APP"
  grep -o 'started in [0-9.]*s' target/footprint-server.log
  echo "--- run $i: native"
  "$JAVA" -Dlog=target/footprint-server.log "$TOOL" 18080 1000 -- "$RUNNER" "${OPTS[@]}"
  grep -o 'started in [0-9.]*s' target/footprint-server.log
done
