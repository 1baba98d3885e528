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
# JSON format) and the console table to a .txt beside it.
set -euo pipefail

profile="${1:-short}"
regex="${2:-.*}"
shift $(( $# > 2 ? 2 : $# ))

case "$profile" in
  short) iterations=(-f 1 -wi 3 -w 1s -i 3 -r 1s) ;;
  full)  iterations=(-f 1 -wi 10 -w 2s -i 5 -r 2s) ;;
  *) echo "usage: $0 [short|full] [REGEX] [extra JMH options...]" >&2; exit 2 ;;
esac

module_dir="$(cd "$(dirname "$0")" && pwd)"
root_dir="$(dirname "$module_dir")"

(cd "$root_dir" && mvn -q -B -pl benchmarks -am package -DskipTests)

results_dir="$module_dir/results"
mkdir -p "$results_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
json="$results_dir/$profile-$stamp.json"
text="$results_dir/$profile-$stamp.txt"

{
  echo "# profile: $profile, benchmarks: $regex, extra options: $*"
  echo "# nproc: $(nproc), cpu: $(lscpu | sed -n 's/^Model name: *//p'), memory: $(free -h | awk '/^Mem:/ {print $2}')"
  echo "# $(java -version 2>&1 | head -1)"
} | tee "$text"

java -jar "$module_dir/target/benchmarks.jar" "$regex" \
  "${iterations[@]}" \
  -jvmArgs "-Xms2g -Xmx2g -XX:+UseG1GC" \
  -rf json -rff "$json" \
  "$@" 2>&1 | tee -a "$text"

echo "JSON results: $json"
