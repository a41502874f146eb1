# Sourced by bench/dns/run.sh (unix, loopback) and bench/dns/tap.sh (tap, namespaces): the zone,
# the query file, NSD's configuration, the classpath, and the alternating measurement.
# Expects SECS CLIENTS ROUNDS; defines T (work dir), JAVA, nsd_conf, wait_dns, compare.
set -euo pipefail
NAMES=2000
command -v nsd >/dev/null || { echo "needs nsd (apt-get install nsd)"; exit 1; }
command -v dnsperf >/dev/null || { echo "needs dnsperf (apt-get install dnsperf)"; exit 1; }
. bin/jdk.sh && morgana_find_jdk >/dev/null
./mvnw -q -o -pl examples/dns-server,targets/unix,targets/tap -am compile
CP=api/target/classes:kv/target/classes:runtime/target/classes:net/target/classes:targets/unix/target/classes
CP=$CP:targets/tap/target/classes:dns/target/classes:examples/dns-server/target/classes
JAVA="$JAVA_HOME/bin/java -XX:+UseSerialGC -Xmx256m --enable-native-access=ALL-UNNAMED -cp $CP"

T=$(mktemp -d /tmp/d7bench.XXXX)
pids=() cleanups=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for c in "${cleanups[@]}"; do $c 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT

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
        if random.random() < 0.9:
            h = random.randint(1, n)
            f.write(f"h{h}.bench.test {'AAAA' if h % 10 == 0 and random.random() < 0.5 else 'A'}\n")
        else:
            f.write(f"nx{random.randint(1, 10**6)}.bench.test A\n")
PY

# nsd_conf ADDRESS PORT: one server process, RRL off (NSD limits to 200 q/s per netblock by default).
nsd_conf() {
  cat > "$T/nsd.conf" <<CONF
server:
  ip-address: $1@$2
  zonesdir: "$T"
  pidfile: "$T/nsd.pid"
  database: ""
  xfrdfile: "$T/xfrd.state"
  zonelistfile: "$T/zone.list"
  username: ""
  chroot: ""
  server-count: 1
  verbosity: 0
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: bench.test
  zonefile: bench.test.zone
CONF
  echo "$T/nsd.conf"
}

# wait_dns ADDRESS PORT: until h1.bench.test answers (CLIENT prefix runs dig where the client is).
wait_dns() {
  for i in $(seq 100); do
    ${CLIENT:-} dig @"$1" -p "$2" +short +tries=1 +time=1 h1.bench.test A 2>/dev/null | grep -q 10.0.0.1 && return 0
    sleep 0.3
  done
  echo "no answer from $1:$2" >&2; return 1
}

qps() { echo "$1" | awk '/Queries per second/ {print $4}'; }
lat() { echo "$1" | awk '/Average Latency/ {print $4 * 1000000}'; }
lost() { echo "$1" | awk '/Queries lost/ {print $3}'; }
perf() { ${CLIENT:-} dnsperf -s "$1" -p "$2" -d "$T/queries" -l "$3" -c "$CLIENTS" -q 200 2>&1; }

# compare TITLE NSD_ADDR NSD_PORT MORGANA_ADDR MORGANA_PORT: warm-up, then alternating rounds.
compare() {
  perf "$4" "$5" 3 >/dev/null || true
  perf "$2" "$3" 3 >/dev/null || true
  echo "$1 — date: $(date -u +%FT%TZ)  host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
  echo "each run: ${SECS}s, $CLIENTS clients, up to 200 queries in flight; zone $NAMES names; 90 % positive, 10 % NXDOMAIN"
  printf "%-6s %10s %12s %6s   %10s %12s %6s   %6s\n" round "NSD q/s" "NSD lat" lost "Morgana" "Morgana lat" lost ratio
  local ratios="" r nsd m nq mq ratio
  for r in $(seq 1 "$ROUNDS"); do
    nsd=$(perf "$2" "$3" "$SECS"); m=$(perf "$4" "$5" "$SECS")
    nq=$(qps "$nsd"); mq=$(qps "$m")
    ratio=$(python3 -c "print(f'{$mq/$nq:.2f}')")
    ratios="$ratios $ratio"
    printf "%-6s %10.0f %9.0f us %6s   %10.0f %9.0f us %6s   %6s\n" "$r" "$nq" "$(lat "$nsd")" "$(lost "$nsd")" \
      "$mq" "$(lat "$m")" "$(lost "$m")" "$ratio"
  done
  echo "median ratio Morgana/NSD q/s: $(python3 -c "import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))" $ratios)"
}
