#!/usr/bin/env bash
# dnsperf against Morgana and NSD serving the same zone, same run, same query mix
# (90 % names that exist, 10 % NXDOMAIN), one after the other on 127.0.0.1.
# Prints q/s and latency for each and the ratio Morgana / NSD.
#
#   bench/dns/run.sh [SECONDS] [CLIENTS] [ROUNDS]
# Morgana is the examples/dns-server appliance on the unix target (io.morgana.runtime.Main).
# Needs: nsd, dnsperf (Debian packages); builds what it runs (./mvnw -o -pl examples/dns-server,targets/unix -am compile).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-10}
CLIENTS=${2:-4}
ROUNDS=${3:-3}
NAMES=2000
command -v nsd >/dev/null || { echo "needs nsd (apt-get install nsd)"; exit 1; }
command -v dnsperf >/dev/null || { echo "needs dnsperf (apt-get install dnsperf)"; exit 1; }
. bin/jdk.sh && morgana_find_jdk
JAVA="$JAVA_HOME/bin/java"
./mvnw -q -o -pl examples/dns-server,targets/unix -am compile
CP=api/target/classes:kv/target/classes:runtime/target/classes:targets/unix/target/classes:dns/target/classes:examples/dns-server/target/classes

T=$(mktemp -d /tmp/d7bench.XXXX)
cleanup() { [ -n "${NSD_PID:-}" ] && kill "$NSD_PID" 2>/dev/null; [ -n "${M_PID:-}" ] && kill "$M_PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

port() { python3 -c 'import socket,random
while True:
  p=random.randint(20000,60000); s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
  try: s.bind(("127.0.0.1",p)); print(p); break
  except OSError: pass'; }

# The zone: SOA, NS, and NAMES hosts with an A record each (one in ten also AAAA).
{
  echo '$ORIGIN bench.test.'; echo '$TTL 3600'
  echo '@ SOA ns1 hostmaster 1 3600 600 604800 300'; echo '@ NS ns1'; echo 'ns1 A 127.0.0.1'
  for i in $(seq 1 $NAMES); do echo "h$i A 10.$((i/65536%256)).$((i/256%256)).$((i%256))"; [ $((i%10)) = 0 ] && echo "h$i AAAA 2001:db8::$i"; done
} > "$T/bench.test.zone"
# Queries: 90 % existing names (A, some AAAA), 10 % names that do not exist.
python3 - "$T/queries" $NAMES <<'PY'
import random, sys
random.seed(7)
n = int(sys.argv[2])
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        r = random.random()
        if r < 0.9:
            h = random.randint(1, n)
            f.write(f"h{h}.bench.test {'AAAA' if h % 10 == 0 and random.random() < 0.5 else 'A'}\n")
        else:
            f.write(f"nx{random.randint(1, 10**6)}.bench.test A\n")
PY

NSD_PORT=$(port); M_PORT=$(port)
cat > "$T/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$NSD_PORT
  zonesdir: "$T"
  pidfile: "$T/nsd.pid"
  database: ""
  xfrdfile: "$T/xfrd.state"
  zonelistfile: "$T/zone.list"
  username: ""
  chroot: ""
  server-count: 1
  verbosity: 0
  # NSD limits responses per netblock by default (RRL, 200 q/s): off, or it measures its limiter.
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: bench.test
  zonefile: bench.test.zone
CONF
nsd -d -c "$T/nsd.conf" > "$T/nsd.log" 2>&1 & NSD_PID=$!
"$JAVA" -XX:+UseSerialGC -Xmx256m -cp "$CP" io.morgana.runtime.Main unix \
  --zone="$T/bench.test.zone" --port="$M_PORT" --logs='*:warn' > "$T/morgana.log" 2>&1 & M_PID=$!
for i in $(seq 50); do
  dig @127.0.0.1 -p "$NSD_PORT" +short +tries=1 +time=1 h1.bench.test A >/dev/null 2>&1 && \
  dig @127.0.0.1 -p "$M_PORT" +short +tries=1 +time=1 h1.bench.test A | grep -q 10.0.0.1 && break
  sleep 0.2
done

run() { dnsperf -s 127.0.0.1 -p "$1" -d "$T/queries" -l "$SECS" -c "$CLIENTS" -q 200 2>&1; }
# A short warm-up for each (the JIT, NSD's caches), then the measured runs, interleaved.
dnsperf -s 127.0.0.1 -p "$M_PORT" -d "$T/queries" -l 3 -c "$CLIENTS" -q 200 >/dev/null 2>&1 || true
dnsperf -s 127.0.0.1 -p "$NSD_PORT" -d "$T/queries" -l 3 -c "$CLIENTS" -q 200 >/dev/null 2>&1 || true
qps() { echo "$1" | awk '/Queries per second/ {print $4}'; }
lat() { echo "$1" | awk '/Average Latency/ {print $4 * 1000000}'; }
lost() { echo "$1" | awk '/Queries lost/ {print $3}'; }
# The machine is shared and noisy: alternate the two servers for ROUNDS rounds and report each
# round's pair and the median ratio.
echo "date: $(date -u +%FT%TZ)  host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
echo "each run: ${SECS}s, $CLIENTS clients, up to 200 queries in flight; zone $NAMES names; 90 % positive, 10 % NXDOMAIN"
printf "%-6s %10s %12s %6s   %10s %12s %6s   %6s\n" round "NSD q/s" "NSD lat" lost "Morgana" "Morgana lat" lost ratio
RATIOS=""
for r in $(seq 1 "$ROUNDS"); do
  NSD_OUT=$(run "$NSD_PORT"); M_OUT=$(run "$M_PORT")
  NQ=$(qps "$NSD_OUT"); MQ=$(qps "$M_OUT")
  RATIO=$(python3 -c "print(f'{$MQ/$NQ:.2f}')")
  RATIOS="$RATIOS $RATIO"
  printf "%-6s %10.0f %9.0f us %6s   %10.0f %9.0f us %6s   %6s\n" "$r" "$NQ" "$(lat "$NSD_OUT")" "$(lost "$NSD_OUT")" \
    "$MQ" "$(lat "$M_OUT")" "$(lost "$M_OUT")" "$RATIO"
done
echo "median ratio Morgana/NSD q/s: $(python3 -c "import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))" $RATIOS)"
