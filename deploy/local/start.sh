#!/usr/bin/env bash
#
# start.sh RUN_DIR [NAME…]
#
# Starts again processes of a topology that up.sh brought up and that have
# since stopped or been killed (down.sh RUN_DIR NAME, kill -9 …): each with
# the very command, configuration and data up.sh gave it, its output
# appended to its log. With no NAME, every process of RUN_DIR that is not
# running: after down.sh RUN_DIR, the whole topology comes back with its
# records (Redis keeps them in its append-only files, push hosts in their
# outboxes) and its simulated clock. A NAME that is still running is
# refused: stop it first.
#
# Returns once each answers (Redis PING, or for a cluster node
# cluster_state:ok; a courier host's /healthz; a gateway's /readyz),
# within 60 s, and updates RUN_DIR/topology.json.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

(($# >= 1)) || die "usage: ${0##*/} RUN_DIR [NAME…]"
run_dir=$1
shift
[[ -f $run_dir/procs/list ]] || die "$run_dir holds no topology started by up.sh"
run_dir=$(run_dir_abs "$run_dir")

names=()
if (($# == 0)); then
	while read -r name; do
		recorded_pid "$run_dir" "$name" >/dev/null || names+=("$name")
	done < <(proc_names "$run_dir")
	if ((${#names[@]} == 0)); then
		say "Everything is running."
		exit 0
	fi
else
	for name in "$@"; do
		load_proc "$run_dir" "$name" # fails for a name the topology does not have
		if pid=$(recorded_pid "$run_dir" "$name"); then
			die "$name is running (pid $pid); stop it first with down.sh $run_dir $name"
		fi
		names+=("$name")
	done
fi
deadline=$((SECONDS + READY_TIMEOUT))
for name in "${names[@]}"; do launch "$run_dir" "$name"; done
wait_ready "$run_dir" "$deadline" "${names[@]}"
write_topology "$run_dir"
say "Started: ${names[*]}"
