#!/usr/bin/env bash
# dnsperf against Morgana on the tap target (its own UDP/IP over a TAP device) and NSD on the
# kernel's stack behind a veth pair, each reached from a client namespace, same run, same zone and
# query mix, rounds alternating:
#
#   namespace d7bn-client (dnsperf) --TAP d7btap0--> Morgana 10.7.20.2:53 (this host's JVM, tap target)
#                                   --veth d7bc/d7bs--> namespace d7bn-server: NSD 10.7.21.2:53
#
#   bench/dns/tap.sh [SECONDS] [CLIENTS] [ROUNDS]      needs root, /dev/net/tun, iproute2, nsd, dnsperf
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] && [ -e /dev/net/tun ] || { echo "bench/dns/tap: needs root and /dev/net/tun" >&2; exit 77; }
SECS=${1:-10} CLIENTS=${2:-4} ROUNDS=${3:-3}
. bench/dns/common.sh

C=d7bn-client S=d7bn-server
for ns in $C $S; do ip netns del "$ns" 2>/dev/null || true; ip netns add "$ns"; done
cleanups+=("ip netns del $C" "ip netns del $S")
ip -n $C link set lo up; ip -n $S link set lo up
ip -n $C tuntap add dev d7btap0 mode tap
ip -n $C addr add 10.7.20.1/24 dev d7btap0
ip -n $C link set d7btap0 up
ip link add d7bc type veth peer name d7bs
ip link set d7bc netns $C; ip link set d7bs netns $S
ip -n $C addr add 10.7.21.1/24 dev d7bc; ip -n $C link set d7bc up
ip -n $S addr add 10.7.21.2/24 dev d7bs; ip -n $S link set d7bs up

$JAVA io.morgana.runtime.Main tap --interface=d7btap0 --netns=$C --ipv4=10.7.20.2/24 \
  --zone="$T/bench.test.zone" --port=53 --logs='*:warn' > "$T/morgana.log" 2>&1 & pids+=($!)
ip netns exec $S nsd -d -c "$(nsd_conf 10.7.21.2 53)" > "$T/nsd.log" 2>&1 & pids+=($!)
CLIENT="ip netns exec $C"
wait_dns 10.7.21.2 53; wait_dns 10.7.20.2 53 || { cat "$T/morgana.log"; exit 1; }
compare "tap (Morgana's UDP/IP) vs NSD on the kernel over veth, namespaces" 10.7.21.2 53 10.7.20.2 53
