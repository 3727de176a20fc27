#!/usr/bin/env bash
# Writes tracetui(1) to $1: swift-argument-parser's generate-manual (the command line: every subcommand, option
# and its help, from the same definitions as --help) followed by what the parser does not know: the keys (from
# `tracetui keys`, the keymap itself), FILES, EXAMPLES and SEE ALSO.
# Usage: packaging/manpage.sh OUT.1 [TRACETUI_BINARY]   (the binary gives the key table; default: the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1
binary=${2:-}
date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)

# The plugin builds the package's products and runs generate-manual on them: in debug, which the tests have built
# already (its default, release, would relink .build/release/tracetui without --static-swift-stdlib).
swift package --allow-writing-to-package-directory generate-manual --configuration debug --date "$date" \
    --authors "the tracetui authors" >/dev/null
generated=$(find .build/plugins -path '*GenerateManual*' -name tracetui.1 -newer Package.swift | head -n 1)
[[ -n $generated ]] || generated=$(find .build/plugins -path '*GenerateManual*' -name tracetui.1 | head -n 1)
[[ -n $generated ]] || { echo "manpage.sh: generate-manual wrote no tracetui.1" >&2; exit 1; }
[[ -n $binary ]] || binary=$(swift build --show-bin-path)/tracetui

# mdoc text: a line must not start with . or ' (a request), backslashes are escapes.
escape() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

{
    # generate-manual ends with its AUTHORS section: ours go before it, in the order man-pages(7) gives.
    awk '/^\.Sh AUTHORS/ { exit } /^$/ { print ".Pp"; next } { print }' "$generated"
    echo ".Sh KEYS"
    echo "In the viewer; the same list as the ? screen and"
    echo ".Nm tracetui keys ."
    echo ".Bl -tag -width Ds -compact"
    "$binary" keys | awk -F' \\| ' 'NR > 2 {
        keys = $1; sub(/^\| */, "", keys); gsub(/`/, "", keys)
        action = $3; sub(/ *\|$/, "", action)
        printf "%s\t%s\t%s\n", keys, $2, action }' |
        while IFS=$'\t' read -r keys where action; do
            printf '.It Sy %s\n' "$(escape <<<"$keys")"
            printf '(%s) %s\n' "$where" "$(escape <<<"$action")"
        done
    echo ".El"
    cat <<'MDOC'
.Sh ENVIRONMENT
.Bl -tag -width Ds
.It Ev TRACETUI_THEMES
A directory searched first for
.Fl -theme Ar NAME Ns .theme .
.It Ev NO_COLOR
When set and not empty, the viewer uses attributes only, no colours.
.It Ev TERM
The terminal's terminfo entry (the viewer needs one).
.El
.Sh FILES
.Bl -tag -width Ds
.It Pa /usr/share/tracetui/themes/*.theme
The themes: dark (the default), light, mono, ansi16.
A theme maps each colour role to colours, one role a line.
.It Pa /usr/share/tracetui/demo/
The recording
.Nm tracetui demo
opens, with its CPU samples
.Pa ( demo-trace.txt.zst.perf )
and /proc samples
.Pa ( demo-trace.txt.zst.proc ) .
.It Pa FILE.proc
/proc samples beside a trace (written by
.Nm tracetui record ,
by
.Ic w
in live mode and by
.Nm tracetui dstat Fl -output ) ;
.Nm tracetui replay Ar FILE
shows them in the system panes.
.It Pa FILE.perf
CPU samples beside a trace written by
.Nm tracetui record Fl -sample ;
opened with
.Ar FILE .
.It Pa /sys/kernel/tracing
tracefs: live mode and
.Nm record
trace in an instance of their own,
.Pa instances/tracetui-PID ,
removed on exit.
.It Pa /run/lock/tracetui-tracefs.lock
Held while tracetui lists events or adds and removes probes.
.El
.Sh EXIT STATUS
0 on success; 1 for an input that cannot be read or an invalid option;
.Nm tracetui stat Fl - Ar COMMAND
exits with the command's status.
.Sh EXAMPLES
Open the bundled recording (no root needed):
.Dl tracetui demo
Trace the machine live, with CPU sampling:
.Dl sudo tracetui --sample
Record a command's scheduler and syscall events and samples, then open them:
.Dl sudo tracetui record -o build.txt -e sched -e 'syscalls:*' -F 499 -- make -j2
.Dl tracetui replay build.txt
Open a trace.dat, a perf.data or a compressed ftrace log:
.Dl tracetui replay trace.dat
.Dl tracetui replay perf.data
.Dl tracetui replay ftrace.log.zst
The hotspots as text, like perf report --stdio:
.Dl tracetui report perf.data --sort comm,dso,symbol
Folded stacks for flamegraph.pl:
.Dl tracetui dump perf.data --format folded -o out.folded
Scheduling delay and syscall times per task:
.Dl tracetui latency trace.dat
.Sh SEE ALSO
.Xr perf 1 ,
.Xr trace-cmd 1 ,
.Xr uftrace 1 ,
.Xr perf-report 1 ,
.Xr trace-cmd-record 1
MDOC
    awk '/^\.Sh AUTHORS/ { on = 1 } on { print }' "$generated"
} >"$out"
