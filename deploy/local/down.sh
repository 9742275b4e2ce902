#!/usr/bin/env bash
#
# down.sh RUN_DIR [NAME…]
#
# Stops the processes up.sh started for RUN_DIR — or only those named
# (gateway-1, sim-swift, redis, redis-2, … as in RUN_DIR/topology.json):
# SIGTERM, up to 15 s to finish what they are doing, then SIGKILL. Only
# processes recorded in RUN_DIR are signalled, and only while they are the
# very process recorded (same pid, same start time). Gateways and courier
# hosts stop before Redis. Running it again does nothing. RUN_DIR, its
# logs and its data stay: start.sh RUN_DIR brings it all back; remove it
# with rm -r once done.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

(($# >= 1)) || die "usage: ${0##*/} RUN_DIR [NAME…]"
run_dir=$1
shift
if [[ ! -f $run_dir/procs/list ]]; then
	say "${0##*/}: $run_dir holds no topology started by up.sh; nothing to stop"
	exit 0
fi
run_dir=$(run_dir_abs "$run_dir")

mapfile -t all < <(proc_names "$run_dir")
names=("$@")
if ((${#names[@]} == 0)); then
	names=("${all[@]}")
fi
first=() last=()
for name in "${names[@]}"; do
	load_proc "$run_dir" "$name" # fails for a name the topology does not have
	if [[ $role == redis ]]; then last+=("$name"); else first+=("$name"); fi
done

left_before=$(still_running "$run_dir" "${names[@]}")
((${#first[@]} == 0)) || stop "$run_dir" "${first[@]}"
((${#last[@]} == 0)) || stop "$run_dir" "${last[@]}"
write_topology "$run_dir"
if [[ -n $left_before ]]; then
	say "Stopped: $left_before"
else
	say "Nothing was running."
fi
