#!/usr/bin/env bash
# Session 6: the pre-rebuild core (before.jar = 409f894), main at the session's start (s6-start = b94bf45)
# and main with the verdict wait (s6-b), each group back to back, same settings as session 5.
set -u
out=/work/bench-jars/s6; mkdir -p "$out"
settings=(-wi 5 -w 1s -i 5 -r 1s -jvmArgs "-Xms2g -Xmx2g -XX:+UseG1GC")
run() { # name regex forks
  for jar in before s6-start s6-b; do
    echo "== $1 $jar $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/log.txt"
    java -jar /work/bench-jars/$jar.jar "$2" -f "$3" "${settings[@]}" -rf json -rff "$out/$1-$jar.json" > "$out/$1-$jar.txt" 2>&1
  done
}
run storm 'RestartStorm\.supervisor$' 3
run restart 'RestartLatency\.(supervisor|supervisorSameThread)$' 1
run storm2 'RestartStorm\.supervisor$' 3
run restart2 'RestartLatency\.(supervisor|supervisorSameThread)$' 1
echo finished >> "$out/log.txt"
