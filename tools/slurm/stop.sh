#!/usr/bin/env bash
# Stops the single-node cluster of tools/slurm/start.sh: slurmd and slurmctld by the pids they
# recorded (munged keeps running; other clients may use it). Usage: stop.sh
set -uo pipefail
state="${VOXELWISE_SLURM_STATE:-/var/tmp/voxelwise-slurm}"
for daemon in slurmd slurmctld; do
  pidfile="$state/$daemon.pid"
  if [ -s "$pidfile" ]; then
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    rm -f "$pidfile"
  fi
done
echo "slurm: stopped"
