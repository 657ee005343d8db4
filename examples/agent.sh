#!/bin/sh
# ServerTrack agent: on every tick of INTERVAL seconds, POST this host's CPU and memory load to ServerTrack.
# POSIX sh, date and curl only, so it runs on any Linux host (dash, busybox ash, bash).
#
#   SERVERTRACK_URL=http://tracker:8080 SERVERTRACK_TOKEN=... INTERVAL=10 sh agent.sh
#
# cpuload = busy share of the CPU time counted in /proc/stat since the previous reading
# memload = (MemTotal - MemAvailable) / MemTotal, from /proc/meminfo
#
# Ticks fall on the multiples of INTERVAL since the epoch (10:00:00, 10:00:10, ... for 10 s):
# the agent sleeps to the next tick, not INTERVAL after its last POST, so the time a POST
# takes never makes it drift, and INTERVAL=1 puts one sample in every one-second bucket.
#
# A failed POST is not resent: the next tick posts a fresh sample, so an outage shows as a
# gap in the charts. An outage writes two lines on stderr, one when posting starts failing
# and one when it works again, however many ticks it lasts.
set -u

url=${SERVERTRACK_URL:-http://localhost:8080}
url=${url%/}
interval=${INTERVAL:-10}
if [ -n "${SERVERTRACK_HOST:-}" ]; then
  host=$SERVERTRACK_HOST
  host_source=SERVERTRACK_HOST
else
  host=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)
  host_source="this host's name (set SERVERTRACK_HOST to report under another)"
fi
# Only tests point this elsewhere, to feed the agent /proc files whose numbers they choose.
proc=${SERVERTRACK_PROC:-/proc}
# A server that accepts the connection but never answers must not hold the loop forever.
max_time_sec=10
NS_PER_SECOND=1000000000
# A day: a longer gap than that is forgotten by the server anyway, and it keeps the
# nanosecond arithmetic below far inside 64 bits.
MAX_INTERVAL_SEC=86400

fail() {
  echo "agent: $*" >&2
  exit 2
}

# without_leading_zeros DIGITS: shell arithmetic reads 010 as octal (and 08 not at all).
without_leading_zeros() {
  set -- "${1#"${1%%[!0]*}"}"
  echo "${1:-0}"
}

case $interval in
  '' | *[!0-9.]* | *.*.* | . ) fail "INTERVAL must be a number of seconds, got '$interval'" ;;
esac
case $interval in
  *[1-9]*) ;;
  *) fail "INTERVAL must be more than 0 seconds, got '$interval'" ;;
esac
interval_whole=$(without_leading_zeros "${interval%%.*}")
case $interval in
  *.*) interval_fraction=${interval#*.} ;;
  *) interval_fraction='' ;;
esac
too_long="INTERVAL must be at most $MAX_INTERVAL_SEC seconds (a day), got '$interval'"
[ ${#interval_whole} -le ${#MAX_INTERVAL_SEC} ] || fail "$too_long"
# The fraction as nanoseconds: padded to nine digits, or cut to them.
interval_fraction_ns=$(printf '%.9s' "${interval_fraction}000000000")
interval_ns=$((interval_whole * NS_PER_SECOND + $(without_leading_zeros "$interval_fraction_ns")))
[ "$interval_ns" -le $((MAX_INTERVAL_SEC * NS_PER_SECOND)) ] || fail "$too_long"
[ "$interval_ns" -gt 0 ] || fail "INTERVAL must be at least 0.000000001 seconds, got '$interval'"

# The host rules of the server (ingest/host.ts), so a bad name stops here with a message
# instead of failing every POST with a 400.
host_rules="must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit"
case $host in
  '' | [!A-Za-z0-9]* | *[!A-Za-z0-9._-]*) fail "$host_source $host_rules, got '$host'" ;;
  *..*) fail "$host_source must not contain an empty label ('..'), got '$host'" ;;
  *.) fail "$host_source must not end with '.' (an empty label), got '$host'" ;;
esac
[ ${#host} -le 253 ] || fail "$host_source $host_rules, got '$host'"

command -v curl >/dev/null 2>&1 || fail "curl is required"

# urlencode TEXT: TEXT with every character but the URL's unreserved ones as %XX bytes. The
# host rules above leave only unreserved characters, so today it returns the name as it is;
# it keeps the host one path segment whatever a name may come to hold.
urlencode() {
  rest=$1
  encoded=''
  while [ -n "$rest" ]; do
    tail=${rest#?}
    char=${rest%"$tail"}
    rest=$tail
    case $char in
      [A-Za-z0-9._~-]) encoded=$encoded$char ;;
      *) encoded=$encoded$(printf %s "$char" | od -An -v -tx1 | tr -d ' \n' | sed 's/../%&/g' | tr a-f A-F) ;;
    esac
  done
  printf %s "$encoded"
}

sample_url="$url/perf/$(urlencode "$host")"

# Prints the time in nanoseconds since the epoch; whole seconds where date has no %N (some busybox builds).
now_ns() {
  now=$(date +%s%N)
  case $now in
    *[!0-9]*) echo $(($(date +%s) * NS_PER_SECOND)) ;;
    *) echo "$now" ;;
  esac
}

# Sleeps until the next multiple of INTERVAL since the epoch; a tick already past is skipped, not caught up.
sleep_to_next_tick() {
  now=$(now_ns)
  wait_ns=$(((now / interval_ns + 1) * interval_ns - now))
  sleep "$((wait_ns / NS_PER_SECOND)).$(printf '%09d' $((wait_ns % NS_PER_SECOND)))"
}

# percent PART WHOLE: PART / WHOLE in percent with two decimals, rounded half up.
# Shell arithmetic is integer-only, so work in hundredths of a percent.
percent() {
  hundredths=$((($1 * 10000 + $2 / 2) / $2))
  printf '%d.%02d' $((hundredths / 100)) $((hundredths % 100))
}

# Sets cpu_busy and cpu_total (jiffies since boot) from the aggregate "cpu" line.
# guest and guest_nice are already counted in user and nice, so they are left out.
read_cpu() {
  read -r _label user nice system idle iowait irq softirq steal _rest < "$proc/stat" || return 1
  cpu_idle=$((idle + ${iowait:-0}))
  cpu_busy=$((user + nice + system + ${irq:-0} + ${softirq:-0} + ${steal:-0}))
  cpu_total=$((cpu_busy + cpu_idle))
}

# Prints memory used in percent.
memory_load() {
  mem_total='' mem_available=''
  while read -r key value _unit; do
    case $key in
      MemTotal:) mem_total=$value ;;
      MemAvailable:) mem_available=$value ;;
    esac
  done < "$proc/meminfo"
  if [ -z "$mem_total" ] || [ -z "$mem_available" ] || [ "$mem_total" -eq 0 ]; then
    echo "agent: $proc/meminfo has no MemTotal or MemAvailable (Linux 3.14 or later is needed)" >&2
    return 1
  fi
  percent $((mem_total - mem_available)) "$mem_total"
}

nl='
'
# POSTs that failed since the last one that worked; the outage's first failure is the only one reported.
failed_posts=0

# post CPULOAD MEMLOAD: one sample. Sets `failure` to why it failed and returns non-zero.
post() {
  set -- -d "cpuload=$1" -d "memload=$2"
  # The token reaches curl on stdin (-H @-), never on its command line, where ps shows it.
  [ -z "${SERVERTRACK_TOKEN:-}" ] || set -- "$@" -H @-
  if answer=$(printf 'Authorization: Bearer %s\n' "${SERVERTRACK_TOKEN:-}" |
    curl -sS --max-time "$max_time_sec" -w "$nl%{http_code}" "$@" "$sample_url" 2>/dev/null); then
    status=${answer##*"$nl"}
    case $status in
      2??) return 0 ;;
    esac
    failure="answered $status ${answer%"$nl"*}"
  else
    failure="failed (curl exit $?)"
  fi
  return 1
}

# post_and_report CPULOAD MEMLOAD: posts, writing a line only where an outage starts or ends.
post_and_report() {
  if post "$1" "$2"; then
    if [ "$failed_posts" -gt 0 ]; then
      [ "$failed_posts" -eq 1 ] && posts=POST || posts=POSTs
      echo "agent: POST $sample_url works again after $failed_posts failed $posts" >&2
      failed_posts=0
    fi
    return
  fi
  if [ "$failed_posts" -eq 0 ]; then
    echo "agent: POST $sample_url $failure; trying every $interval s, quiet until it works again" >&2
  fi
  failed_posts=$((failed_posts + 1))
}

read_cpu || fail "cannot read $proc/stat"
memory_load >/dev/null || exit 2
previous_busy=$cpu_busy
previous_total=$cpu_total
while :; do
  sleep_to_next_tick
  if ! read_cpu; then
    echo "agent: cannot read $proc/stat; trying again at the next tick" >&2
    continue
  fi
  elapsed=$((cpu_total - previous_total))
  busy=$((cpu_busy - previous_busy))
  previous_busy=$cpu_busy
  previous_total=$cpu_total
  if [ "$elapsed" -le 0 ]; then
    echo "agent: no CPU time counted since the last reading; skipping this tick" >&2
    continue
  fi
  memload=$(memory_load) || continue
  post_and_report "$(percent "$busy" "$elapsed")" "$memload"
done
