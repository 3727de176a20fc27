#!/usr/bin/env python3
"""Derive expected per-file counts for the ftrace text samples, independently
of the tracetui Swift parser.

Usage:
    python3 Tests/derive-sample-counts.py /work/shared/samples          # one JSON object per file
    python3 Tests/derive-sample-counts.py /work/shared/samples --swift  # the Swift table rows
    python3 Tests/derive-sample-counts.py /work/shared/samples --explain FILE
        # every line of FILE (path relative to the samples root) with its class

Scope: every file under events/, function/, latency/, function_graph/ and
trace-cmd-report/ (perf-script/, folded/ and systrace/ are skipped).

The classification of a line follows the written rules the parser is meant to
implement (see Tests/TraceModelTests/SampleCountsTests.swift for the per-file
decisions).  Everything is done on bytes, so `\\s` means ASCII whitespace only
(space, \\t, \\n, \\r, \\f, \\v) and lines are split on b"\\n" only.

Standard library only; nothing from the project is imported.
"""

import json
import os
import re
import sys
from collections import Counter

SCOPE = ["events", "function", "latency", "function_graph", "trace-cmd-report"]

# --- header / marker lines -------------------------------------------------
RE_BUFFER_STARTED = re.compile(rb"^\s*#####\s*CPU\s+\d+\s+buffer started\s*####\s*$")
RE_TRACER = re.compile(rb"^\s*#\s*tracer:\s*(\S+)")
RE_ENTRIES = re.compile(rb"entries-in-buffer/entries-written:\s*(\d+)/(\d+)")
RE_NPROC = re.compile(rb"#P:(\d+)")
RE_LOST = re.compile(rb"^\s*(?:CPU:\d+ )?\[LOST(?: (\d+))? EVENTS\]\s*$")
RE_FRAME = re.compile(rb"^\s*=>")
RE_DASHES = re.compile(rb"^\s*-{10,}\s*$")  # function_graph context-switch rule lines
# trace-cmd report's own header lines: `version = 6`, `cpus=8`, `CPU 3 is empty`.
RE_TC_CPUS = re.compile(rb"^cpus=(\d+)\s*$")
RE_TC_HEADER = re.compile(rb"^(?:version = \d+|cpus=\d+|CPU \d+ is empty)\s*$")

# --- event lines -----------------------------------------------------------
# COMM-PID [(TGID)] [CPU] [FLAGS] TIMESTAMP: PAYLOAD
# COMM is taken lazily: the PID is the digits after the dash that is followed
# by the cpu bracket (the LAST dash before `[CPU]`).  A lazy COMM cannot run
# into the payload, which may itself contain `[120]`-like brackets.
RE_STANDARD = re.compile(
    rb"^\s*(?P<comm>.*?)-(?P<pid>\d+)\s+"
    rb"(?:\((?P<tgid>[\s\d-]*)\)\s+)?"
    rb"\[(?P<cpu>\d+)\]\s+"
    rb"(?:(?P<flags>\S{4,7})\s+)?"
    rb"(?P<ts>\d+(?:\.\d+)?):(?:\s(?P<payload>.*)|$)"
)
# Latency layout: COMM-PID  CPUFLAGS  Nus[MARK]: PAYLOAD
RE_LATENCY = re.compile(
    rb"^\s*(?P<comm>.*?)-(?P<pid>\d+)\s+"
    rb"(?P<cpu>\d+)(?P<flags>[.dDXz][^\s]{3,6})\s+"
    rb"(?P<time>\d+)us(?P<mark>[ !#*@$+]?)\s*:(?:\s(?P<payload>.*)|$)"
)

# --- payload naming ----------------------------------------------------------
RE_SYS_ENTER = re.compile(rb"^sys_(\w+)\(")
RE_SYS_EXIT = re.compile(rb"^sys_(\w+) -> 0x[0-9a-fA-F]+")
RE_FUNCTION = re.compile(rb"^[A-Za-z0-9_.$]+(?:\+0x[0-9a-fA-F]+/0x[0-9a-fA-F]+)? <-\S*$")
RE_IDENT = re.compile(rb"^([A-Za-z0-9_]+):(?:\s|$)")
RE_WAKEUP_SWITCH = re.compile(rb"^\d+:\s*\d+:\S+\s+==>\s+\[\d+\]")
RE_WAKEUP = re.compile(rb"^\d+:\s*\d+:\S+\s+\+\s+\[\d+\]")

# --- function_graph ----------------------------------------------------------
RE_FG_ABSTIME = re.compile(rb"^\s*(\d+\.\d+|\d+ us)\s+\|")
RE_FG_CPU = re.compile(rb"^\s*(\d+)\)")
RE_FG_PROC = re.compile(rb"^\s*(\S.*?-\d+)\s*\|")
RE_FG_LFLAGS = re.compile(rb"^\s*([.dDX][^\s|]{3,6})\s*\|")
RE_FG_DURATION = re.compile(rb"^\s*(?:[+!#*@$]\s*)?(?:\d+(?:\.\d+)?\s*us)?\s*\|")
RE_FG_LEAF = re.compile(rb"^[A-Za-z0-9_.$]+\(\);(?:\s*/\*.*\*/)?$")
RE_FG_COMMENT = re.compile(rb"^/\*.*\*/$")
RE_FG_SWITCH = re.compile(rb"^\S.*?-\d+\s+=>\s+\S.*?-\d+$")


# Per-file decisions where the written rules leave room (also emitted as
# comments above the Swift table rows).
NOTES = {
    "events/jhyunleehi-lk-ftrace.log-syscalls-stacktrace-cpu-buffer-started.txt":
        "entries-in-buffer 126 = 63 events + 63 <stack trace> entries (each stack is its own ring-buffer entry); overwritten = 8736572-126.",
    "events/kernel-doc-ftrace-snapshot-nop-sched_switch.txt":
        "line 15 (misaligned, 2 trailing spaces) is an event; `[...]` is unparsed.",
    "events/kernel-doc-kprobetrace-kprobe-kretprobe-unknown-comm.txt":
        "old header with no entries line: cpus nil, overwritten 0.",
    "events/perf-tools-kprobe-kretprobe-unknown-comm.txt":
        "`do_sys_open: (SyS_open+0x1e/0x20 <- do_sys_open)` is event `do_sys_open` (IDENT: wins), not `function`.",
    "events/tracecompass-trace-android-raw_syscalls-sched.txt":
        "raw_syscalls `sys_enter: NR 172 (...)` / `sys_exit: NR 172 = 0` are named `sys_enter` / `sys_exit` (IDENT: rule), not sys_enter_NAME.",
    "events/tracetui-vm-6.18-trace_pipe-lost-events.txt":
        "22 `CPU:N [LOST M EVENTS]` lines, sum 97052; no line is actually cut at a read boundary in this file.",
    "function/kernel-doc-ftrace-filter-glob-truncated-line.txt":
        "line 19 `hrtimer_force_reprogram <-__rem` (cut mid-symbol) is still a `function` event.",
    "function/perf-tools-functrace-header-linux3.16.txt":
        "entries-written 0/0 although lines follow: overwritten 0.",
    "latency/kernel-doc-ftrace-hwlat.txt":
        "`#1     inner/outer(us): ...` payloads are named after the tracer: `hwlat`.",
    "latency/kernel-doc-ftrace-irqsoff-display-graph.txt":
        "function_graph lines with `0 us |` prefix and `d... |` flags column; line 33 `bash-1507    0d..1 3792us : <stack trace>` is a latency-layout stack header even though this file has the display-graph legend, not the `cmd pid` one; `[...]` unparsed.",
    "latency/kernel-doc-timerlat-osnoise-events-7char-flags.txt":
        "no `# tracer:` line, so `#402268 context irq timer_latency ...` payloads are `text` (not `timerlat`).",
    "latency/kernel-doc-timerlat-print_stack.txt":
        "no `# tracer:` line: `#29800 context ... timer_latency` payloads are `text`; frames `=> x` have no leading space.",
    "latency/kernel-doc-ftrace-wakeup.txt":
        "`0:120:R   + [003] ...` is `wakeup`, `0:120:R ==> [003] ...` is `context_switch`; `# latency: ... #4/4` is not an entries line.",
    "function_graph/junixcn-perf-ftrace-irq-markers-context-switch.txt":
        "`==========> |` / `<========== |` are `funcgraph_irq` events; ` 2)    <idle>-0    =>  <...>-122943` is a `context_switch` event; dashed rules ignored.",
    "function_graph/kernel-doc-ftrace-funcgraph-abstime.txt":
        "no `# tracer:` line (header is only the column legend): tracer nil.",
    "function_graph/kernel-doc-ftrace-trace_printk-comment.txt":
        "`/* I'm a comment! */` is a `print` event.",
    "function_graph/perf-tools-funcgraph_example-ORIGINAL-with-prose.txt":
        "shell prompts `# ./funcgraph ...` are comments (rule 2); prose, usage text, `Tracing ...`, `^C`, `[...]` are unparsed (77); the `# tracer: function_graph` at line 247 names the whole file; events = sum of the six excerpt files.",
    "trace-cmd-report/trace-cmd-doc-report-profile-stacks.txt":
        "24 ` => func (0x...)` frames are counted although no event precedes them; `task:`, `Event:`, `<stack>` lines are unparsed (7); 0 stack blocks.",
    "trace-cmd-report/trace-cmd-doc-report-wakeup-latency-w.txt":
        "`Latency: N usecs` suffixes stay inside sched_switch payloads; `[...]` + 7 summary lines unparsed.",
    "trace-cmd-report/trace-cmd-doc-report-default-function-events-5char.txt":
        "`cpus=8` is trace-cmd's header: cpus 8; `function:` lines are `function`.",
    "trace-cmd-report/trappy-doc-trace-thermal-cpu-empty.txt":
        "`version = 6`, five `CPU N is empty`, `cpus=6` are trace-cmd's header: cpus 6.",
    "trace-cmd-report/trappy-tests-trace_idle_unsorted-tabs.txt":
        "TAB-indented comms parse; last line (payload cut after prev_pid) is still a sched_switch event.",
    "trace-cmd-report/tracecompass-trace-func-graph-funcgraph_entry-exit-raw.txt":
        "no trailing newline: 200 lines (199 events + the `cpus=8` header).",
}


def name_payload(payload, tracer):
    p = payload.strip()
    m = RE_SYS_ENTER.match(p)
    if m:
        return "sys_enter_" + m.group(1).decode()
    m = RE_SYS_EXIT.match(p)
    if m:
        return "sys_exit_" + m.group(1).decode()
    if RE_FUNCTION.match(p):
        return "function"
    m = RE_IDENT.match(p)
    if m:
        return m.group(1).decode()
    if RE_WAKEUP_SWITCH.match(p):
        return "context_switch"
    if RE_WAKEUP.match(p):
        return "wakeup"
    if tracer and tracer != "nop":
        return tracer
    return "text"


def classify_funcgraph(line):
    """Return (cpu, event-name) or None."""
    rest = line
    m = RE_FG_ABSTIME.match(rest)
    if m:
        rest = rest[m.end():]
    m = RE_FG_CPU.match(rest)
    if not m:
        return None
    cpu = int(m.group(1))
    rest = rest[m.end():]
    if b"==========>" in rest or b"<==========" in rest:
        if re.match(rb"^\s*(?:==========>|<==========)\s*\|?\s*$", rest):
            return cpu, "funcgraph_irq"
        return None
    # context-switch banner: ` 2)    <idle>-0    =>  <...>-122943`
    if b"|" not in rest:
        text = rest.strip()
        if RE_FG_SWITCH.match(text):
            return cpu, "context_switch"
    else:
        m = RE_FG_PROC.match(rest)
        if m:
            rest = rest[m.end():]
        m = RE_FG_LFLAGS.match(rest)
        if m:
            rest = rest[m.end():]
        m = RE_FG_DURATION.match(rest)
        if not m:
            return None
        rest = rest[m.end():]
        text = rest.strip()
    if not text:
        return None
    if text.endswith(b"{"):
        return cpu, "funcgraph_entry"
    if RE_FG_LEAF.match(text):
        return cpu, "funcgraph_entry"
    if text.startswith(b"}"):
        return cpu, "funcgraph_exit"
    if RE_FG_COMMENT.match(text):
        return cpu, "print"
    return None


def classify(line, tracer):
    """Return (kind, info).  kinds: ignored, buffer, header, lost, frame,
    stackhdr, event, unparsed."""
    if line.endswith(b"\r"):
        line = line[:-1]
    if not line.strip():
        return "ignored", None
    if line.lstrip().startswith(b"#"):
        if RE_BUFFER_STARTED.match(line):
            return "buffer", None
        return "header", None
    if RE_TC_HEADER.match(line):
        return "header", None
    m = RE_LOST.match(line)
    if m:
        return "lost", int(m.group(1) or 0)
    if RE_FRAME.match(line):
        return "frame", None
    for rx, layout in ((RE_STANDARD, "standard"), (RE_LATENCY, "latency")):
        m = rx.match(line)
        if m:
            payload = m.group("payload") or b""
            cpu = int(m.group("cpu"))
            if payload.strip() in (b"<stack trace>", b"<user stack trace>"):
                return "stackhdr", cpu
            return "event", (cpu, name_payload(payload, tracer), layout)
    if RE_DASHES.match(line):
        return "header", None
    fg = classify_funcgraph(line)
    if fg:
        return "event", (fg[0], fg[1], "funcgraph")
    return "unparsed", None


def summarize(data):
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    # Header facts first (the tracer name is needed to name text payloads).
    tracer = None
    cpus = None
    overwritten = 0
    for raw in lines:
        line = raw[:-1] if raw.endswith(b"\r") else raw
        m = RE_TC_CPUS.match(line)
        if m and cpus is None:
            cpus = int(m.group(1))
        if not line.lstrip().startswith(b"#"):
            continue
        m = RE_TRACER.match(line)
        if m and tracer is None:
            tracer = m.group(1).decode()
        m = RE_ENTRIES.search(line)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            overwritten += b - a if b > a else 0
        m = RE_NPROC.search(line)
        if m and cpus is None:
            cpus = int(m.group(1))
    s = {
        "tracer": tracer, "cpus": cpus, "events": 0, "by_event": Counter(),
        "by_cpu": Counter(), "unparsed": 0, "lost_events": 0,
        "overwritten": overwritten, "stack_blocks": 0, "stack_frames": 0,
        "buffer_started_markers": 0,
    }
    lost = 0
    for raw in lines:
        kind, info = classify(raw, tracer)
        if kind == "event":
            cpu, name, _ = info
            s["events"] += 1
            s["by_event"][name] += 1
            s["by_cpu"][cpu] += 1
        elif kind == "unparsed":
            s["unparsed"] += 1
        elif kind == "lost":
            lost += info
        elif kind == "frame":
            s["stack_frames"] += 1
        elif kind == "stackhdr":
            s["stack_blocks"] += 1
        elif kind == "buffer":
            s["buffer_started_markers"] += 1
    s["lost_events"] = lost + overwritten
    s["by_event"] = dict(sorted(s["by_event"].items()))
    s["by_cpu"] = {str(k): v for k, v in sorted(s["by_cpu"].items())}
    return s


def files_in_scope(root):
    out = []
    for d in SCOPE:
        full = os.path.join(root, d)
        if not os.path.isdir(full):
            continue
        for name in sorted(os.listdir(full)):
            if os.path.isfile(os.path.join(full, name)):
                out.append(d + "/" + name)
    return out


def swift_row(path, s):
    def opt_s(v):
        return "nil" if v is None else '"%s"' % v

    def opt_i(v):
        return "nil" if v is None else str(v)

    by_event = ", ".join('"%s": %d' % (k, v) for k, v in s["by_event"].items()) or ":"
    by_cpu = ", ".join("%s: %d" % (k, v) for k, v in s["by_cpu"].items()) or ":"
    note = NOTES.get(path)
    prefix = ("    // %s\n" % note) if note else ""
    return prefix + (
        "    SampleCounts(\n"
        '        path: "%s",\n'
        "        tracer: %s, cpus: %s, events: %d, unparsed: %d,\n"
        "        lostEvents: %d, overwritten: %d, stackBlocks: %d, stackFrames: %d, bufferStartedMarkers: %d,\n"
        "        byEvent: [%s],\n"
        "        byCPU: [%s]\n"
        "    ),"
    ) % (path, opt_s(s["tracer"]), opt_i(s["cpus"]), s["events"], s["unparsed"],
         s["lost_events"], s["overwritten"], s["stack_blocks"], s["stack_frames"],
         s["buffer_started_markers"], by_event, by_cpu)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = argv[1]
    if not os.path.isdir(root):
        print("samples directory not found: %s" % root, file=sys.stderr)
        return 1
    if len(argv) >= 4 and argv[2] == "--explain":
        data = open(os.path.join(root, argv[3]), "rb").read()
        tracer = summarize(data)["tracer"]
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for i, raw in enumerate(lines, 1):
            kind, info = classify(raw, tracer)
            tag = kind if kind != "event" else "event:%s@%d(%s)" % (info[1], info[0], info[2])
            print("%5d %-40s %s" % (i, tag, raw.decode("latin-1")))
        return 0
    swift = "--swift" in argv[2:]
    for path in files_in_scope(root):
        with open(os.path.join(root, path), "rb") as f:
            s = summarize(f.read())
        if swift:
            print(swift_row(path, s))
        else:
            print(json.dumps(dict(file=path, **s), sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
