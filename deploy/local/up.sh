#!/usr/bin/env bash
#
# up.sh RUN_DIR [--cluster] [--speed N] [--replicas N]
#
# Starts a production-shaped trackgate deployment on loopback, everything
# under RUN_DIR (a new or empty directory):
#
#   - one redis-server (with --cluster: a 3-master Redis Cluster), on free
#     ports, with append-only files so a restarted Redis keeps its data;
#   - one courier host process per simulated courier, each with its own
#     keys: sim-swift (push), sim-panda (push, phone_last4), sim-global
#     (pull), on free ports. All three simulate one world on one clock
#     (same seed, start and wall_start); --speed sets how many simulated
#     seconds pass per second (default 60). Push hosts publish to gateway 1;
#     gateway 2 serves the same records from the shared Redis. With
#     --replicas N (default 1) each courier runs N host processes with the
#     same keys, listed under the courier's hosts in the gateway config: the
#     first is named after the courier, the others COURIER-r2 … COURIER-rN;
#     push replicas each publish their partition of the parcels, from an
#     outbox of their own;
#   - two gateways, on 127.0.0.1:18081 and 127.0.0.1:18082, sharing Redis.
#
# It returns once every process answers and one parcel of each courier
# can be tracked through gateway 1, then prints the gateways and a few
# numbers to track. Files for tools: RUN_DIR/samples.json (sample parcels,
# as /v1/demo/parcels gives them) and RUN_DIR/topology.json (addresses,
# pids, logs). Configs are under RUN_DIR/config (derived from
# gateway.example.yaml and courier.example.yaml beside this script, the
# starting point for a real deployment), keys under RUN_DIR/keys, logs
# under RUN_DIR/logs, pids under RUN_DIR/pids.
#
# Stop everything with down.sh RUN_DIR; stop or restart single processes
# with down.sh RUN_DIR NAME… and start.sh RUN_DIR NAME….
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$here/../.." && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

usage="usage: ${0##*/} RUN_DIR [--cluster] [--speed N] [--replicas N]"
run_dir='' cluster=false speed=60 replicas=1
while (($# > 0)); do
	case $1 in
	--cluster) cluster=true ;;
	--speed)
		(($# >= 2)) || die "--speed needs a number; $usage"
		speed=$2
		shift
		;;
	--speed=*) speed=${1#--speed=} ;;
	--replicas)
		(($# >= 2)) || die "--replicas needs a number; $usage"
		replicas=$2
		shift
		;;
	--replicas=*) replicas=${1#--replicas=} ;;
	-h | --help)
		say "$usage"
		exit 0
		;;
	-*) die "unknown option $1; $usage" ;;
	*)
		[[ -z $run_dir ]] || die "one RUN_DIR only; $usage"
		run_dir=$1
		;;
	esac
	shift
done
[[ -n $run_dir ]] || die "$usage"
[[ $speed =~ ^[0-9]+([.][0-9]+)?$ && ! $speed =~ ^0+([.]0+)?$ ]] || die "--speed $speed is not a positive number"
[[ $replicas =~ ^[1-8]$ ]] || die "--replicas $replicas is not a number of host processes per courier from 1 to 8"
[[ $run_dir != *[[:cntrl:]]* ]] || die "RUN_DIR must not hold control characters"

# Tools, each missing one named with its fix.
go_cmd=${GO:-go}
command -v "$go_cmd" >/dev/null || die "Go is not installed (no '$go_cmd' on PATH); install Go from https://go.dev/dl/ (see the README), or set GO to its path"
for tool in redis-server redis-cli; do
	command -v "$tool" >/dev/null || die "$tool is not installed; install the Debian package redis-server (it brings redis-tools with redis-cli), e.g. with 'make tools' as root"
done
for gw in "${GATEWAY_ADDRS[@]}"; do
	! port_in_use "${gw##*:}" || die "$gw is already in use, and the gateways of the local topology must listen there; stop whatever listens on it (a topology still up? deploy/local/down.sh ITS_RUN_DIR) and try again"
done

mkdir -p -- "$run_dir"
run_dir=$(run_dir_abs "$run_dir")
[[ -z $(ls -A -- "$run_dir") ]] || die "$run_dir is not empty; give a new directory (after down.sh, remove an old one with rm -r)"
mkdir -p -- "$run_dir"/{bin,keys,config,logs,pids,procs,state}
started_at=$SECONDS

# From here on a failure stops whatever was started; logs stay.
up_ok=false
on_exit() {
	if ! $up_ok; then
		mapfile -t names < <(proc_names "$run_dir")
		if ((${#names[@]} > 0)); then
			stop "$run_dir" "${names[@]}" || true
		fi
		printf '%s: failed; stopped what it had started. Logs: %s/logs\n' "${0##*/}" "$run_dir" >&2
	fi
}
trap on_exit EXIT

say "Building trackgate into $run_dir/bin …"
(cd -- "$repo" && "$go_cmd" build -o "$run_dir/bin/trackgate" ./cmd/trackgate) || die "go build ./cmd/trackgate failed"
tg=$run_dir/bin/trackgate

# --- keys -----------------------------------------------------------------
# public_key_of OUTPUT: the public key 'keys gen --kind signing' printed.
public_key_of() { awk '$1 == "public_key:" { print $2; exit }' <<<"$1"; }

gateway_pub=$(public_key_of "$("$tg" keys gen --out "$run_dir/keys/gateway" --kind signing)")
# The key log's checkpoint key: both gateways sign the log's checkpoints
# with it.
"$tg" keys gen --out "$run_dir/keys/keylog" --kind signing >/dev/null
# Both gateways pad bucket answers with the same dummies: they share one
# padding secret (32 random bytes in hex), handed over in the environment.
padding_secret=$run_dir/keys/gateway/padding.secret
(umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$padding_secret")
couriers=(sim-swift sim-panda sim-global)
declare -A courier_mode=([sim-swift]=push [sim-panda]=push [sim-global]=pull)
declare -A courier_factor=([sim-swift]=none [sim-panda]=phone_last4 [sim-global]=none)
declare -A courier_pub=()
for c in "${couriers[@]}"; do
	"$tg" keys gen --out "$run_dir/keys/$c/oprf" --kind oprf >/dev/null
	# Every host signs its answers, pull hosts too.
	courier_pub[$c]=$(public_key_of "$("$tg" keys gen --out "$run_dir/keys/$c" --kind signing)")
done
# replica_names COURIER: the names of its host processes, first to last.
replica_names() {
	local i
	printf '%s\n' "$1"
	for ((i = 2; i <= replicas; i++)); do printf '%s-r%d\n' "$1" "$i"; done
}
for c in "${couriers[@]}"; do
	if [[ ${courier_mode[$c]} == push ]]; then
		while read -r r; do mkdir -p -- "$run_dir/state/$r"; done < <(replica_names "$c")
	fi
done

# --- ports ----------------------------------------------------------------
# Below the kernel's ephemeral range, so no outgoing connection takes one
# between choosing it and binding it.
taken=" ${GATEWAY_ADDRS[*]##*:} "
# alloc_port: sets port to a port free a moment ago and not given before.
alloc_port() {
	local tries
	for ((tries = 0; tries < 200; tries++)); do
		port=$((20000 + RANDOM % 12000))
		if [[ $taken != *" $port "* ]] && ! port_in_use "$port"; then
			taken+="$port "
			return 0
		fi
	done
	die "found no free port on 127.0.0.1 from 20000 to 31999"
}

# --- redis ----------------------------------------------------------------
redis_names=()
redis_addrs=()
add_redis() { # NAME PORT [EXTRA ARGS…]
	local name=$1 port=$2 dir=$run_dir/$1
	shift 2
	mkdir -p -- "$dir"
	local check=redis redis_mode=standalone
	if $cluster; then
		check=redis-cluster redis_mode=cluster
	fi
	record_proc "$run_dir" "$name" redis "$redis_mode" "127.0.0.1:$port" "$check" "$dir" \
		"$(command -v redis-server)" --bind 127.0.0.1 --port "$port" --dir "$dir" \
		--appendonly yes --save '' --daemonize no "$@"
	redis_names+=("$name")
	redis_addrs+=("127.0.0.1:$port")
}
if $cluster; then
	for i in 1 2 3; do
		alloc_port
		bus=$port
		alloc_port
		add_redis "redis-$i" "$port" --cluster-enabled yes --cluster-config-file nodes.conf \
			--cluster-node-timeout 2000 --cluster-port "$bus"
	done
else
	alloc_port
	add_redis redis "$port"
fi

# --- configs --------------------------------------------------------------
declare -A courier_port=() # by host process name
for c in "${couriers[@]}"; do
	while read -r r; do
		alloc_port
		courier_port[$r]=$port
	done < <(replica_names "$c")
done

# The simulated clock: 10:00 today in China, when couriers are out, at the
# moment the hosts start. Every host gets the same values.
sim_seed=1 sim_parcels=3000
sim_start="$(TZ=UTC-8 date +%Y-%m-%d)T10:00:00+08:00"
sim_wall_start=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# Configs live in RUN_DIR/config and name keys and state by paths relative
# to it (../keys/…), as the examples do relative to theirs.
gateway_config=$run_dir/config/gateway.yaml
redis_list=$(IFS=,; printf '%s' "${redis_addrs[*]}" | sed 's/,/, /g')
sed_args=(
	-e "s|^listen: .*|listen: ${GATEWAY_ADDRS[0]}|"
	-e "s|^signing_key: keys/|signing_key: ../keys/|"
	-e "s|^  key: keys/keylog/|  key: ../keys/keylog/|"
	-e "s|^  addrs: \[.*\]|  addrs: [$redis_list]|"
	-e "s|^  # padding_secret_env: |  padding_secret_env: |"
)
for c in "${couriers[@]}"; do
	block="/^  - id: $c([[:space:]]|\$)/,/^  - id: /"
	if ((replicas == 1)); then
		sed_args+=(-e "${block}s|^    host: .*|    host: http://127.0.0.1:${courier_port[$c]}|")
	else
		host_list=$(replica_names "$c" | while read -r r; do printf 'http://127.0.0.1:%s, ' "${courier_port[$r]}"; done)
		sed_args+=(-e "${block}s|^    host: .*|    hosts: [${host_list%, }]|")
	fi
	sed_args+=(-e "${block}s|REPLACE-WITH-THE-COURIER-HOSTS-SIGNING-PUBLIC-KEY|${courier_pub[$c]}|")
done
sed -E "${sed_args[@]}" "$here/gateway.example.yaml" >"$gateway_config"

# write_courier_config COURIER REPLICA INDEX: the host file of one replica
# (INDEX from 0); its outbox is its own, its keys the courier's.
write_courier_config() {
	local c=$1 r=$2 index=$3
	sed_args=(
		-e "s|sim-swift|$c|g"
		-e "s|^outbox: state/$c/|outbox: ../state/$r/|"
		-e "s|^listen: .*|listen: 127.0.0.1:${courier_port[$r]}|"
		-e "s|^mode: .*|mode: ${courier_mode[$c]}|"
		-e "s|^factor: .*|factor: ${courier_factor[$c]}|"
		-e "s|^    seed: .*|    seed: \"$sim_seed\"|"
		-e "s|^    parcels: .*|    parcels: \"$sim_parcels\"|"
		-e "s|^    speed: .*|    speed: \"$speed\"|"
		-e "s|^    # start: .*|    start: \"$sim_start\"|"
		-e "s|^    # wall_start: .*|    wall_start: \"$sim_wall_start\"|"
		-e "s|^oprf_keys: keys/|oprf_keys: ../keys/|"
		-e "s|^signing_key: keys/|signing_key: ../keys/|"
		-e "s|^outbox: state/|outbox: ../state/|"
		-e "s|^  url: .*|  url: http://${GATEWAY_ADDRS[0]}|"
		-e "s|^  public_key: .*|  public_key: $gateway_pub|"
	)
	if [[ ${courier_mode[$c]} == pull ]]; then
		sed_args+=(-e '/^  url:/d' -e '/^  # Where records are published/d' -e '/^  # gateway is on loopback/d' -e '/^outbox:/d')
	elif ((replicas > 1)); then
		sed_args+=(-e "s|^# partition:|partition:|" -e "s|^#   index: .*|  index: $index|" -e "s|^#   count: .*|  count: $replicas|")
	fi
	sed "${sed_args[@]}" "$here/courier.example.yaml" >"$run_dir/config/$r.yaml"
}
for c in "${couriers[@]}"; do
	index=0
	while read -r r; do
		write_courier_config "$c" "$r" "$index"
		index=$((index + 1))
	done < <(replica_names "$c")
done

# A changed example must not leave a placeholder or a default behind.
for f in "$run_dir"/config/*.yaml; do
	! grep -n 'REPLACE-WITH' -- "$f" >&2 || die "$f still holds a placeholder; the example beside up.sh changed in a way up.sh does not know"
done
grep -q '^  padding_secret_env: ' -- "$gateway_config" ||
	die "gateway.example.yaml lost its '# padding_secret_env:' line, which up.sh fills in"
grep -q '^  key: \.\./keys/keylog/signing\.key$' -- "$gateway_config" ||
	die "gateway.example.yaml lost its key_log key line, which up.sh points at the key it makes"
grep -q '^    wall_start: ' -- "$run_dir/config/sim-swift.yaml" ||
	die "courier.example.yaml lost its '# wall_start:' line, which up.sh fills in"
if ((replicas > 1)); then
	grep -q '^  count: ' -- "$run_dir/config/sim-swift.yaml" ||
		die "courier.example.yaml lost its commented partition block, which up.sh fills in for --replicas"
	grep -q '^    hosts: \[' -- "$gateway_config" ||
		die "gateway.example.yaml lost a courier's 'host:' line, which up.sh turns into hosts for --replicas"
fi

# --- processes ------------------------------------------------------------
mapfile -t hosts < <(for c in "${couriers[@]}"; do replica_names "$c"; done)
for c in "${couriers[@]}"; do
	while read -r r; do
		record_proc "$run_dir" "$r" courier "${courier_mode[$c]}" "127.0.0.1:${courier_port[$r]}" http:/healthz "$run_dir" \
			"$tg" courier --config "$run_dir/config/$r.yaml"
	done < <(replica_names "$c")
done
# The secret goes through the environment, not the command line.
with_padding_secret=(sh -c 'TRACKGATE_PADDING_SECRET=$(cat -- "$0") && export TRACKGATE_PADDING_SECRET && exec "$@"' "$padding_secret")
record_proc "$run_dir" gateway-1 gateway "" "${GATEWAY_ADDRS[0]}" http:/readyz "$run_dir" \
	"${with_padding_secret[@]}" "$tg" serve --config "$gateway_config"
record_proc "$run_dir" gateway-2 gateway "" "${GATEWAY_ADDRS[1]}" http:/readyz "$run_dir" \
	"${with_padding_secret[@]}" "$tg" serve --config "$gateway_config" --addr "${GATEWAY_ADDRS[1]}"

deadline=$((SECONDS + READY_TIMEOUT))
say "Starting Redis ($($cluster && echo "3-master cluster" || echo "one server")) …"
for name in "${redis_names[@]}"; do launch "$run_dir" "$name"; done
if $cluster; then
	# Each node answers PING first; then they are joined into one cluster.
	for name in "${redis_names[@]}"; do
		load_proc "$run_dir" "$name"
		until [[ $(redis-cli -h 127.0.0.1 -p "${addr##*:}" ping 2>/dev/null) == PONG ]]; do
			recorded_pid "$run_dir" "$name" >/dev/null || die "$name exited; the end of $log:"$'\n'"$(tail -n 20 -- "$log")"
			((SECONDS < deadline)) || die "$name did not answer PING within ${READY_TIMEOUT} s"
			sleep 0.1
		done
	done
	redis-cli --cluster create "${redis_addrs[@]}" --cluster-replicas 0 --cluster-yes \
		>"$run_dir/logs/redis-cluster-create.log" 2>&1 ||
		die "redis-cli --cluster create failed; see $run_dir/logs/redis-cluster-create.log"
fi
wait_ready "$run_dir" "$deadline" "${redis_names[@]}"

# Courier hosts before gateways: a gateway assembles its directory from
# the hosts' keys when it starts. Push hosts retry until gateway 1 is up.
say "Starting courier hosts …"
for h in "${hosts[@]}"; do launch "$run_dir" "$h"; done
wait_ready "$run_dir" "$deadline" "${hosts[@]}"

say "Starting gateways …"
launch "$run_dir" gateway-1
launch "$run_dir" gateway-2
wait_ready "$run_dir" "$deadline" gateway-1 gateway-2
write_topology "$run_dir"

"$tg" simulator samples --seed "$sim_seed" --parcels "$sim_parcels" --speed "$speed" \
	--start "$sim_start" --wall-start "$sim_wall_start" --per-courier 3 >"$run_dir/samples.json"

# samples: "courier number factor" lines, read from samples.json.
samples=$(tr -d ' \n' <"$run_dir/samples.json" | grep -o '{[^{}]*}' |
	sed -E 's/.*"courier":"([^"]*)".*"tracking_number":"([^"]*)".*"factor":"([^"]*)".*/\1 \2 \3/')
track_args() { # NUMBER FACTOR
	printf '%s\n' "$1"
	[[ -z $2 ]] || printf -- '--factor\n%s\n' "$2"
}

# A client of this deployment keeps what it saw of the key log in
# RUN_DIR/client (the deployment's log key is new with every up.sh; a
# client's default state, per gateway URL, would hold an older one).
client_state=$run_dir/client/keylog-state.json
mkdir -p -- "$run_dir/client"

# Ready means usable: the first sample of each courier is tracked through
# gateway 1 (push records have gone through the outbox, the pull host
# answers), retried until the deadline.
say "Tracking one parcel of each courier …"
for c in "${couriers[@]}"; do
	read -r _ number factor < <(grep "^$c " <<<"$samples" | head -n 1) || die "samples.json lists no parcel of $c"
	mapfile -t args < <(track_args "$number" "$factor")
	until out=$("$tg" track "${args[@]}" --gateway "http://${GATEWAY_ADDRS[0]}" --keylog-state "$client_state" --timeout 5s 2>&1 >/dev/null); do
		((SECONDS < deadline)) || die "a parcel of $c could not be tracked through gateway 1 within ${READY_TIMEOUT} s: $out"
		sleep 0.5
	done
done

up_ok=true
say ""
say "trackgate local topology up in $((SECONDS - started_at)) s: $run_dir"
say "  gateways:   http://${GATEWAY_ADDRS[0]}  http://${GATEWAY_ADDRS[1]}"
say "  redis:      ${redis_addrs[*]} ($($cluster && echo "3-master cluster" || echo "one server"))"
for c in "${couriers[@]}"; do
	ports=$(replica_names "$c" | while read -r r; do printf '127.0.0.1:%s ' "${courier_port[$r]}"; done)
	line=$(printf '  %-11s %s host' "$c:" "${courier_mode[$c]}")
	((replicas == 1)) || line+=" ×$replicas"
	line+=" on ${ports% }"
	[[ ${courier_mode[$c]} == push ]] && line+=", publishing to gateway 1"
	say "$line"
done
say ""
say "Sample parcels to track (all in $run_dir/samples.json):"
while read -r c number factor; do
	line="  $tg track $number"
	[[ -z $factor ]] || line+=" --factor $factor"
	say "$line --gateway http://${GATEWAY_ADDRS[1]} --keylog-state $client_state"
done < <(awk '!seen[$1]++' <<<"$samples")
say ""
say "Topology for tools: $run_dir/topology.json; logs: $run_dir/logs"
say "Stop it with: $here/down.sh $run_dir"
