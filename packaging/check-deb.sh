#!/usr/bin/env bash
# Builds the .deb, installs it with apt-get as a user would, and checks it with the Swift toolchain out of reach:
# --version, the man page, the completions, `tracetui demo` in tmux (events shown, quits on q), and that
# `dpkg -r` removes every file the package installed. Run as root (CI runs it after the tests).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-deb.sh: $*" >&2; exit 1; }
out=$(mktemp -d)
session=tracetui-check-deb-$$
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    rm -rf "$out"
}
trap cleanup EXIT

started=$SECONDS
bash packaging/build-deb.sh "$out"
echo "check-deb.sh: package built in $((SECONDS - started)) s"
debs=("$out"/tracetui_*.deb)
[[ -f ${debs[0]} ]] || fail "no tracetui_*.deb in $out"

export DEBIAN_FRONTEND=noninteractive
apt-get install -y "${debs[0]}"

# No Swift: a PATH without the toolchain, and no library of it in what the binary loads.
clean_path=/usr/sbin:/usr/bin:/sbin:/bin
run() { env -i PATH=$clean_path HOME=/root TERM=xterm-256color LANG=C.UTF-8 "$@"; }
run sh -c 'command -v swift' >/dev/null && fail "swift is still on PATH=$clean_path: the check would prove nothing"
ldd /usr/bin/tracetui | grep -q 'libswift\|libFoundation' && fail "/usr/bin/tracetui loads the Swift runtime: $(ldd /usr/bin/tracetui)"

version=$(run tracetui --version)
[[ $version =~ ^tracetui\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ [0-9a-f]{7,} ]] || fail "tracetui --version said: $version"
echo "check-deb.sh: $version"
manpage=$(run man -w tracetui) || fail "man -w tracetui found no page"
[[ $manpage == /usr/share/man/man1/tracetui.1.gz ]] || fail "man -w tracetui: $manpage"
run man -P cat tracetui 2>/dev/null | grep -q 'trace-cmd(1)' || fail "the man page has no SEE ALSO trace-cmd(1)"
for f in /usr/share/bash-completion/completions/tracetui /usr/share/zsh/vendor-completions/_tracetui \
    /usr/share/fish/vendor_completions.d/tracetui.fish; do
    [[ -s $f ]] || fail "completion $f is missing"
done
grep -q 'replay' /usr/share/bash-completion/completions/tracetui || fail "the bash completion knows no replay"

# The demo, full screen in tmux, from an unrelated directory (the recording and themes come from /usr/share).
tmux new-session -d -s "$session" -x 120 -y 40 -c / \
    "env -i PATH=$clean_path HOME=/root TERM=xterm-256color LANG=C.UTF-8 tracetui demo; echo tracetui-exited-\$?; sleep 30"
shown=
for _ in $(seq 1 150); do
    screen=$(tmux capture-pane -p -t "$session" 2>/dev/null || true)
    if grep -q 'sched_switch' <<<"$screen" && grep -q 'demo-trace.txt.zst' <<<"$screen"; then shown=1; break; fi
    sleep 0.2
done
[[ -n $shown ]] || fail "tracetui demo showed no events in 30 s; the screen was:"$'\n'"$screen"
tmux send-keys -t "$session" q
quit=
for _ in $(seq 1 50); do
    screen=$(tmux capture-pane -p -t "$session" 2>/dev/null || true)
    if grep -q 'tracetui-exited-0' <<<"$screen"; then quit=1; break; fi
    sleep 0.1
done
[[ -n $quit ]] || fail "tracetui demo did not quit with status 0 on q; the screen was:"$'\n'"$screen"
tmux kill-session -t "$session"
echo "check-deb.sh: the demo showed events and quit on q"

# Removal: every file dpkg listed is gone afterwards (directories other packages share may stay).
mapfile -t listed < <(dpkg -L tracetui)
files=()
for path in "${listed[@]}"; do [[ -f $path || -L $path ]] && files+=("$path"); done
((${#files[@]} >= 10)) || fail "dpkg -L tracetui lists only ${#files[@]} files"
dpkg -r tracetui >/dev/null
left=()
for path in "${files[@]}"; do [[ -e $path || -L $path ]] && left+=("$path"); done
((${#left[@]} == 0)) || fail "dpkg -r left: ${left[*]}"
[[ ! -e /usr/share/tracetui ]] || fail "dpkg -r left /usr/share/tracetui"
echo "check-deb.sh: dpkg -r removed all ${#files[@]} files; all checks passed in $((SECONDS - started)) s"
