#!/usr/bin/env bash
# Session 7, interleaved, the benchmark's own settings (full profile: 10 x 2 s warmup, 5 x 2 s measured): one fork of each jar in turn.
# Ran as `s7f.sh` (rounds 1-6, into s7f/), then `OUT=s7g ROUNDS="7 8 9 10 11 12" s7f.sh`.
set -u
out=/work/bench-jars/${OUT:-s7f}; mkdir -p "$out"
for round in ${ROUNDS:-1 2 3 4 5 6}; do
  for jar in before s7-start; do
    echo "== storm round $round $jar $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
    java -jar /work/bench-jars/$jar.jar 'RestartStorm\.supervisor$' -f 1 -jvmArgs "-Xms2g -Xmx2g -XX:+UseG1GC" -rf json -rff "$out/storm-$round-$jar.json" > "$out/storm-$round-$jar.txt" 2>&1
  done
done
echo finished >> "$out/log.txt"
