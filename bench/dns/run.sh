#!/usr/bin/env bash
# dnsperf against Morgana (examples/dns-server on the unix target: host sockets) and NSD serving
# the same zone on 127.0.0.1, same run, same query mix (90 % names that exist, 10 % NXDOMAIN),
# rounds alternating; prints each round and the median ratio Morgana/NSD. Not a test.
#
#   bench/dns/run.sh [SECONDS] [CLIENTS] [ROUNDS]      needs nsd, dnsperf
cd "$(dirname "$0")/../.."
SECS=${1:-10} CLIENTS=${2:-4} ROUNDS=${3:-3}
. bench/dns/common.sh

port() { python3 -c 'import socket,random
while True:
  p=random.randint(20000,60000); s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
  try: s.bind(("127.0.0.1",p)); print(p); break
  except OSError: pass'; }
NSD_PORT=$(port); M_PORT=$(port)
nsd -d -c "$(nsd_conf 127.0.0.1 "$NSD_PORT")" > "$T/nsd.log" 2>&1 & pids+=($!)
$JAVA io.morgana.runtime.Main unix --zone="$T/bench.test.zone" --port="$M_PORT" --logs='*:warn' > "$T/morgana.log" 2>&1 & pids+=($!)
wait_dns 127.0.0.1 "$NSD_PORT"; wait_dns 127.0.0.1 "$M_PORT"
compare "unix, loopback" 127.0.0.1 "$NSD_PORT" 127.0.0.1 "$M_PORT"
