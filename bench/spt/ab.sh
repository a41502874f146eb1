#!/usr/bin/env bash
# bench/spt/ab.sh [RUNS] REV_A REV_B — the start of examples/website on spt, at two revisions of this
# repository, taking turns start by start: time to the first HTTP 200 and CPU spent by then
# (abstarts.py). What one change does to start, measured against the build without it on the same
# machine in the same minutes. Each revision is checked out into a worktree, built (Maven, offline,
# no tests) and packed with its own Pack (training run included), then both run in namespace
# s8ns-ab, deleted at the end. Needs root (TAP, namespace, cgroup).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
. bin/jdk.sh
morgana_find_jdk
if [ $# -eq 3 ]; then runs=$1; shift; else runs=21; fi
[ $# -eq 2 ] || { echo "usage: bench/spt/ab.sh [RUNS] REV_A REV_B" >&2; exit 64; }
ns=s8ns-ab
tap=s8tapab
work=$(mktemp -d /tmp/s8-ab.XXXXXX)
cleanup() {
  ip netns del "$ns" 2>/dev/null || true
  for side in a b; do [ -d "$work/$side/src" ] && git worktree remove --force "$work/$side/src" 2>/dev/null; done
  [ -n "${KEEP-}" ] || rm -rf "$work"
}
trap cleanup EXIT

ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add dev "$tap" mode tap
ip -n "$ns" addr add 10.58.3.1/24 dev "$tap"
ip -n "$ns" link set "$tap" up
args="--interface=$tap --ipv4=10.58.3.2/24 --port=80"

side=a
for rev in "$1" "$2"; do
  src="$work/$side/src"
  echo "$side: $(git rev-parse --short "$rev") $(git log -1 --format=%s "$rev")" >&2
  git worktree add --detach -q "$src" "$rev"
  (cd "$src" && ./mvnw -q -o -pl targets/spt,examples/website -am package -DskipTests >&2)
  jar() { ls "$src/$1"/target/morgana-*-0.1.0-SNAPSHOT.jar | grep -v -e -tests.jar | head -1; }
  app_cp="$(jar examples/website):$(jar http):$(jar kv):$(jar api)"
  spt_cp="$(jar targets/spt):$(jar runtime):$(jar api):$(jar targets/tap):$(jar net)"
  ip netns exec "$ns" env MORGANA_SPT_TRAINING_ARGS="--no-seal $args" \
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$spt_cp" io.morgana.target.spt.Pack website "$work/$side/pack" "$app_cp" \
    2>&1 | grep -e "AOT cache " -e "failed" >&2 || true
  side=b
done

echo "measuring: $runs starts of each, taking turns (load $(cut -d' ' -f1 /proc/loadavg))" >&2
python3 bench/spt/abstarts.py "$runs" "$ns" 10.58.3.2 80 "$work/a/pack/bin/website $args" "$work/b/pack/bin/website $args"
