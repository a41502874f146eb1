#!/usr/bin/env bash
# bench/spt/website.sh [RUNS] [REQUESTS] — examples/website packed for spt (sealed, own stack on a TAP
# interface in a namespace) vs the same appliance on the unix target with a stock JDK (no AOT cache):
# archive size, process start -> first HTTP 200 seen by a client (median of RUNS), RSS after REQUESTS.
# SETTLE=S waits S seconds after the first 200 before those requests (measure.py says why).
# Needs root (TAP, namespace). Everything lives in namespace s8ns-bench, deleted at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. bin/jdk.sh
morgana_find_jdk
runs=${1:-21}
requests=${2:-10000}
ns=s8ns-bench
work=$(mktemp -d /tmp/s8-bench-web.XXXXXX)
cleanup() { ip netns del "$ns" 2>/dev/null || true; [ -n "${KEEP-}" ] || rm -rf "$work"; }
trap cleanup EXIT

load_start=$(cut -d' ' -f1 /proc/loadavg)
echo "building jars (mvnw package, no tests)" >&2
./mvnw -q -o -pl targets/spt,targets/unix,examples/website -am package -DskipTests >&2
jar() { ls "$root/$1"/target/morgana-*-0.1.0-SNAPSHOT.jar | grep -v -e -tests.jar | head -1; }
app_cp="$(jar examples/website):$(jar http):$(jar kv):$(jar api)"
spt_cp="$(jar targets/spt):$(jar runtime):$(jar api):$(jar targets/tap):$(jar net)"
unix_cp="$app_cp:$(jar runtime):$(jar targets/unix)"

ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add dev s8tapb mode tap
ip -n "$ns" addr add 10.58.1.1/24 dev s8tapb
ip -n "$ns" link set s8tapb up
echo "packing website for spt (Pack: jdeps, jlink, training run with requests on the namespace's TAP, xz)" >&2
# Pack runs in the namespace so that its training requests reach the appliance on the TAP interface.
ip netns exec "$ns" env MORGANA_SPT_TRAINING_ARGS="--no-seal --interface=s8tapb --ipv4=10.58.1.2/24 --port=80" \
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$spt_cp" io.morgana.target.spt.Pack website "$work/spt" "$app_cp" >&2
archive="$work/website.spt.tar.xz"
# Written back before measuring, as a deployed appliance's files are: reclaim (the spt trim's, the
# kernel's own) only unmaps a page of a file still waiting to be written, and the next touch maps it again.
sync

echo "measuring: $runs starts of each side (alternating), then $requests requests each" >&2
out=$(ip netns exec "$ns" python3 bench/spt/measure.py "$runs" "$requests" \
  "spt 10.58.1.2 80 $work/spt/bin/website --interface=s8tapb --ipv4=10.58.1.2/24 --port=80" \
  "unix 127.0.0.1 0 $JAVA_HOME/bin/java -cp $unix_cp io.morgana.runtime.Main unix --port={port}")
. bench/spt/report.sh
spt_report "examples/website: spt vs unix (stock JDK), load $load_start at start" "unix+JDK" "$out" "$archive" "$work/spt/lib/website.aot" "$runs" "$requests"
