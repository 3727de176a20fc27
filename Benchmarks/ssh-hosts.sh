#!/usr/bin/env bash
# Test hosts for `tracetui --host`: real network namespaces, each with a veth pair and an sshd of its own,
# reached as Host aliases of a private ssh_config. Falls back to sshd on 127.0.0.1 (a port per alias) where
# namespaces cannot be made. Nothing outside DIR and the namespaces it names is touched.
#
#   ssh-hosts.sh up DIR N     make host1..hostN; prints the ssh_config path (DIR/ssh_config)
#   ssh-hosts.sh down DIR     stop the sshds, delete the namespaces and DIR's keys
#   ssh-hosts.sh kill DIR K   kill hostK's sshd and its sessions (a dropped connection)
#   ssh-hosts.sh drop DIR K   kill hostK's sessions only: the connections drop, the host answers again
#
# All the hosts share this machine's kernel and tracefs: each remote tracetui makes an instance of its own.
set -euo pipefail
cmd=$1 dir=$2
tag=$(printf '%s' "$dir" | cksum | cut -c1-5)

up() {
    local n=$1
    mkdir -p "$dir" /run/sshd
    chmod 700 "$dir"
    ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" >/dev/null
    ssh-keygen -q -t ed25519 -N '' -f "$dir/user_key" >/dev/null
    cp "$dir/user_key.pub" "$dir/authorized_keys"
    : >"$dir/ssh_config"
    # TT_HOSTS_MODE=loopback asks for the fallback (sshds on 127.0.0.1) even where namespaces work.
    local mode=${TT_HOSTS_MODE:-netns}
    if [[ $mode == netns ]] && ! ip netns add "tth$tag-probe" 2>/dev/null; then mode=loopback
    elif [[ $mode == netns ]]; then ip netns del "tth$tag-probe"; fi
    echo "$mode" >"$dir/mode"
    for ((i = 1; i <= n; i++)); do
        local address port=22 run=()
        if [[ $mode == netns ]]; then
            local ns="tth$tag-$i" outside="tth${tag}o$i" inside="tth${tag}i$i"
            ip netns add "$ns"
            ip link add "$outside" type veth peer name "$inside"
            ip link set "$inside" netns "$ns"
            ip addr add "10.231.$i.1/30" dev "$outside"
            ip link set "$outside" up
            ip -n "$ns" addr add "10.231.$i.2/30" dev "$inside"
            ip -n "$ns" link set "$inside" up
            ip -n "$ns" link set lo up
            echo "$ns" >>"$dir/namespaces"
            address=10.231.$i.2
            # nsenter changes the network namespace only: tracefs stays mounted where it is (ip netns exec remounts /sys).
            run=(nsenter "--net=/run/netns/$ns")
        else
            address=127.0.0.1
            port=$((42200 + i + 10 * (10#$tag % 100)))
        fi
        cat >"$dir/sshd_config$i" <<CONF
ListenAddress $address:$port
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile $dir/sshd$i.pid
LogLevel ERROR
MaxSessions 30
MaxStartups 30
CONF
        "${run[@]}" /usr/sbin/sshd -f "$dir/sshd_config$i" -E "$dir/sshd$i.log"
        cat >>"$dir/ssh_config" <<CONF
Host host$i
    HostName $address
    Port $port
    User root
    IdentityFile $dir/user_key
    IdentitiesOnly yes
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    LogLevel ERROR
    ConnectTimeout 5
CONF
    done
    # Every sshd answers before this returns.
    for ((i = 1; i <= n; i++)); do
        for _ in $(seq 50); do
            ssh -F "$dir/ssh_config" -o BatchMode=yes "host$i" true 2>/dev/null && break
            sleep 0.1
        done
    done
    echo "$dir/ssh_config"
}

down() {
    for pidfile in "$dir"/sshd*.pid; do
        [[ -f $pidfile ]] || continue
        pid=$(cat "$pidfile")
        # The listener and every session it forked (their parent is the listener or one of its children).
        pkill -TERM -P "$pid" 2>/dev/null || true
        kill "$pid" 2>/dev/null || true
    done
    if [[ -f $dir/namespaces ]]; then
        while read -r ns; do ip netns del "$ns" 2>/dev/null || true; done <"$dir/namespaces"
    fi
    rm -f "$dir"/host_key* "$dir"/user_key* "$dir"/authorized_keys "$dir"/sshd* "$dir"/ssh_config "$dir"/namespaces "$dir"/mode
}

kill_host() {
    local pid
    pid=$(cat "$dir/sshd$1.pid")
    # The sessions first (sshd's children), then the listener: the host is gone, as a dropped link leaves it.
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
}

drop_sessions() {
    local pid
    pid=$(cat "$dir/sshd$1.pid")
    # The sessions (the listener's children) die, the listener stays: a link that broke and came back.
    pkill -KILL -P "$pid" 2>/dev/null || true
}

case $cmd in
up) up "${3:-3}" ;;
down) down ;;
kill) kill_host "$3" ;;
drop) drop_sessions "$3" ;;
*) echo "usage: $0 up DIR N | down DIR | kill DIR K | drop DIR K" >&2; exit 2 ;;
esac
