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
# Wall time suffers from a loaded machine; CPU time (user+sys) much less, so both are shown.
measure() { # prints "wall_ms cpu_ms" summed over RUNS starts of "$@"
  w=0 c=0
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S" -o "$OUT/time" "$@" >/dev/null 2>&1
    r=$(tail -1 "$OUT/time")
    w=$(echo "$w + $(echo "$r" | cut -d' ' -f1) * 1000" | bc); c=$(echo "$c + ($(echo "$r" | cut -d' ' -f2) + $(echo "$r" | cut -d' ' -f3)) * 1000" | bc)
  done
  echo "$(echo "$w / $RUNS" | bc) $(echo "$c / $RUNS" | bc)"
}
m=$(measure "$J" -XX:TieredStopAtLevel=1 -cp "$CP:examples/hello/target/classes" io.morgana.runtime.Main unix --times=1)
p=$(measure "$J" -XX:TieredStopAtLevel=1 -cp "$OUT" PlainHello)
set -- $m $p
echo "start wall: morgana hello $1 ms, plain JVM $3 ms, ratio $(echo "scale=2; $1 / $3" | bc)"
echo "start cpu:  morgana hello $2 ms, plain JVM $4 ms, ratio $(echo "scale=2; $2 / $4" | bc)"

PORT_M=${PORT_M:-47007} PORT_S=${PORT_S:-47008} MB=${MB:-512} TRIPS=${TRIPS:-20000}
"$J" -cp "$CP:examples/echo/target/classes" io.morgana.runtime.Main unix --port=$PORT_M -l '*:warn' & MP=$!
socat TCP-LISTEN:$PORT_S,reuseaddr,fork PIPE & SP=$!
sleep 2
m=$("$J" -cp "$OUT" EchoClient $PORT_M "$MB" "$TRIPS")
s=$("$J" -cp "$OUT" EchoClient $PORT_S "$MB" "$TRIPS")
set -- $m $s
echo "echo bulk: morgana $1 MB/s, socat $3 MB/s, ratio $(echo "scale=2; $1 / $3" | bc)"
echo "echo round trips: morgana $2 /s, socat $4 /s, ratio $(echo "scale=2; $2 / $4" | bc)"
