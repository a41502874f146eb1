#!/usr/bin/env bash
# UDP request/response packets per second: Morgana's stack on TAP against Linux's own stack over a
# veth pair, same load tool, same run. Needs root, iproute2, socat. Usage: bench/udp/run.sh [SECONDS] [SIZE]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-10} SIZE=${2:-64} WINDOW=${WINDOW:-16}
. bin/jdk.sh && morgana_find_jdk
JAVA="$JAVA_HOME/bin/java"
M=t4ns-bench-m L1=t4ns-bench-l1 L2=t4ns-bench-l2
cleanup() {
  [ -n "${ECHO_PID-}" ] && kill "$ECHO_PID" 2>/dev/null || true
  [ -n "${SOCAT_PID-}" ] && kill "$SOCAT_PID" 2>/dev/null || true
  [ -n "${JECHO_PID-}" ] && kill "$JECHO_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  for n in $M $L1 $L2; do ip netns del $n 2>/dev/null || true; done
}
trap cleanup EXIT
cleanup

./mvnw -q -o -pl targets/tap -am test-compile
CP=targets/tap/target/classes:targets/tap/target/test-classes:net/target/classes:runtime/target/classes:api/target/classes:testing/target/classes:kv/target/classes
LOAD="$JAVA bench/udp/UdpLoad.java"

# Morgana: the kernel side of a TAP in namespace $M, Morgana's stack (this JVM) on the other side.
ip netns add $M && ip -n $M link set lo up
ip -n $M tuntap add dev t4tap-b0 mode tap && ip -n $M addr add 10.4.50.1/24 dev t4tap-b0 && ip -n $M link set t4tap-b0 up
"$JAVA" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp "$CP" io.morgana.target.tap.UdpEchoMain --interface=t4tap-b0 --netns=$M --ipv4=10.4.50.2/24 --logs=*:info,stack:debug \
  > /tmp/t4-bench-echo.log 2>&1 & ECHO_PID=$!
for i in $(seq 50); do grep -q ready /tmp/t4-bench-echo.log && break; sleep 0.2; done
ip netns exec $M ping -q -c 3 -i 0.2 10.4.50.2 >/dev/null
morgana=$(ip netns exec $M $LOAD 10.4.50.2 7 "$SECONDS_RUN" "$WINDOW" "$SIZE")

# Linux: two namespaces joined by a veth pair; the server side answers with socat (C) and with a
# Java echo on kernel sockets (same language as the appliance).
ip netns add $L1 && ip netns add $L2
ip link add t4v-b1 netns $L1 type veth peer name t4v-b2 netns $L2
ip -n $L1 addr add 10.4.51.1/24 dev t4v-b1 && ip -n $L1 link set t4v-b1 up && ip -n $L1 link set lo up
ip -n $L2 addr add 10.4.51.2/24 dev t4v-b2 && ip -n $L2 link set t4v-b2 up && ip -n $L2 link set lo up
ip netns exec $L2 socat UDP4-LISTEN:7,bind=10.4.51.2,reuseaddr PIPE & SOCAT_PID=$!
sleep 0.5
linux_socat=$(ip netns exec $L1 $LOAD 10.4.51.2 7 "$SECONDS_RUN" "$WINDOW" "$SIZE")
kill $SOCAT_PID; wait $SOCAT_PID 2>/dev/null || true; SOCAT_PID=
ip netns exec $L2 "$JAVA" bench/udp/UdpEchoServer.java 10.4.51.2 7 & JECHO_PID=$!
sleep 2
linux_java=$(ip netns exec $L1 $LOAD 10.4.51.2 7 "$SECONDS_RUN" "$WINDOW" "$SIZE")

pps() { sed -n 's/^pps=\([0-9]*\).*/\1/p' <<<"$1"; }
m=$(pps "$morgana") ls=$(pps "$linux_socat") lj=$(pps "$linux_java")
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ)  machine: $(nproc) cpus, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
echo "load:    $WINDOW requests in flight, $SIZE-byte payloads, ${SECONDS_RUN} s after 1 s warm-up"
echo "morgana (TAP, Java appliance on Morgana's stack):     $morgana"
echo "linux   (veth, socat on the kernel stack):            $linux_socat"
echo "linux   (veth, Java echo on kernel sockets):          $linux_java"
awk -v m="$m" -v s="$ls" -v j="$lj" 'BEGIN { printf "ratio morgana/linux-socat = %.2f   morgana/linux-java = %.2f\n", m / s, m / j }'
