#!/usr/bin/env bash
# bench/spt/run.sh [RUNS] [REQUESTS]
# The spt target's three figures, side by side in one run with the same appliance on a stock JDK:
#   archive size; process start -> first HTTP 200 (median of RUNS, default 21); RSS after REQUESTS (10000).
# Appliance: bench/spt/BenchHttp.java, on host sockets: isolates packing and seal from Morgana's stack
# (website.sh measures examples/website itself).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. bin/jdk.sh
morgana_find_jdk
runs=${1:-21}
requests=${2:-10000}
work=$(mktemp -d /tmp/s8-bench-spt.XXXXXX)
[ -n "${KEEP-}" ] || trap 'rm -rf "$work"' EXIT

echo "building jars (mvnw package, no tests)" >&2
./mvnw -q -o -pl targets/spt -am package -DskipTests >&2
jars=("$root"/api/target/morgana-api-*.jar "$root"/runtime/target/morgana-runtime-*.jar "$root"/targets/spt/target/morgana-target-spt-*.jar)
cp=$(IFS=:; echo "${jars[*]}")
mkdir -p "$work/classes"
"$JAVA_HOME/bin/javac" -d "$work/classes" -cp "$cp" bench/spt/BenchHttp.java
"$JAVA_HOME/bin/jar" --create --file "$work/bench-http.jar" --date=2026-01-01T00:00:00Z -C "$work/classes" .

echo "packing for spt (jdeps, jlink, training run, xz)" >&2
"$JAVA_HOME/bin/java" -cp "$cp" bench/spt/PackBench.java "$work/dist" 38799 "$work/bench-http.jar" "${jars[@]}" >&2
archive="$work/dist/bench-http.spt.tar.xz"
# Written back before measuring, as a deployed appliance's files are: reclaim (the spt trim's, the
# kernel's own) only unmaps a page of a file still waiting to be written, and the next touch maps it again.
sync
aot="$work/dist/bench-http/lib/bench-http.aot"
launcher="$work/dist/bench-http/bin/bench-http"

echo "measuring: $runs starts each (sides alternating), then $requests requests" >&2
out=$(python3 bench/spt/measure.py "$runs" "$requests" \
  "spt 127.0.0.1 0 $launcher --port={port}" \
  "stock 127.0.0.1 0 $JAVA_HOME/bin/java -cp $work/bench-http.jar:$cp BenchHttp --port={port} --no-seal")
. bench/spt/report.sh
spt_report "spt benchmark (BenchHttp)" "stock JDK" "$out" "$archive" "$aot" "$runs" "$requests"
