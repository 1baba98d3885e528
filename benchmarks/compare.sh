#!/usr/bin/env bash
# Measures two builds of the library against each other in one session, same settings: each
# selected group of benchmarks runs with the "before" jar, then at once with the "after" jar.
#
#   BEFORE_JAR=old/benchmarks.jar AFTER_JAR=benchmarks/target/benchmarks.jar benchmarks/compare.sh [OUT_DIR]
#
# Build each jar with `mvn -pl benchmarks -am package -DskipTests` on the commit it measures.
# Settings: the full profile (-wi 10 -w 2s -i 5 -r 2s), -Xms2g -Xmx2g G1; three forks for tell
# throughput (bimodal per fork on a 2-core VM), one for the rest. Keep the machine otherwise idle.
set -u
before="${BEFORE_JAR:?BEFORE_JAR: the jar of the build before}"
after="${AFTER_JAR:?AFTER_JAR: the jar of the build after}"
out="${1:-benchmarks/results/compare-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
settings=(-wi 10 -w 2s -i 5 -r 2s -jvmArgs "-Xms2g -Xmx2g -XX:+UseG1GC")
run() { # name regex forks
  for side in before after; do
    jar="$before"; [[ "$side" == after ]] && jar="$after"
    echo "== $1 $side $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
    java -jar "$jar" "$2" -f "$3" "${settings[@]}" -rf json -rff "$out/$1-$side.json" > "$out/$1-$side.txt" 2>&1
  done
}
run tell 'TellThroughput\.(supervisor|rawReactorPublishOn)$' 3
run tell2 'TellThroughputParallel\.(supervisor|rawReactorPublishOn)$' 3
run restart 'RestartLatency\.(supervisor|supervisorSameThread|rawReactor)$' 1
run spawn 'Spawn\.(supervisor|supervisorSameThread)$' 1
run ask 'AskLatency\.(supervisor|rawReactorPublishOn)$' 1
run storm 'RestartStorm\.supervisor$' 1
run idle 'IdleMemory\.(supervisor|rawReactor)$' 1
echo "finished $(date -u +%H:%M:%S)" >> "$out/log.txt"
