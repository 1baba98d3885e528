#!/usr/bin/env bash
# Session 7, interleaved: one fork of each jar in turn, so that a drift of the machine touches all three alike.
set -u
out=/work/bench-jars/s7i; mkdir -p "$out"
settings=(-wi 5 -w 1s -i 5 -r 1s -jvmArgs "-Xms2g -Xmx2g -XX:+UseG1GC")
for round in 1 2 3 4 5 6 7 8; do
  for jar in before s7-start s7-q; do
    echo "== storm round $round $jar $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
    java -jar /work/bench-jars/$jar.jar 'RestartStorm\.supervisor$' -f 1 "${settings[@]}" -rf json -rff "$out/storm-$round-$jar.json" > "$out/storm-$round-$jar.txt" 2>&1
  done
done
echo finished >> "$out/log.txt"
