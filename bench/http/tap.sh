#!/usr/bin/env bash
# Benchmark, tap target: Morgana's website appliance on its own TCP/IP over a TAP device against
# nginx-light (one worker) on the Linux kernel's stack, each reached by wrk across a virtual link
# into a network namespace, in the same run:
#
#   namespace h6bn-client (wrk, curl) --TAP h6btap0--> Morgana 10.6.20.2:80 (this host's JVM, tap target)
#                                     --veth h6bc/h6bs--> namespace h6bn-server: nginx 10.6.21.2:80
#
# Same files, same wrk command, rounds alternating, medians (see run.sh). Needs root, /dev/net/tun,
# iproute2, wrk, nginx-light, curl. Not a test: it never fails on slow numbers.
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] && [ -e /dev/net/tun ] || { echo "bench/http/tap: needs root and /dev/net/tun" >&2; exit 77; }
. bench/http/common.sh

C=h6bn-client S=h6bn-server
for ns in $C $S; do ip netns del "$ns" 2>/dev/null || true; ip netns add "$ns"; done
cleanups+=("ip netns del $C" "ip netns del $S")
ip -n $C link set lo up; ip -n $S link set lo up
# Kernel side of Morgana's TAP, in the client namespace
ip -n $C tuntap add dev h6btap0 mode tap
ip -n $C addr add 10.6.20.1/24 dev h6btap0
ip -n $C link set h6btap0 up
# nginx behind a veth pair
ip link add h6bc type veth peer name h6bs
ip link set h6bc netns $C; ip link set h6bs netns $S
ip -n $C addr add 10.6.21.1/24 dev h6bc; ip -n $C link set h6bc up
ip -n $S addr add 10.6.21.2/24 dev h6bs; ip -n $S link set h6bs up

$JAVA io.morgana.runtime.Main tap --interface=h6btap0 --netns=$C --ipv4=10.6.20.2/24 --ipv4-gateway=10.6.20.1 \
  --tar="$work/site.tar" --port=80 --logs='*:warn' > "$work/morgana.log" 2>&1 &
pids+=($!); mpid=$!
ip netns exec $S nginx -c "$(nginx_conf "10.6.21.2:80")" -p "$work/nginx" &
pids+=($!); npid=$!

CLIENT="ip netns exec $C"
wait_up "http://10.6.20.2"; wait_up "http://10.6.21.2"
check_bytes "http://10.6.20.2" Morgana
compare "tap vs kernel over veth, namespaces" "http://10.6.20.2" "http://10.6.21.2" "$mpid" "$npid"
