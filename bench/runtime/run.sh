#!/bin/sh
# Morgana's runtime next to real peers, in the same run:
#  1. start time: `hello --times=1` on the unix target vs a plain JVM printing one line
#     (same JDK, same flags): the runtime's own boot cost;
#  2. TCP echo on the unix target vs socat's PIPE echo (C, one process per connection):
#     bulk MB/s on one connection and 32-byte round trips per second.
# Prints each figure and the ratio Morgana/peer. Needs socat. Not a test: never run in CI.
set -eu
cd "$(dirname "$0")/../.."
. bin/jdk.sh
morgana_find_jdk
J="$JAVA_HOME/bin/java"
./mvnw -q -o -pl examples/hello,examples/echo -am -DskipTests package >/dev/null
CP=api/target/classes:runtime/target/classes:kv/target/classes:targets/unix/target/classes
OUT=$(mktemp -d); trap 'rm -rf "$OUT"; kill $MP $SP 2>/dev/null || true' EXIT
MP= SP=
"$JAVA_HOME/bin/javac" -d "$OUT" bench/runtime/PlainHello.java bench/runtime/EchoClient.java

RUNS=${RUNS:-10}
ms() { date +%s%N | cut -c1-13; }
t_m=0 t_p=0
for i in $(seq "$RUNS"); do
  a=$(ms); "$J" -XX:TieredStopAtLevel=1 -cp "$CP:examples/hello/target/classes" io.morgana.runtime.Main unix --times=1 2>/dev/null; b=$(ms)
  "$J" -XX:TieredStopAtLevel=1 -cp "$OUT" PlainHello 2>/dev/null; c=$(ms)
  t_m=$((t_m + b - a)); t_p=$((t_p + c - b))
done
echo "start: morgana hello $((t_m / RUNS)) ms, plain JVM $((t_p / RUNS)) ms, ratio $(echo "scale=2; $t_m / $t_p" | bc)"

PORT_M=${PORT_M:-47007} PORT_S=${PORT_S:-47008} MB=${MB:-512} TRIPS=${TRIPS:-20000}
"$J" -cp "$CP:examples/echo/target/classes" io.morgana.runtime.Main unix --port=$PORT_M -l '*:warn' & MP=$!
socat TCP-LISTEN:$PORT_S,reuseaddr,fork PIPE & SP=$!
sleep 2
m=$("$J" -cp "$OUT" EchoClient $PORT_M "$MB" "$TRIPS")
s=$("$J" -cp "$OUT" EchoClient $PORT_S "$MB" "$TRIPS")
set -- $m $s
echo "echo bulk: morgana $1 MB/s, socat $3 MB/s, ratio $(echo "scale=2; $1 / $3" | bc)"
echo "echo round trips: morgana $2 /s, socat $4 /s, ratio $(echo "scale=2; $2 / $4" | bc)"
