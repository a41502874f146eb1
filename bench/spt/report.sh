# bench/spt/report.sh — sourced by run.sh and website.sh: the side-by-side table of one run.
# spt_report TITLE REF_LABEL MEASURED ARCHIVE AOT RUNS REQUESTS
#   MEASURED is measure.py's output: the line of side "spt", then the reference side's line
#   (LABEL median p10 p90 rss_kib rate rss_anon_kib); ARCHIVE the spt.tar.xz; AOT the AOT cache (may be missing).
spt_report() {
  local title=$1 ref=$2 measured=$3 archive=$4 aot=$5 runs=$6 requests=$7
  local _ s_med s_p10 s_p90 s_rss s_rate s_anon r_med r_p10 r_p90 r_rss r_rate r_anon
  read -r _ s_med s_p10 s_p90 s_rss s_rate s_anon <<<"$(grep '^spt ' <<<"$measured")"
  read -r _ r_med r_p10 r_p90 r_rss r_rate r_anon <<<"$(grep -v '^spt ' <<<"$measured" | head -1)"
  local a_size jdk_size aot_xz
  a_size=$(stat -c %s "$archive")
  jdk_size=$(du -sb "$JAVA_HOME" | cut -f1)
  aot_xz=$( [ -f "$aot" ] && xz -T1 -6 -c "$aot" | wc -c || echo 0)
  mb() { echo "$1/1048576" | bc -l; }
  ratio() { echo "$1/$2" | bc -l; }
  echo
  echo "$title, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg) at end, $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p)"
  printf '%-36s %12s %12s %8s\n' "" "spt" "$ref" "ratio"
  printf '%-36s %9.1f MB %9.1f MB %8.3f\n' "archive (spt.tar.xz vs JDK dir)" "$(mb "$a_size")" "$(mb "$jdk_size")" "$(ratio "$a_size" "$jdk_size")"
  printf '%-36s %9.1f MB %12s\n' "  AOT cache, xz (shipped apart)" "$(mb "$aot_xz")" "-"
  printf '%-36s %9s ms %9s ms %8.2f\n' "start -> first 200, median of $runs" "$s_med" "$r_med" "$(ratio "$s_med" "$r_med")"
  printf '%-36s %6s-%s ms %6s-%s ms\n' "  p10-p90" "$s_p10" "$s_p90" "$r_p10" "$r_p90"
  [ "${SETTLE:-0}" = 0 ] || echo "(the requests began ${SETTLE} s after the first 200: SETTLE)"
  printf '%-36s %9.1f MB %9.1f MB %8.2f\n' "RSS after $requests requests" "$(echo "$s_rss/1024" | bc -l)" "$(echo "$r_rss/1024" | bc -l)" "$(ratio "$s_rss" "$r_rss")"
  printf '%-36s %9.1f MB %9.1f MB %8.2f\n' "  of which anonymous (RssAnon)" "$(echo "$s_anon/1024" | bc -l)" "$(echo "$r_anon/1024" | bc -l)" "$(ratio "$s_anon" "$r_anon")"
  printf '%-36s %9s /s %9s /s %8.2f\n' "requests/s during those (keep-alive)" "$s_rate" "$r_rate" "$(ratio "$s_rate" "$r_rate")"
}
