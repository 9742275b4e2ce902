# shellcheck shell=bash
#
# What up.sh, start.sh and down.sh share: how a run directory records its
# processes, and how they are started, checked and stopped.
#
# A run directory (RUN_DIR) records each process it runs in two files:
#
#   procs/NAME.sh   role, mode, addr, log, check and the command (cmd), as
#                   bash assignments; written once by up.sh
#   pids/NAME.pid   "PID START": the process id and the kernel's start
#                   time of that process; present while it runs
#
# and the names in start order in procs/list. The start time makes sure a
# pid reused by another process after ours has exited is never signalled:
# these scripts stop exactly the processes they started, nothing else.

if ((BASH_VERSINFO[0] < 4)); then
	printf '%s: needs bash 4 or later (this is %s); on macOS: brew install bash\n' "${0##*/}" "$BASH_VERSION" >&2
	exit 1
fi

# Bounds of the waits, in seconds.
readonly READY_TIMEOUT=${TRACKGATE_LOCAL_READY_TIMEOUT:-60} # until a started process answers
readonly STOP_TIMEOUT=15                                    # from SIGTERM to SIGKILL (trackgate drains for 10 s)
readonly KILL_TIMEOUT=5                                     # from SIGKILL until the kernel reports it gone

# The fixed addresses of the two gateways (issue 3).
readonly GATEWAY_ADDRS=(127.0.0.1:18081 127.0.0.1:18082)

die() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

say() { printf '%s\n' "$*"; }

# run_dir_abs DIR: the absolute, physical path of an existing directory.
run_dir_abs() { (cd -- "$1" && pwd -P); }

# proc_start PID: prints the start time of a live process (one that has
# not exited, zombies included), or fails.
proc_start() {
	local pid=$1 stat rest
	local -a fields
	if [[ -d /proc/self ]]; then
		{ stat=$(<"/proc/$pid/stat"); } 2>/dev/null || return 1
		# The command name, in parentheses, may hold spaces: read after it.
		rest=${stat##*) }
		read -r -a fields <<<"$rest"
		[[ ${fields[0]} != Z && ${fields[0]} != X ]] || return 1
		printf '%s\n' "${fields[19]}"
	else
		local state
		state=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
		[[ -n $state && $state != Z* ]] || return 1
		ps -o lstart= -p "$pid" 2>/dev/null | tr -s ' ' '_'
	fi
}

# recorded_pid RUN_DIR NAME: prints the pid of NAME if the process recorded
# for it still runs, or fails.
recorded_pid() {
	local file=$1/pids/$2.pid pid start now
	[[ -f $file ]] || return 1
	read -r pid start <"$file" || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	now=$(proc_start "$pid") || return 1
	[[ $now == "$start" ]] || return 1
	printf '%s\n' "$pid"
}

# load_proc RUN_DIR NAME: sets role, mode, addr, log, check and cmd from
# procs/NAME.sh.
load_proc() {
	local file=$1/procs/$2.sh
	[[ -f $file ]] || die "$2 is not a process of $1 (no $file)"
	role='' mode='' addr='' log='' check='' workdir=''
	cmd=()
	# shellcheck source=/dev/null
	source "$file"
}

# record_proc RUN_DIR NAME ROLE MODE ADDR CHECK WORKDIR CMD...: writes
# procs/NAME.sh and adds NAME to procs/list.
record_proc() {
	local run_dir=$1 name=$2 role=$3 mode=$4 addr=$5 check=$6 workdir=$7
	shift 7
	{
		printf 'role=%q\nmode=%q\naddr=%q\n' "$role" "$mode" "$addr"
		printf 'log=%q\ncheck=%q\nworkdir=%q\n' "$run_dir/logs/$name.log" "$check" "$workdir"
		printf 'cmd=('
		printf ' %q' "$@"
		printf ' )\n'
	} >"$run_dir/procs/$name.sh"
	printf '%s\n' "$name" >>"$run_dir/procs/list"
}

# proc_names RUN_DIR: the recorded names, in start order.
proc_names() {
	[[ -f $1/procs/list ]] && cat -- "$1/procs/list"
}

# launch RUN_DIR NAME: starts the recorded command of NAME in the
# background, its output appended to its log, and records its pid.
launch() {
	local run_dir=$1 name=$2 pid start
	load_proc "$run_dir" "$name"
	# nohup: closing the terminal that ran up.sh leaves the topology up.
	(cd -- "$workdir" && exec nohup "${cmd[@]}" >>"$log" 2>&1 </dev/null) &
	pid=$!
	# The subshell execs the command, so $! is the command's own pid; its
	# start time may take a moment to read if it has only just forked.
	start=$(proc_start "$pid") || {
		sleep 0.1
		start=$(proc_start "$pid") || die "$name exited at once; the end of $log:"$'\n'"$(tail -n 20 -- "$log" 2>/dev/null)"
	}
	printf '%s %s\n' "$pid" "$start" >"$run_dir/pids/$name.pid"
}

# port_in_use PORT: whether something accepts connections on 127.0.0.1:PORT.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# http_status ADDR PATH: prints the status code of GET http://ADDR/PATH, or
# fails. Plain bash, so neither curl nor wget is needed.
http_status() {
	local addr=$1 path=$2
	(
		exec 3<>"/dev/tcp/${addr%:*}/${addr##*:}" || exit 1
		printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$addr" >&3
		read -r -t 5 _ code _ <&3 || exit 1
		printf '%s\n' "$code"
	) 2>/dev/null
}

# answers RUN_DIR NAME: whether NAME answers its check: a Redis PONG (and,
# for a cluster node, cluster_state:ok), or an HTTP 200 from a path.
answers() {
	load_proc "$1" "$2"
	case $check in
	redis)
		[[ $(redis-cli -h "${addr%:*}" -p "${addr##*:}" ping 2>/dev/null) == PONG ]]
		;;
	redis-cluster)
		redis-cli -h "${addr%:*}" -p "${addr##*:}" cluster info 2>/dev/null | tr -d '\r' | grep -qx 'cluster_state:ok'
		;;
	http:*)
		[[ $(http_status "$addr" "${check#http:}") == 200 ]]
		;;
	*) die "unknown check $check of $2" ;;
	esac
}

# wait_ready RUN_DIR DEADLINE NAME...: waits until every NAME answers, or
# fails with the end of the log of the first that did not by DEADLINE (in
# $SECONDS) or that exited.
wait_ready() {
	local run_dir=$1 deadline=$2 name
	shift 2
	for name in "$@"; do
		until answers "$run_dir" "$name"; do
			load_proc "$run_dir" "$name"
			if ! recorded_pid "$run_dir" "$name" >/dev/null; then
				die "$name ($addr) exited; the end of $log:"$'\n'"$(tail -n 20 -- "$log")"
			fi
			if ((SECONDS >= deadline)); then
				die "$name ($addr) did not answer within ${READY_TIMEOUT} s; the end of $log:"$'\n'"$(tail -n 20 -- "$log")"
			fi
			sleep 0.2
		done
	done
}

# stop RUN_DIR NAME...: SIGTERM to every NAME still running, a bounded
# wait, then SIGKILL to those left; the pid files go once they are gone.
stop() {
	local run_dir=$1 name pid
	shift
	local -a running=()
	for name in "$@"; do
		if pid=$(recorded_pid "$run_dir" "$name"); then
			kill -TERM "$pid" 2>/dev/null || true
			running+=("$name")
		else
			rm -f -- "$run_dir/pids/$name.pid"
		fi
	done
	((${#running[@]} > 0)) || return 0
	wait_gone "$run_dir" "$STOP_TIMEOUT" "${running[@]}" && return 0
	for name in "${running[@]}"; do
		if pid=$(recorded_pid "$run_dir" "$name"); then
			say "$name ignored SIGTERM for ${STOP_TIMEOUT} s; sending SIGKILL" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	wait_gone "$run_dir" "$KILL_TIMEOUT" "${running[@]}" || die "could not stop: $(still_running "$run_dir" "${running[@]}")"
}

# wait_gone RUN_DIR SECONDS NAME...: waits until none of NAME runs; fails
# if one still does after SECONDS. Removes the pid files of those gone.
wait_gone() {
	local run_dir=$1 deadline=$((SECONDS + $2)) name left
	shift 2
	while :; do
		left=$(still_running "$run_dir" "$@")
		[[ -z $left ]] && break
		((SECONDS < deadline)) || return 1
		sleep 0.1
	done
	for name in "$@"; do rm -f -- "$run_dir/pids/$name.pid"; done
}

# still_running RUN_DIR NAME...: prints the names that still run.
still_running() {
	local run_dir=$1 name
	shift
	local -a left=()
	for name in "$@"; do
		recorded_pid "$run_dir" "$name" >/dev/null && left+=("$name")
	done
	printf '%s' "${left[*]}"
}

# json_string S: S as a JSON string (run directories with control
# characters in their path are refused by up.sh).
json_string() {
	local s=${1//\\/\\\\}
	printf '"%s"' "${s//\"/\\\"}"
}

# write_topology RUN_DIR: RUN_DIR/topology.json, for tools: the gateways'
# URLs, the Redis addresses and every process with its pid (0 when it is
# not running).
write_topology() {
	local run_dir=$1 name pid sep='' redis_sep='' redis=''
	local procs=''
	while read -r name; do
		load_proc "$run_dir" "$name"
		pid=$(recorded_pid "$run_dir" "$name") || pid=0
		procs+="$sep"$'\n    '"{\"role\":$(json_string "$role"),\"name\":$(json_string "$name"),\"mode\":$(json_string "$mode"),\"addr\":$(json_string "$addr"),\"pid\":$pid,\"log\":$(json_string "$log")}"
		sep=','
		if [[ $role == redis ]]; then
			redis+="$redis_sep$(json_string "$addr")"
			redis_sep=','
		fi
	done < <(proc_names "$run_dir")
	local gateways='' gsep='' g
	for g in "${GATEWAY_ADDRS[@]}"; do
		gateways+="$gsep$(json_string "http://$g")"
		gsep=','
	done
	printf '{\n  "gateways": [%s],\n  "redis": [%s],\n  "processes": [%s\n  ]\n}\n' \
		"$gateways" "$redis" "$procs" >"$run_dir/topology.json.tmp"
	mv -f -- "$run_dir/topology.json.tmp" "$run_dir/topology.json"
}
