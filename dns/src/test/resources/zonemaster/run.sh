#!/bin/sh
# Runs inside a fresh network namespace (unshare --net) holding only loopback, so zonemaster-cli
# reaches nothing but the three Morgana servers started here: a stand-in root on 127.0.0.106 and
# the zone's two name servers on 127.0.0.107 and 127.0.0.108, all on port 53 (zonemaster asks 53).
#   run.sh JAVA CLASSPATH DIR
set -u
JAVA=$1 CP=$2
cd "$3"
ip link set lo up
# zonemaster's own default profile with one level lowered: servers on 127/8 is the test bed, not the server.
zonemaster-cli --dump-profile | python3 -c '
import json, sys
p = json.load(sys.stdin)
p["test_levels"]["ADDRESS"]["NAMESERVER_IP_PRIVATE_NETWORK"] = "NOTICE"
json.dump(p, open("profile.json", "w"))'
"$JAVA" -XX:TieredStopAtLevel=1 -cp "$CP" io.morgana.dns.DevServer 127.0.0.106 53 root.zone > root.log 2>&1 & P0=$!
"$JAVA" -XX:TieredStopAtLevel=1 -cp "$CP" io.morgana.dns.DevServer 127.0.0.107 53 zm.test.zone > ns1.log 2>&1 & P1=$!
"$JAVA" -XX:TieredStopAtLevel=1 -cp "$CP" io.morgana.dns.DevServer 127.0.0.108 53 zm.test.zone > ns2.log 2>&1 & P2=$!
trap 'kill $P0 $P1 $P2 2>/dev/null' EXIT
for i in $(seq 100); do
  dig @127.0.0.106 +short +tries=1 +time=1 a.root.test A > /dev/null 2>&1 &&
  dig @127.0.0.107 +short +tries=1 +time=1 www.zm.test A > /dev/null 2>&1 &&
  dig @127.0.0.108 +short +tries=1 +time=1 www.zm.test A | grep -q 127.0.0.110 && break
  sleep 0.2
done
zonemaster-cli --no-ipv6 --hints hints --profile profile.json --level NOTICE --show-testcase --raw \
  --ns ns1.zm.test/127.0.0.107 --ns ns2.zm.test/127.0.0.108 zm.test
STATUS=$?
for f in root.log ns1.log ns2.log; do grep -v "^serving on" "$f" | sed "s/^/$f: /"; done
exit $STATUS
