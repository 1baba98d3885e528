#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs the JMH benchmarks.
#
#   benchmarks/run.sh [short|full] [REGEX] [extra JMH options...]
#
#   short   a few minutes in all: -f 1 -wi 3 -w 1s -i 3 -r 1s (Pekko has not settled after
#           3 s of warm-up on 2 cores; use these figures to compare, not to quote)
#   full    the reference settings: -f 1 -wi 10 -w 2s -i 5 -r 2s
#   REGEX   which benchmarks, as JMH matches them (default: all), e.g. 'TellThroughput' or
#           'Spawn|RestartLatency' or '\.pekko$'
#
# Both profiles fork one JVM per benchmark with -Xms2g -Xmx2g -XX:+UseG1GC, so heap sizing does
# not differ between them. Results go to benchmarks/results/<profile>-<timestamp>.json (JMH's
# JSON format) and the console output to a .txt beside it.
#
# QUIET=1 benchmarks/run.sh ...   for a machine shared with other work (a CI box, a developer
# machine running builds): runs one benchmark at a time, each only once the machine has been
# idle for 5 s, and runs it again (up to 5 times) if some other process used more than a
# quarter of a core in any second while it ran. Each attempt's interference is logged.
# ATTEMPTS=n (default 5) and QUIET_WAIT=s (default 900: how long to wait for an idle machine
# before running anyway) trade cleanliness for time on a machine that is rarely idle; the
# figure of the last attempt is kept whatever its interference, which the .txt records.
#
# FORKS=n benchmarks/run.sh ...   n JVM forks per benchmark instead of 1. Throughput across a
# thread hop is bimodal per fork on the 2-core VM these figures come from (the raw publishOn
# floor as much as the library: one fork settles near 6 M msg/s, the next near 19 M), so one
# fork is a coin toss there; the README's TellThroughput figures use FORKS=3.
set -euo pipefail

profile="${1:-short}"
regex="${2:-.*}"
shift $(( $# > 2 ? 2 : $# ))

case "$profile" in
  short) settings=(-f "${FORKS:-1}" -wi 3 -w 1s -i 3 -r 1s) ;;
  full)  settings=(-f "${FORKS:-1}" -wi 10 -w 2s -i 5 -r 2s) ;;
  *) echo "usage: $0 [short|full] [REGEX] [extra JMH options...]" >&2; exit 2 ;;
esac
settings+=(-jvmArgs "-Xms2g -Xmx2g -XX:+UseG1GC")

module_dir="$(cd "$(dirname "$0")" && pwd)"
root_dir="$(dirname "$module_dir")"
jar="$module_dir/target/benchmarks.jar"

(cd "$root_dir" && mvn -q -B -pl benchmarks -am package -DskipTests)

results_dir="$module_dir/results"
mkdir -p "$results_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
json="$results_dir/$profile-$stamp.json"
text="$results_dir/$profile-$stamp.txt"

{
  echo "# profile: $profile (${settings[*]}), FORKS=${FORKS:-1}, benchmarks: $regex, extra options: $*, QUIET=${QUIET:-0} ATTEMPTS=${ATTEMPTS:-5} QUIET_WAIT=${QUIET_WAIT:-900}"
  echo "# nproc: $(nproc), cpu: $(lscpu | sed -n 's/^Model name: *//p'), memory: $(free -h | awk '/^Mem:/ {print $2}')"
  echo "# $(java -version 2>&1 | head -1)"
  echo "# load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$text"

if [[ "${QUIET:-0}" != 1 ]]; then
  java -jar "$jar" "$regex" "${settings[@]}" -rf json -rff "$json" "$@" 2>&1 | tee -a "$text"
  echo "# load after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$text"
  echo "JSON results: $json"
  exit 0
fi

# ---- QUIET=1: one benchmark at a time, on an otherwise idle machine -------------------------

# CPU time (clock ticks) the whole machine has spent busy, including time stolen by the host.
machine_ticks() {
  local _cpu user nice system _idle _iowait irq softirq steal _rest
  read -r _cpu user nice system _idle _iowait irq softirq steal _rest < /proc/stat
  echo $(( user + nice + system + irq + softirq + steal ))
}

# Fills the associative array named $2 with pid -> CPU time (clock ticks) of process $1 and
# of each of its children (the JMH fork).
snapshot_tree() {
  local -n ticks="$2"
  local pid fields
  ticks=()
  for pid in "$1" $(pgrep -P "$1" || true); do
    fields="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    # after "(comm) " the fields start at field 3, so utime (field 14) is at index 11
    read -r -a fields <<< "${fields##*) }"
    ticks[$pid]=$(( fields[11] + fields[12] ))
  done
}

hz="$(getconf CLK_TCK)"
busy_limit=$(( hz / 4 ))   # a quarter of a core, per second
attempts="${ATTEMPTS:-5}"
quiet_wait="${QUIET_WAIT:-900}"

# Waits until the whole machine has been idle (under a quarter of a core) for 5 s in a row.
wait_for_quiet() {
  local quiet=0 before after waited=0
  before="$(machine_ticks)"
  while (( quiet < 5 )); do
    sleep 1
    after="$(machine_ticks)"
    if (( after - before < busy_limit )); then quiet=$(( quiet + 1 )); else quiet=0; fi
    before="$after"
    waited=$(( waited + 1 ))
    if (( waited >= quiet_wait )); then echo "# machine not idle after $quiet_wait s, running anyway" | tee -a "$text"; return; fi
  done
}

# Samples every second while process $1 runs; prints the most CPU (ticks per second) that
# processes outside its tree used in any one second. A second in which one of its processes
# ended is skipped: the CPU that process used in that second can no longer be read.
foreign_peak() {
  local peak=0 m0 m1 mine complete pid foreign
  local -A before=() after=()
  m0="$(machine_ticks)"; snapshot_tree "$1" before
  while kill -0 "$1" 2>/dev/null; do
    sleep 1
    m1="$(machine_ticks)"; snapshot_tree "$1" after
    mine=0; complete=1
    for pid in "${!before[@]}"; do
      if [[ -n "${after[$pid]:-}" ]]; then mine=$(( mine + after[$pid] - before[$pid] )); else complete=0; fi
    done
    for pid in "${!after[@]}"; do
      # a process started within this second: all its CPU time is from this second
      [[ -z "${before[$pid]:-}" ]] && mine=$(( mine + after[$pid] ))
    done
    foreign=$(( m1 - m0 - mine ))
    if (( complete && foreign > peak )); then peak="$foreign"; fi
    before=()
    for pid in "${!after[@]}"; do before[$pid]="${after[$pid]}"; done
    m0="$m1"
  done
  echo "$peak"
}

mapfile -t benchmarks < <(java -jar "$jar" -l "$regex" | awk 'listed; /^Benchmarks:/ { listed = 1 }')
parts=()
for benchmark in "${benchmarks[@]}"; do
  part="$(mktemp --suffix .json)"
  for (( attempt = 1; attempt <= attempts; attempt++ )); do
    wait_for_quiet
    java -jar "$jar" "^${benchmark//./\\.}\$" "${settings[@]}" -rf json -rff "$part" "$@" \
      >> "$text.attempt" 2>&1 &
    jmh=$!
    peak="$(foreign_peak "$jmh")"
    wait "$jmh"
    percent=$(( peak * 100 / hz ))
    echo "# $benchmark, attempt $attempt: other processes peaked at $percent% of a core" | tee -a "$text"
    if (( peak <= busy_limit )) || (( attempt == attempts )); then
      cat "$text.attempt" >> "$text"
      break
    fi
    rm -f "$text.attempt"
  done
  rm -f "$text.attempt"
  parts+=("$part")
done

# Each part is a JSON array; join their elements into one array.
{
  echo "["
  first=1
  for part in "${parts[@]}"; do
    # JMH ends its file with a blank line: drop blank lines, then the array's brackets
    body="$(sed '/^[[:space:]]*$/d' "$part" | sed '1d;$d')"
    [[ -z "$body" ]] && continue
    (( first )) || echo ","
    printf '%s\n' "$body"
    first=0
  done
  echo "]"
} > "$json"
rm -f "${parts[@]}"

echo "# load after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$text"
grep -hE '^(Benchmark  |[A-Za-z]+\.[A-Za-z]+(:[A-Za-z0-9.]+)? +(thrpt|avgt|sample|ss) )' "$text" > "$text.summary" || true
echo "Summary (one table row per line, from each benchmark's accepted attempt):"
cat "$text.summary"
rm -f "$text.summary"
echo "JSON results: $json"
