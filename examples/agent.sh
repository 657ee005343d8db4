#!/bin/sh
# ServerTrack agent: every INTERVAL seconds, POST this host's CPU and memory load to ServerTrack.
# POSIX sh and curl only, so it runs on any Linux host (dash, busybox ash, bash).
#
#   SERVERTRACK_URL=http://tracker:8080 SERVERTRACK_TOKEN=... INTERVAL=10 sh agent.sh
#
# cpuload = busy share of the CPU time counted in /proc/stat since the previous reading
# memload = (MemTotal - MemAvailable) / MemTotal, from /proc/meminfo
#
# A failed POST is reported on stderr and the loop carries on: the next tick posts a fresh
# sample. A missed sample is not resent, so an outage shows as a gap in the charts.
set -u

url=${SERVERTRACK_URL:-http://localhost:8080}
url=${url%/}
interval=${INTERVAL:-10}
host=${SERVERTRACK_HOST:-$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)}
# Only tests point this elsewhere, to feed the agent /proc files whose numbers they choose.
proc=${SERVERTRACK_PROC:-/proc}
# A server that accepts the connection but never answers must not hold the loop forever.
max_time_sec=10

fail() {
  echo "agent: $*" >&2
  exit 2
}

case $interval in
  '' | *[!0-9.]* | *.*.* | . ) fail "INTERVAL must be a number of seconds, got '$interval'" ;;
esac
case $interval in
  *[1-9]*) ;;
  *) fail "INTERVAL must be more than 0 seconds, got '$interval'" ;;
esac
command -v curl >/dev/null 2>&1 || fail "curl is required"
[ -n "$host" ] || fail "cannot tell this host's name; set SERVERTRACK_HOST"

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

# post CPULOAD MEMLOAD: one sample; reports any failure on stderr and returns non-zero.
post() {
  set -- -d "cpuload=$1" -d "memload=$2"
  # The token reaches curl on stdin (-H @-), never on its command line, where ps shows it.
  [ -z "${SERVERTRACK_TOKEN:-}" ] || set -- "$@" -H @-
  if answer=$(printf 'Authorization: Bearer %s\n' "${SERVERTRACK_TOKEN:-}" |
    curl -sS --max-time "$max_time_sec" -w "$nl%{http_code}" "$@" "$url/perf/$host"); then
    status=${answer##*"$nl"}
    case $status in
      2??) return 0 ;;
    esac
    echo "agent: POST $url/perf/$host answered $status ${answer%"$nl"*}; trying again in $interval s" >&2
  else
    echo "agent: POST $url/perf/$host failed (curl exit $?); trying again in $interval s" >&2
  fi
  return 1
}

read_cpu || fail "cannot read $proc/stat"
memory_load >/dev/null || exit 2
previous_busy=$cpu_busy
previous_total=$cpu_total
while :; do
  sleep "$interval"
  if ! read_cpu; then
    echo "agent: cannot read $proc/stat; trying again in $interval s" >&2
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
  post "$(percent "$busy" "$elapsed")" "$memload" || :
done
