#!/usr/bin/env bash
# Prints a slurm.conf for a single-node cluster on this host: slurmctld and slurmd on the same
# machine, root as SlurmUser, linuxproc process tracking (no cgroups in containers), no task
# binding, consumable CPUs and memory (cons_tres), no accounting database. The node's CPUs and
# memory come from `slurmd -C`. Usage: write-conf.sh <state-dir>
set -euo pipefail
state="${1:?usage: write-conf.sh <state-dir>}"
host="$(hostname -s)"
cpus="$(nproc)"
# slurmd -C prints RealMemory=<MB>; leave 512 MB to the system so a job asking for all of it fits.
mem="$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')"
mem=$(( ${mem:-2048} > 1024 ? ${mem:-2048} - 512 : ${mem:-2048} ))
cat <<CONF
# written by voxelwise tools/slurm/write-conf.sh (single-node test cluster)
ClusterName=voxelwise
SlurmctldHost=${host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
# Finished jobs stay visible to scontrol for 5 minutes.
MinJobAge=300
# Schedule at submission and as soon as a dependency clears (the tests wait on it).
SchedulerParameters=sched_min_interval=0
MaxArraySize=10001
DefMemPerCPU=1024
StateSaveLocation=${state}/ctld
SlurmdSpoolDir=${state}/d
SlurmctldPidFile=${state}/slurmctld.pid
SlurmdPidFile=${state}/slurmd.pid
SlurmctldLogFile=${state}/log/slurmctld.log
SlurmdLogFile=${state}/log/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=${host} CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF
