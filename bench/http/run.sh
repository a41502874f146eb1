#!/usr/bin/env bash
# Benchmark: Morgana's website appliance (unix target) against nginx-light (one worker) serving the
# same two files (1 KiB and 1 MiB) on loopback, measured in the same run with the same wrk command.
# Prints requests/s and latency percentiles for each, and the ratio Morgana/nginx.
#
#   bench/http/run.sh                 # 3 rounds of 10 s per server and file, medians reported
#   ROUNDS=5 DURATION=30s CONNECTIONS=64 THREADS=2 bench/http/run.sh
#
# Morgana serves the files from a .tar archive (--tar: content fixed at boot, memory-mapped, the
# appliance's deployment model); nginx serves the same files from the directory. Rounds alternate
# between the servers so that a noisy machine (shared CI cores) hurts both alike.
#
# Needs: curl wrk nginx-light (see .ci/packages/http.txt). Not a test: it never fails on slow numbers.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-10s}

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "bench/http: needs '$tool' (apt-get install -y wrk nginx-light curl)" >&2; exit 69; }
done

work=$(mktemp -d /tmp/morgana-bench-http.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-59999 -n 1; }

# --- the same content for both servers
mkdir -p "$work/htdocs"
head -c 1024 /dev/urandom > "$work/htdocs/1k.bin"
head -c 1048576 /dev/urandom > "$work/htdocs/1m.bin"
tar -cf "$work/site.tar" -C "$work/htdocs" .

# --- Morgana: build and start the website appliance on the unix target
./mvnw -q -o -pl examples/website,targets/unix -am compile -DskipTests >/dev/null 2>&1 \
  || ./mvnw -q -pl examples/website,targets/unix -am compile -DskipTests
cp_file="$work/cp.txt"
./mvnw -q -o -pl examples/website,kv dependency:build-classpath -Dmdep.outputFile="$work/deps.txt" -Dmdep.appendOutput=true >/dev/null 2>&1 || true
CP="api/target/classes:runtime/target/classes:kv/target/classes:http/target/classes:targets/unix/target/classes:examples/website/target/classes"
# third-party jars only: Morgana's own modules come from this tree's classes, never from ~/.m2
[ -s "$work/deps.txt" ] && CP="$CP:$(tr ':' '\n' < "$work/deps.txt" | grep -v '/io/morgana/' | tr '\n' ':')"
. bin/jdk.sh
morgana_find_jdk >/dev/null
mport=$(free_port)
"$JAVA_HOME/bin/java" -XX:+UseParallelGC -cp "$CP" io.morgana.runtime.Main unix \
  --tar="$work/site.tar" --port="$mport" --logs='*:warn' > "$work/morgana.log" 2>&1 &
pids+=($!)

# --- nginx: one worker, no access log, sendfile, long keep-alive (as Morgana)
nport=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
user root;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000000;
  keepalive_timeout 65;
  default_type application/octet-stream;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server { listen 127.0.0.1:$nport; root $work/htdocs; }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)

wait_up() { for _ in $(seq 1 150); do curl -fso /dev/null "http://127.0.0.1:$1/1k.bin" && return 0; sleep 0.2; done
  echo "bench/http: server on port $1 did not come up"; cat "$work/morgana.log" "$work/nginx/error.log" 2>/dev/null; exit 1; }
wait_up "$mport"
wait_up "$nport"
for f in 1k.bin 1m.bin; do
  cmp <(curl -fs "http://127.0.0.1:$mport/$f") "$work/htdocs/$f" || { echo "bench/http: Morgana served $f wrong" >&2; exit 1; }
done

# JIT warm-up for Morgana (nginx needs none, but gets the same for fairness)
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "http://127.0.0.1:$mport/1k.bin" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "http://127.0.0.1:$mport/1m.bin" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "http://127.0.0.1:$nport/1k.bin" >/dev/null

measure() { # server port file round -> "rps p50 p75 p90 p99 errors"
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$2/$3")
  echo "$out" > "$work/wrk-$1-$3-$4.txt"
  local rps p50 p75 p90 p99 err
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p75=$(awk '$1=="75%" {print $2}' <<<"$out")
  p90=$(awk '$1=="90%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  err=$(grep -c -E "Socket errors|Non-2xx" <<<"$out" || true)
  echo "$rps $p50 $p75 $p90 $p99 $err"
}

# The round whose req/s is the median of a server's rounds (its latencies come with it).
median_row() { sort -n -k1,1 "$1" | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2)'; }

echo "bench/http: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds (median), loopback, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "  load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-8s %12s %9s %9s %9s %9s %7s\n' file server req/s p50 p75 p90 p99 errors
for f in 1k.bin 1m.bin; do
  : > "$work/m-$f"; : > "$work/n-$f"
  for r in $(seq 1 "$ROUNDS"); do
    measure morgana "$mport" "$f" "$r" >> "$work/m-$f"
    measure nginx "$nport" "$f" "$r" >> "$work/n-$f"
  done
  read -r mr m50 m75 m90 m99 merr < <(median_row "$work/m-$f")
  read -r nr n50 n75 n90 n99 nerr < <(median_row "$work/n-$f")
  merr=$(awk '{s += $6} END {print s}' "$work/m-$f"); nerr=$(awk '{s += $6} END {print s}' "$work/n-$f")
  printf '%-8s %-8s %12s %9s %9s %9s %9s %7s\n' "$f" morgana "$mr" "$m50" "$m75" "$m90" "$m99" "$merr"
  printf '%-8s %-8s %12s %9s %9s %9s %9s %7s\n' "$f" nginx "$nr" "$n50" "$n75" "$n90" "$n99" "$nerr"
  echo "  all rounds req/s: morgana $(cut -d' ' -f1 "$work/m-$f" | tr '\n' ' ')| nginx $(cut -d' ' -f1 "$work/n-$f" | tr '\n' ' ')"
  awk -v m="$mr" -v n="$nr" -v f="$f" 'BEGIN { printf "%-8s ratio morgana/nginx req/s: %.2f\n", f, m / n }'
done
echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
