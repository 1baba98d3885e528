#!/usr/bin/env bash
# Session 7, the issue 12 targets on the reference settings (the full profile of the benchmarks' own annotations):
# before.jar = 409f894 (the core before the rebuild), s7-final.jar = main at the end of session 7; each group
# before then after, back to back, same JVM options.
set -u
out=/work/bench-jars/s7final; mkdir -p "$out"
run() { # name regex forks
  for jar in before s7-final; do
    echo "== $1 $jar $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
    java -jar /work/bench-jars/$jar.jar "$2" -f "$3" -jvmArgs "-Xms2g -Xmx2g -XX:+UseG1GC" -rf json -rff "$out/$1-$jar.json" > "$out/$1-$jar.txt" 2>&1
  done
}
run restart 'RestartLatency\.(supervisor|supervisorSameThread)$' 1
run spawn 'Spawn\.(supervisor|supervisorSameThread)$' 1
run ask 'AskLatency\.supervisor$' 1
run idle 'IdleMemory\.supervisor$' 1
run tell 'TellThroughput\.supervisor$' 3
run tell2 'TellThroughputParallel\.supervisor$' 3
echo finished >> "$out/log.txt"
