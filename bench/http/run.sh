#!/usr/bin/env bash
# Benchmark, unix target: Morgana's website appliance against nginx-light (one worker) serving the
# same two files (1 KiB and 1 MiB) on loopback, measured in the same run with the same wrk command.
# Prints requests/s and latency percentiles for each, and the ratio Morgana/nginx.
#
#   bench/http/run.sh                 # 3 rounds of 10 s per server and file, medians reported
#   ROUNDS=5 DURATION=30s CONNECTIONS=64 THREADS=2 bench/http/run.sh
#
# Morgana serves the files from a .tar archive (--tar: content fixed at boot, memory-mapped, the
# appliance's deployment model); nginx serves the same files from the directory. Rounds alternate
# between the servers so that a noisy machine (shared CI cores) hurts both alike.
# Needs: curl wrk nginx-light (see .ci/packages/http.txt). Not a test: it never fails on slow numbers.
cd "$(dirname "$0")/../.."
. bench/http/common.sh

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-59999 -n 1; }

mport=$(free_port)
$JAVA io.morgana.runtime.Main unix --tar="$work/site.tar" --port="$mport" --logs='*:warn' > "$work/morgana.log" 2>&1 &
pids+=($!); mpid=$!
nport=$(free_port)
nginx -c "$(nginx_conf "127.0.0.1:$nport")" -p "$work/nginx" &
pids+=($!); npid=$!

wait_up "http://127.0.0.1:$mport"; wait_up "http://127.0.0.1:$nport"
check_bytes "http://127.0.0.1:$mport" Morgana
compare "unix, loopback" "http://127.0.0.1:$mport" "http://127.0.0.1:$nport" "$mpid" "$npid"
