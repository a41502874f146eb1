# Sourced by bench/http/run.sh (unix, loopback) and bench/http/tap.sh (tap, namespaces): the
# content, the build, nginx's configuration and the wrk rounds both comparisons share.
set -euo pipefail
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-10s}
FILES=${FILES:-1k.bin 1m.bin}

for tool in wrk nginx curl tar; do
  command -v "$tool" >/dev/null || { echo "bench/http: needs '$tool' (apt-get install -y wrk nginx-light curl tar)" >&2; exit 69; }
done

work=$(mktemp -d /tmp/morgana-bench-http.XXXXXX)
pids=()
cleanups=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for c in "${cleanups[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The same content for both servers: 1 KiB and 1 MiB of random bytes; Morgana gets them as a tar.
mkdir -p "$work/htdocs"
head -c 1024 /dev/urandom > "$work/htdocs/1k.bin"
head -c 1048576 /dev/urandom > "$work/htdocs/1m.bin"
tar -cf "$work/site.tar" -C "$work/htdocs" .

# Morgana's classes from this tree (never installed jars from ~/.m2), third-party jars from Maven.
./mvnw -q -o -pl examples/website,targets/unix,targets/tap -am compile >/dev/null 2>&1 \
  || ./mvnw -q -pl examples/website,targets/unix,targets/tap -am compile
./mvnw -q -o -pl examples/website,kv,targets/tap dependency:build-classpath -Dmdep.outputFile="$work/deps.txt" \
  -Dmdep.appendOutput=true >/dev/null 2>&1 || true
CP="api/target/classes:runtime/target/classes:kv/target/classes:net/target/classes:http/target/classes"
CP="$CP:targets/unix/target/classes:targets/tap/target/classes:examples/website/target/classes"
[ -s "$work/deps.txt" ] && CP="$CP:$(tr ':' '\n' < "$work/deps.txt" | grep -v '/io/morgana/' | tr '\n' ':')"
. bin/jdk.sh
morgana_find_jdk >/dev/null
JAVA="$JAVA_HOME/bin/java -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED ${MORGANA_JAVA_OPTS-} -cp $CP"

# nginx_conf ADDRESS:PORT: one worker, no access log, sendfile, unlimited keep-alive requests.
nginx_conf() {
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
  server { listen $1; root $work/htdocs; }
}
CONF
  echo "$work/nginx/nginx.conf"
}

# CLIENT is a command prefix for curl and wrk ('' on loopback, 'ip netns exec NS' for tap).
CLIENT=${CLIENT:-}

wait_up() { # URL_BASE
  for _ in $(seq 1 150); do $CLIENT curl -fso /dev/null "$1/1k.bin" && return 0; sleep 0.2; done
  echo "bench/http: $1 did not come up"; cat "$work"/*.log "$work/nginx/error.log" 2>/dev/null; exit 1
}

check_bytes() { # URL_BASE NAME
  for f in 1k.bin 1m.bin; do
    cmp <($CLIENT curl -fs "$1/$f") "$work/htdocs/$f" || { echo "bench/http: $2 served $f wrong" >&2; exit 1; }
  done
}

# CPU time (user + system, clock ticks) of a process and its children so far: nginx's master and
# worker, Morgana's JVM. Read from /proc, so it works across namespaces.
cpu_ticks() { # PID...
  local t=0 p
  for p in "$@" $(pgrep -P "$(echo "$@" | tr ' ' ',')" 2>/dev/null || true); do
    [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$t"
}

measure() { # name url_base file round pid -> "rps p50 p75 p90 p99 errors cpu_us_per_request"
  local out c0 c1
  c0=$(cpu_ticks "$5")
  out=$($CLIENT wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2/$3")
  c1=$(cpu_ticks "$5")
  echo "$out" > "$work/wrk-$1-$3-$4.txt"
  local rps p50 p75 p90 p99 err reqs cpu
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p75=$(awk '$1=="75%" {print $2}' <<<"$out")
  p90=$(awk '$1=="90%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  err=$(grep -c -E "Socket errors|Non-2xx" <<<"$out" || true)
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu=$(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$reqs" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')
  echo "$rps $p50 $p75 $p90 $p99 $err $cpu"
}

# The round whose req/s is the median of a server's rounds (its latencies come with it).
median_row() { sort -n -k1,1 "$1" | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2)'; }

# compare LABEL MORGANA_BASE NGINX_BASE MORGANA_PID NGINX_PID: warm up, alternate rounds, print medians and ratios.
compare() {
  for f in $FILES; do $CLIENT wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$2/$f" >/dev/null; done
  $CLIENT wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "$3/1k.bin" >/dev/null
  echo "bench/http ($1): wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds (median), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "  load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-8s %-8s %12s %9s %9s %9s %9s %7s %9s\n' file server req/s p50 p75 p90 p99 errors cpu-us/req
  for f in $FILES; do
    : > "$work/m-$f"; : > "$work/n-$f"
    for r in $(seq 1 "$ROUNDS"); do
      measure morgana "$2" "$f" "$r" "$4" >> "$work/m-$f"
      measure nginx "$3" "$f" "$r" "$5" >> "$work/n-$f"
    done
    read -r mr m50 m75 m90 m99 _ _ < <(median_row "$work/m-$f")
    read -r nr n50 n75 n90 n99 _ _ < <(median_row "$work/n-$f")
    mcpu=$(cut -d' ' -f7 "$work/m-$f" | sort -n | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2)')
    ncpu=$(cut -d' ' -f7 "$work/n-$f" | sort -n | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2)')
    merr=$(awk '{s += $6} END {print s}' "$work/m-$f"); nerr=$(awk '{s += $6} END {print s}' "$work/n-$f")
    printf '%-8s %-8s %12s %9s %9s %9s %9s %7s %9s\n' "$f" morgana "$mr" "$m50" "$m75" "$m90" "$m99" "$merr" "$mcpu"
    printf '%-8s %-8s %12s %9s %9s %9s %9s %7s %9s\n' "$f" nginx "$nr" "$n50" "$n75" "$n90" "$n99" "$nerr" "$ncpu"
    echo "  all rounds req/s: morgana $(cut -d' ' -f1 "$work/m-$f" | tr '\n' ' ')| nginx $(cut -d' ' -f1 "$work/n-$f" | tr '\n' ' ')"
    awk -v m="$mr" -v n="$nr" -v f="$f" 'BEGIN { printf "%-8s ratio morgana/nginx req/s: %.2f\n", f, m / n }'
  done
  echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
}
