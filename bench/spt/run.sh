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
aot="$work/dist/bench-http/lib/bench-http.aot"
launcher="$work/dist/bench-http/bin/bench-http"

echo "measuring: $runs starts each (sides alternating), then $requests requests" >&2
out=$(python3 bench/spt/measure.py "$runs" "$requests" \
  "spt 127.0.0.1 0 $launcher --port={port}" \
  "stock 127.0.0.1 0 $JAVA_HOME/bin/java -cp $work/bench-http.jar:$cp BenchHttp --port={port} --no-seal")
spt=$(grep '^spt ' <<<"$out")
stock=$(grep '^stock ' <<<"$out")

read -r _ s_med s_p10 s_p90 s_rss s_rate <<<"$spt"
read -r _ k_med k_p10 k_p90 k_rss k_rate <<<"$stock"
a_size=$(stat -c %s "$archive")
aot_size=$(stat -c %s "$aot" 2>/dev/null || echo 0)
jdk_size=$(du -sb "$JAVA_HOME" | cut -f1)
aot_xz=$(xz -T1 -6 -c "$aot" | wc -c)
echo
echo "spt benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p)"
printf '%-34s %14s %14s %8s\n' "" "spt" "stock JDK" "ratio"
printf '%-34s %11.1f MB %11.1f MB %8.3f\n' "archive (spt.tar.xz / JDK dir)" "$(echo "$a_size/1048576" | bc -l)" "$(echo "$jdk_size/1048576" | bc -l)" "$(echo "$a_size/$jdk_size" | bc -l)"
printf '%-34s %11.1f MB %14s\n' "  + AOT cache (xz, shipped apart)" "$(echo "$aot_xz/1048576" | bc -l)" "-"
printf '%-34s %11s ms %11s ms %8.2f\n' "start -> first 200, median" "$s_med" "$k_med" "$(echo "$s_med/$k_med" | bc -l)"
printf '%-34s %7s-%s ms %7s-%s ms\n' "  p10-p90" "$s_p10" "$s_p90" "$k_p10" "$k_p90"
printf '%-34s %11.1f MB %11.1f MB %8.2f\n' "RSS after $requests requests" "$(echo "$s_rss/1024" | bc -l)" "$(echo "$k_rss/1024" | bc -l)" "$(echo "$s_rss/$k_rss" | bc -l)"
printf '%-34s %11s /s %11s /s %8.2f\n' "requests/s during those (keep-alive)" "$s_rate" "$k_rate" "$(echo "$s_rate/$k_rate" | bc -l)"
