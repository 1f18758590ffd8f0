#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine (munged, slurmctld, slurmd), as root, for the
# tests that submit through sbatch. Idempotent: does nothing when a controller already answers.
# Debian's slurm-wlm and munge packages are enough (apt-get install -y slurm-wlm munge); no
# database: `sacct` has no accounting storage here, so the sweep reads job outcomes from its own
# state files and from squeue. Exit status 0 when `sinfo` shows the node idle, 1 otherwise.
#
#   tools/slurm/start.sh            # write /etc/slurm/slurm.conf when it is missing, start daemons
#   VOXELWISE_SLURM_STATE=/tmp/x tools/slurm/start.sh   # state and logs elsewhere
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [ "$(id -u)" -ne 0 ]; then
  echo "tools/slurm/start.sh: needs root (slurmctld and slurmd run as root here)" >&2
  exit 1
fi
for bin in munged slurmctld slurmd sbatch scontrol sinfo; do
  command -v "$bin" >/dev/null 2>&1 || { echo "tools/slurm/start.sh: $bin missing (apt-get install -y slurm-wlm munge)" >&2; exit 1; }
done

if scontrol ping 2>/dev/null | grep -q 'is UP'; then
  echo "slurm: controller already up"
  exit 0
fi

state="${VOXELWISE_SLURM_STATE:-/var/tmp/voxelwise-slurm}"
mkdir -p "$state/ctld" "$state/d" "$state/log" /run/munge /var/lib/munge /var/log/munge /etc/slurm

# munge: one key shared by every daemon and client of this host.
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chmod 0400 /etc/munge/munge.key
if ! pgrep -x munged >/dev/null 2>&1; then
  # --force: munged refuses to run as root (or with a world-writable /tmp) without it.
  munged --force
fi

conf=/etc/slurm/slurm.conf
if [ ! -f "$conf" ] || grep -q '^# written by voxelwise tools/slurm' "$conf"; then
  "$here/write-conf.sh" "$state" >"$conf.tmp"
  mv "$conf.tmp" "$conf"
fi

slurmctld -i
slurmd

for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    echo "slurm: up ($(sinfo -h -o '%N %c cpus %m MB %T'))"
    exit 0
  fi
  # A node that comes back after a restart may be marked down; resume it.
  scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
  sleep 0.5
done
echo "slurm: the node did not become idle; see $state/log" >&2
sinfo >&2 || true
exit 1
