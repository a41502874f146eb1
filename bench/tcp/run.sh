#!/usr/bin/env bash
# TCP bulk throughput each direction and connections per second: Morgana's stack on TAP against
# Linux's own stack over a veth pair, same tools (socat, python), same run. Needs root, iproute2,
# socat, python3. Usage: bench/tcp/run.sh [MIB] [SECONDS] [ROUNDS]; MORGANA_JAVA_OPTS adds JVM
# options (e.g. -Dmorgana.bench.offload=false runs Morgana's TAP without offloads;
# -Dmorgana.bench.spin=0 makes its loop park as soon as it is idle, as --loop-spin=0 does).
set -euo pipefail
cd "$(dirname "$0")/../.."
MIB=${1:-1024} SECS=${2:-5} ROUNDS=${3:-3}
BYTES=$((MIB * 1024 * 1024))
. bin/jdk.sh && morgana_find_jdk
JAVA="$JAVA_HOME/bin/java"
M=c5ns-bench-m L1=c5ns-bench-l1 L2=c5ns-bench-l2
cleanup() {
  for p in ${PIDS-}; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for n in $M $L1 $L2; do ip netns del $n 2>/dev/null || true; done
}
trap cleanup EXIT
cleanup
PIDS=

./mvnw -q -o -pl targets/tap -am test-compile
CP=targets/tap/target/classes:net/target/classes:runtime/target/classes:api/target/classes

# time CMD...: wall seconds of a command
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
rate() { echo "scale=1; $BYTES / $1 / 1000000" | bc -l; }

# Morgana: the kernel side of a TAP in namespace $M, Morgana's stack in a JVM on the other side.
ip netns add $M && ip -n $M link set lo up
ip -n $M tuntap add dev c5tap-b0 mode tap && ip -n $M addr add 10.5.50.1/24 dev c5tap-b0 && ip -n $M link set c5tap-b0 up
"$JAVA" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC ${MORGANA_JAVA_OPTS-} -cp "$CP" bench/tcp/TcpBenchServer.java c5tap-b0 $M 10.5.50.2/24 10.5.50.1 $BYTES \
  > /tmp/c5-bench-server.log 2>&1 & PIDS="$PIDS $!"
for i in $(seq 100); do grep -q ready /tmp/c5-bench-server.log && break; sleep 0.2; done
ip netns exec $M ping -q -c 3 -i 0.2 10.5.50.2 >/dev/null
# warm-up (JIT)
ip netns exec $M sh -c "head -c 268435456 /dev/zero | socat -b 262144 -u - TCP:10.5.50.2:5001"
ip netns exec $M socat -b 262144 -u TCP:10.5.50.2:5002 OPEN:/dev/null

# Linux: two namespaces joined by a veth pair.
ip netns add $L1 && ip netns add $L2
ip link add c5v-b1 netns $L1 type veth peer name c5v-b2 netns $L2
ip -n $L1 addr add 10.5.51.1/24 dev c5v-b1 && ip -n $L1 link set c5v-b1 up && ip -n $L1 link set lo up
ip -n $L2 addr add 10.5.51.2/24 dev c5v-b2 && ip -n $L2 link set c5v-b2 up && ip -n $L2 link set lo up
ip netns exec $L2 socat -b 262144 -u TCP-LISTEN:5001,reuseaddr,fork OPEN:/dev/null & PIDS="$PIDS $!"
ip netns exec $L2 socat -b 262144 -U TCP-LISTEN:5002,reuseaddr,fork SYSTEM:"head -c $BYTES /dev/zero" & PIDS="$PIDS $!"
ip netns exec $L2 python3 bench/tcp/conn_rate.py serve 10.5.51.2 5003 & PIDS="$PIDS $!"
sleep 0.5

# ROUNDS rounds, Morgana and Linux alternating within each, so that both see the same load; medians.
up_m() { secs ip netns exec $M sh -c "head -c $BYTES /dev/zero | socat -b 262144 -u - TCP:10.5.50.2:5001"; }
up_l() { secs ip netns exec $L1 sh -c "head -c $BYTES /dev/zero | socat -b 262144 -u - TCP:10.5.51.2:5001"; }
down_m() { secs ip netns exec $M socat -b 262144 -u TCP:10.5.50.2:5002 OPEN:/dev/null; }
down_l() { secs ip netns exec $L1 socat -b 262144 -u TCP:10.5.51.2:5002 OPEN:/dev/null; }
c() { sed -n 's/^conns\/s=\([0-9]*\).*/\1/p' <<<"$1"; }
median() { tr ' ' '\n' <<<"$*" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
load0=$(cut -d' ' -f1-3 /proc/loadavg)
MU= LU= MD= LD= MC= LC=
for r in $(seq "$ROUNDS"); do
  MU="$MU $(up_m)"; LU="$LU $(up_l)"; MD="$MD $(down_m)"; LD="$LD $(down_l)"
  MC="$MC $(c "$(ip netns exec $M python3 bench/tcp/conn_rate.py 10.5.50.2 5003 "$SECS")")"
  LC="$LC $(c "$(ip netns exec $L1 python3 bench/tcp/conn_rate.py 10.5.51.2 5003 "$SECS")")"
done
m_up=$(median $MU) l_up=$(median $LU) m_down=$(median $MD) l_down=$(median $LD) m_conn=$(median $MC) l_conn=$(median $LC)

echo "date:    $(date -u +%Y-%m-%dT%H:%MZ)  machine: $(nproc) cpus, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
echo "bulk:    $MIB MiB per direction (socat), connections: python client for ${SECS} s; $ROUNDS rounds, medians; load $load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo "seconds per round: Linux -> morgana $MU | linux $LU; server -> Linux: morgana $MD | linux $LD; conns/s morgana $MC | linux $LC"
printf "Linux -> server: morgana (TAP) %s MB/s   linux (veth) %s MB/s   ratio %.2f\n" "$(rate $m_up)" "$(rate $l_up)" "$(echo "$l_up / $m_up" | bc -l)"
printf "server -> Linux: morgana (TAP) %s MB/s   linux (veth) %s MB/s   ratio %.2f\n" "$(rate $m_down)" "$(rate $l_down)" "$(echo "$l_down / $m_down" | bc -l)"
printf "connections/s:   morgana (TAP) %s   linux (veth) %s   ratio %.2f\n" "$m_conn" "$l_conn" "$(echo "$m_conn / $l_conn" | bc -l)"
