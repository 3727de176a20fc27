#!/usr/bin/env python3
"""Rebuild the call trees of function_graph samples WITHOUT the project's code.

An independent reading of the function_graph text layout (kernel/trace/trace_functions_graph.c)
and of the call-tree rules tracetui documents, used to write the expected numbers of
Tests/TraceModelTests/CallTreeSampleTests.swift.  Python standard library only.

Usage:
    python3 Tests/derive-funcgraph-trees.py [SAMPLES_DIR]          # a report per file
    python3 Tests/derive-funcgraph-trees.py [SAMPLES_DIR] --swift  # the Swift table rows
    python3 Tests/derive-funcgraph-trees.py [SAMPLES_DIR] --tree FILE  # one file's tree

SAMPLES_DIR defaults to ../shared/samples next to the package (or $TRACETUI_SAMPLES).

Line reading
------------
* `# ...` lines are headers, blank lines are skipped.
* ftrace's function_graph layout: `[ABSTIME | ] [REL us | ] CPU) [TASK-PID | ] [FLAGS | ]
  [DURATION] | TEXT`, where DURATION is `[mark ]N[.fff] us` with a mark in `+ ! # * @ $`, or blank
  for an opening line; the irq arrows put `==========>` / `<==========` in the duration column.
  Without the duration column (nofuncgraph-duration) the text (or an irq arrow) follows `CPU) `, or
  the ` | ` of the last proc / flags column.
* the context-switch banner `CPU) a-1 => b-2` (no `|`): later calls on that CPU belong to `b-2`.
* trace-cmd's layout `COMM-PID [CPU] TS: funcgraph_entry|funcgraph_exit: DURATION | TEXT`.
* TEXT: `f() {` opens f, `f();` (optionally followed by `/* = ret */`) is a leaf, `}` closes
  (`} /* f */` or `} /* f = ret */` names it), `/* ... */` is a comment.  Anything else: ignored.

Tree rules (per CPU)
--------------------
* `f() {` and `f();` become a child of the innermost open call on their CPU (a root if none).
* `}` closes the innermost open call and sets its total from the duration column.
* `}` with nothing open: the trace began inside that call.  A node flagged startedBefore is made,
  named from `/* f */` or `(unknown)`, with the printed duration; it adopts the preceding top-level
  nodes of its CPU (most recent first, while they are indented deeper than the `}`).
* calls still open at the end are unfinished; their total is the sum of their children's totals.
* calls made between `==========>` and `<==========` on their CPU are flagged irq.
* task: the funcgraph-proc column (or trace-cmd's COMM-PID) when the line has one, else the task
  named by the last banner on that CPU; calls before a CPU's first banner belong to the task that
  banner switches from (its left side); `-` on a CPU without banners.
* self = total - sum of the children's totals, never below 0.
"""

import json
import os
import re
import sys

IRQ, UNFINISHED, STARTED_BEFORE = 1, 2, 4

FILES = [
    "function_graph/" + name
    for name in [
        "junixcn-perf-ftrace-irq-markers-context-switch.txt",
        "kernel-doc-ftrace-basic-sys_open.txt",
        "kernel-doc-ftrace-funcgraph-abstime.txt",
        "kernel-doc-ftrace-funcgraph-proc.txt",
        "kernel-doc-ftrace-funcgraph-retval-hex.txt",
        "kernel-doc-ftrace-funcgraph-retval.txt",
        "kernel-doc-ftrace-funcgraph-tail.txt",
        "kernel-doc-ftrace-nofuncgraph-tail.txt",
        "kernel-doc-ftrace-overhead-markers.txt",
        "kernel-doc-ftrace-set_graph_function-__do_fault.txt",
        "kernel-doc-ftrace-trace_printk-comment.txt",
        "perf-tools-funcgraph-abstime-nosleeptime-vfs_read.txt",
        "perf-tools-funcgraph-do_nanosleep-context-switch.txt",
        "perf-tools-funcgraph-do_sys_open-depth3.txt",
        "perf-tools-funcgraph-header-abstime-vfs_read.txt",
        "perf-tools-funcgraph-maxdepth3-long-durations.txt",
        "perf-tools-funcgraph-noduration.txt",
        "perf-tools-funcgraph_example-ORIGINAL-with-prose.txt",
        "perf-tools-funcslower-abstime-proc-orphan-closing.txt",
        "perf-tools-funcslower-context-switch-markers.txt",
        "perf-tools-funcslower-orphan-closing-braces.txt",
    ]
] + [
    "trace-cmd-report/trace-cmd-doc-record-function_graph-irq_handler.txt",
    "latency/kernel-doc-ftrace-irqsoff-display-graph.txt",
]

# ---------------------------------------------------------------------------------------------
# Reading lines

GRAPH_PREFIX = re.compile(
    r"^\s*(?:\d+\.\d+\s*\|\s*)?"  # funcgraph-abstime: 360.774522 |
    r"(?:\d+\s+us\s*\|\s*)?"  # latency REL TIME: 3750 us |
    r"(\d+)\)(.*)$"  # CPU)
)
TRACE_CMD = re.compile(
    r"^\s*(\S.*?)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(\d+)\]\s+(?:\S+\s+)?\d+(?:\.\d+)?:\s+"
    r"(funcgraph_entry|funcgraph_exit):(.*)$"
)
DURATION = re.compile(r"^(?:[+!#*@$]\s+)?(\d+)(?:\.(\d+))?\s*us$")
PROC = re.compile(r"^\S.*-\d+$")
FLAGS = re.compile(r"^[dDXx.][Nnp.][hHsSz.][0-9.](?:[0-9a-f.])?$")


def duration_ns(text):
    m = DURATION.match(text.strip())
    if not m:
        return None
    whole = int(m.group(1)) * 1000
    frac = (m.group(2) or "")[:3].ljust(3, "0")
    return whole + int(frac)


class Line:
    """One graph line: kind in entry / leaf / exit / comment / irq_in / irq_out / switch."""

    def __init__(self, kind, cpu, lineno):
        self.kind = kind
        self.cpu = cpu
        self.lineno = lineno
        self.name = None
        self.duration = None
        self.indent = 0
        self.task = None  # from the line itself (proc column, trace-cmd comm-pid)


def classify_text(text, line):
    """Fills kind/name/indent from the function text (everything after the duration bar)."""
    stripped = text.strip()
    line.indent = len(text) - len(text.lstrip(" "))
    if not stripped:
        return None
    if stripped.startswith("}"):
        line.kind = "exit"
        m = re.match(r"^\}\s*/\*\s*([^\s(=*]+)", stripped)
        line.name = m.group(1) if m else None
        return line
    if stripped.startswith("/*"):
        line.kind = "comment"
        return line
    m = re.match(r"^([^\s(;]+)", stripped)
    name = m.group(1) if m else None
    if stripped.endswith("{"):
        line.kind = "entry"
    elif ";" in stripped[len(name or ""):]:
        line.kind = "leaf"
    else:
        return None
    line.name = name
    return line


def read_graph_line(raw, lineno):
    m = GRAPH_PREFIX.match(raw)
    if not m:
        return None
    cpu, rest = int(m.group(1)), m.group(2)
    if "|" not in rest:
        if "=>" in rest and re.search(r"\s=>\s", rest):
            line = Line("switch", cpu, lineno)
            left, right = rest.split("=>", 1)
            line.name = left.strip()  # the task switched from
            line.task = right.strip()
            return line
        # nofuncgraph-duration: " 1) " then two spaces per level
        return read_text_without_duration(rest, cpu, lineno, None)
    # Columns up to the duration column: proc, latency flags, then the duration (or blank).
    pieces = rest.split("|")
    task = None
    for i, piece in enumerate(pieces[:-1]):
        p = piece.strip()
        after = "|".join(pieces[i + 1:])
        if p == "==========>" or p == "<==========":
            line = Line("irq_in" if p.startswith("=") else "irq_out", cpu, lineno)
            return line
        if p == "" or duration_ns(p) is not None:
            line = Line(None, cpu, lineno)
            line.duration = duration_ns(p) if p else None
            line.task = task
            # the kernel prints "|  " then two spaces per level: indent counts the spaces after "|"
            return classify_text(after, line)
        if task is None and PROC.match(p):
            task = p
            continue
        if FLAGS.match(p):
            continue
        return None
    # Only proc / flags columns: nofuncgraph-duration, the text follows their " | ".
    return read_text_without_duration(pieces[-1], cpu, lineno, task)


def read_text_without_duration(rest, cpu, lineno, task):
    """Text after `CPU) ` or after the last ` | ` when there is no duration column."""
    if rest.strip() in ("==========>", "<=========="):
        return Line("irq_in" if rest.strip().startswith("=") else "irq_out", cpu, lineno)
    line = Line(None, cpu, lineno)
    line.task = task
    return classify_text(rest[1:] if rest.startswith(" ") else rest, line)


def read_trace_cmd_line(raw, lineno):
    m = TRACE_CMD.match(raw)
    if not m:
        return None
    comm, pid, cpu, payload = m.group(1).strip(), m.group(2), int(m.group(3)), m.group(5)
    if "|" not in payload:
        return None
    column, text = payload.split("|", 1)
    line = Line(None, cpu, lineno)
    if column.strip():
        line.duration = duration_ns(column)
        if line.duration is None:
            return None
    line.task = "%s-%s" % (comm, pid)
    return classify_text(text, line)


def read_lines(path):
    out = []
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", errors="replace")
    for lineno, raw in enumerate(data.split("\n"), 1):
        raw = raw.rstrip("\r")
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        line = read_graph_line(raw, lineno) or read_trace_cmd_line(raw, lineno)
        if line is not None:
            out.append(line)
    return out


# ---------------------------------------------------------------------------------------------
# Building the tree


class Node:
    __slots__ = ("id", "name", "parent", "children", "total", "flags", "cpu", "task", "line", "first")

    def __init__(self, nid, name, cpu, task, flags, line):
        self.id = nid
        self.name = name
        self.parent = None
        self.children = []
        self.total = 0
        self.flags = flags
        self.cpu = cpu
        self.task = task
        self.line = line  # the line that made the node
        self.first = line  # its earliest line in the file (adopted children come first)


def build(lines):
    nodes = []
    stacks, loose, irq_depth, banner_task = {}, {}, {}, {}
    before_banner = {}  # per CPU: nodes without a task of their own, made before its first banner

    def new(name, cpu, task, flags, lineno):
        n = Node(len(nodes), name, cpu, task, flags, lineno)
        nodes.append(n)
        return n

    for line in lines:
        c = line.cpu
        stack = stacks.setdefault(c, [])
        roots = loose.setdefault(c, [])
        if line.kind == "switch":
            if c not in banner_task:
                for n in before_banner.pop(c, []):
                    n.task = line.name or "-"
            banner_task[c] = line.task
            continue
        if line.kind == "irq_in":
            irq_depth[c] = irq_depth.get(c, 0) + 1
            continue
        if line.kind == "irq_out":
            irq_depth[c] = max(0, irq_depth.get(c, 0) - 1)
            continue
        if line.kind == "comment":
            continue
        task = line.task or banner_task.get(c, "-")
        flags = IRQ if irq_depth.get(c, 0) > 0 else 0
        def note(n):
            if line.task is None and c not in banner_task:
                before_banner.setdefault(c, []).append(n)

        if line.kind in ("entry", "leaf"):
            n = new(line.name, c, task, flags, line.lineno)
            note(n)
            if stack:
                n.parent = stack[-1]
                stack[-1].children.append(n)
            else:
                roots.append((n, line.indent))
            if line.kind == "entry":
                stack.append(n)
            else:
                n.total = line.duration or 0
        elif line.kind == "exit":
            if stack:
                n = stack.pop()
                n.total = line.duration or 0
                continue
            n = new(line.name or "(unknown)", c, task, flags | STARTED_BEFORE, line.lineno)
            note(n)
            n.total = line.duration or 0
            adopted = []
            while roots and roots[-1][1] > line.indent:
                child = roots.pop()[0]
                child.parent = n
                adopted.append(child)
            n.children = list(reversed(adopted))
            if n.children:
                n.first = n.children[0].first
            roots.append((n, line.indent))

    for stack in stacks.values():
        for n in stack:
            n.flags |= UNFINISHED

    def settle(n):
        for ch in n.children:
            settle(ch)
        if n.flags & UNFINISHED:
            n.total = max(n.total, sum(ch.total for ch in n.children))

    roots = sorted((n for n in nodes if n.parent is None), key=lambda n: (n.first, n.id))
    for r in roots:
        settle(r)
    for n in nodes:
        n.children.sort(key=lambda ch: (ch.first, ch.id))
    return nodes, roots


def self_time(n):
    return max(0, n.total - sum(ch.total for ch in n.children))


def summarize(nodes, roots):
    funcs = {}
    for n in nodes:
        f = funcs.setdefault(n.name, [0, 0, 0])
        f[0] += 1
        f[1] += n.total
        f[2] += self_time(n)
    return {
        "nodes": len(nodes),
        "roots": len(roots),
        "irq": sum(1 for n in nodes if n.flags & IRQ),
        "unfinished": sum(1 for n in nodes if n.flags & UNFINISHED),
        "startedBefore": sum(1 for n in nodes if n.flags & STARTED_BEFORE),
        "tasks": sorted({n.task for n in nodes}),
        "functions": funcs,
    }


def top(funcs, k=5):
    return sorted(funcs.items(), key=lambda kv: (-kv[1][0], kv[0]))[:k]


def print_tree(nodes, roots):
    flag_names = [(IRQ, "irq"), (UNFINISHED, "unfinished"), (STARTED_BEFORE, "startedBefore")]

    def visit(n, depth):
        marks = ",".join(name for bit, name in flag_names if n.flags & bit)
        print("%s%s  total=%d self=%d cpu=%d task=%s line=%d%s" % (
            "  " * depth, n.name, n.total, self_time(n), n.cpu, n.task, n.line,
            " [" + marks + "]" if marks else ""))
        for ch in n.children:
            visit(ch, depth + 1)

    for r in roots:
        visit(r, 0)


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.environ.get("TRACETUI_SAMPLES") or os.path.normpath(os.path.join(here, "..", "..", "shared", "samples"))
    if args and os.path.isdir(args[0]):
        root = args.pop(0)
    if "--tree" in argv:
        nodes, roots = build(read_lines(os.path.join(root, args[0])))
        print_tree(nodes, roots)
        return
    for rel in FILES:
        nodes, roots = build(read_lines(os.path.join(root, rel)))
        s = summarize(nodes, roots)
        if "--swift" in argv:
            rows = ",\n            ".join(
                "%s: .init(calls: %d, total: %d, selfTime: %d)" % (swift_string(name), v[0], v[1], v[2])
                for name, v in top(s["functions"]))
            print("    CallTreeExpectation(")
            print("        path: %s," % swift_string(rel))
            print("        nodes: %d, roots: %d, irq: %d, unfinished: %d, startedBefore: %d," % (
                s["nodes"], s["roots"], s["irq"], s["unfinished"], s["startedBefore"]))
            print("        tasks: [%s]," % ", ".join(swift_string(t) for t in s["tasks"]))
            print("        topFunctions: [\n            %s,\n        ]" % rows if rows else "        topFunctions: [:]")
            print("    ),")
        elif "--json" in argv:
            print(json.dumps({"path": rel, **s}))
        else:
            print("== %s" % rel)
            print("   nodes %d  roots %d  irq %d  unfinished %d  startedBefore %d  tasks %s" % (
                s["nodes"], s["roots"], s["irq"], s["unfinished"], s["startedBefore"], s["tasks"]))
            for name, (calls, total, self_ns) in sorted(s["functions"].items(), key=lambda kv: (-kv[1][0], kv[0])):
                print("   %6d calls  %14d ns total  %14d ns self  %s" % (calls, total, self_ns, name))


if __name__ == "__main__":
    main(sys.argv)
