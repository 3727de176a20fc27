#!/usr/bin/env python3
"""Derive expected hotspot numbers for the samples WITHOUT the project's code.

Used to write the expected values of Tests/TraceModelTests/HotspotSampleTests.swift.
Python standard library only (the function_graph part reuses derive-funcgraph-trees.py, itself
independent of the Swift code).

Usage:
    python3 Tests/derive-hotspots.py [SAMPLES_DIR]          # a readable report
    python3 Tests/derive-hotspots.py [SAMPLES_DIR] --swift  # the Swift table rows

Rules
-----
perf script text (perf-script/): blank lines end a sample; `#` lines are comments.  A header is
`COMM PID[/TID] [[CPU]] [SEC.FRAC:] [PERIOD] EVENT: ...` (regex below: the comm is the shortest
prefix that lets the rest match).  Inside a sample an indented line, or an unindented one that is
not a header, of the form `HEX TEXT` is a frame; TEXT is `SYM[+0xOFF] (DSO)` split at the last ` (`.
A `[unknown]` symbol in a DSO that is not `[...]` is named `[basename(DSO)]`.
A sample counts when it has at least one frame; its weight is its PERIOD when the column is there.
Entries (perf report, --sort comm,dso,symbol): self = weight of samples whose first (innermost) frame
is the entry; children = weight of samples with the entry anywhere in the chain, once per sample.
Ordered by children (self without children) descending, ties in order of first appearance
(samples in file order, frames innermost first).

ftrace stacks: each `<stack trace>` block with `=> FUNC` frames is one sample of weight 1, comm from
the `<stack trace>` line, dso `[kernel.kallsyms]`, offsets `+0x../0x..` dropped.

function_graph: calls, total, self, max and min per function from derive-funcgraph-trees.py's tree.

folded (folded/): UTF-16 with BOM decoded; lines `FRAMES COUNT` (COUNT all digits after the last
space) count; `#` and `//` lines and blank lines are skipped; anything else is invalid.
"""

import importlib.util
import os
import re
import sys

PERF_FILES = [
    "perf-script/flamegraph-test-perf-dd-stacks-01.txt",
    "perf-script/flamegraph-test-perf-iperf-stacks-pidtid-01.txt",
    "perf-script/flamegraph-test-perf-java-stacks-02.txt",
    "perf-script/flamegraph-test-perf-rust-Yamakaky-dcpu.txt",
    "perf-script/speedscope-linux-perf-simple-with-header.txt",
    "perf-script/speedscope-linux-perf-system-wide.txt",
    "perf-script/flamegraph-test-perf-js-stacks-01.txt",
    "perf-script/flamegraph-example-perf-stacks-TRUNCATED.txt",
    "perf-script/traceshark-4cpu-ramload-tracepoints-callchains-TRUNCATED.txt",
]
STACK_FILES = [
    "events/perf-tools-kprobe-stacktrace.txt",
    "events/perf-tools-tpoint-block_rq_issue-stacktrace.txt",
]
GRAPH_FILES = [
    "function_graph/perf-tools-funcgraph-do_sys_open-depth3.txt",
    "function_graph/perf-tools-funcgraph-maxdepth3-long-durations.txt",
]
FOLDED_DIR = "folded"

HEADER = re.compile(
    rb"^\s*(\S.*?)\s+(\d+)(?:/(\d+))?\s+(?:\[(\d+)\]\s+)?(?:(\d+\.\d+):\s+)?(?:(\d+)\s+)?(\S*[^\s:]):(?:\s|$)")
FRAME = re.compile(rb"^\s*([0-9a-fA-F]+)\s+(\S.*?)\s*$")
OFFSET = re.compile(r"\+0x[0-9a-fA-F]+$")


def split_symbol(text):
    sym, dso = text, "[unknown]"
    if text.endswith(")") and " (" in text:
        i = text.rfind(" (")
        sym, dso = text[:i], text[i + 2:-1]
    sym = OFFSET.sub("", sym).rstrip() or "[unknown]"
    if sym == "[unknown]" and not dso.startswith("["):
        sym = "[%s]" % dso.split("/")[-1]
    return sym, dso


def read_perf(path):
    """Samples as (comm, pid, weight_or_None, [(sym, dso)...] innermost first)."""
    samples = []
    current = None
    with open(path, "rb") as f:
        for raw in f.read().split(b"\n"):
            line = raw.rstrip(b"\r")
            if not line.strip():
                current = None
                continue
            if line.startswith(b"#"):
                continue
            indented = line[:1] in (b" ", b"\t")
            h = None if indented else HEADER.match(line)
            if current is not None and h is None:
                m = FRAME.match(line)
                if m:
                    current[3].append(split_symbol(m.group(2).decode("utf-8", "replace")))
                    continue
            if h is None:
                h = HEADER.match(line)
            if h is None:
                current = None
                continue
            period = int(h.group(6)) if h.group(6) else None
            tid = int(h.group(3) or h.group(2))
            current = (h.group(1).decode("utf-8", "replace"), tid, period, [])
            samples.append(current)
    return samples


def read_stacks(path):
    samples = []
    current = None
    head = re.compile(rb"^\s*(.+)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[\d+\].*<stack trace>\s*$")
    with open(path, "rb") as f:
        for raw in f.read().split(b"\n"):
            line = raw.rstrip(b"\r")
            m = head.match(line)
            if m:
                current = (m.group(1).decode().strip(), int(m.group(2)), None, [])
                samples.append(current)
                continue
            s = line.strip()
            if s.startswith(b"=>") and current is not None:
                text = s[2:].strip().decode("utf-8", "replace")
                text = re.sub(r"\+0x[0-9a-fA-F]+(/0x[0-9a-fA-F]+)?$", "", text)
                current[3].append((text or "[unknown]", "[kernel.kallsyms]"))
                continue
            if s:
                current = None
    return [s for s in samples if s[3]]


def entries(samples, children=True):
    counted = [s for s in samples if s[3]]
    weighted = all(s[2] is not None for s in counted) and counted
    total = 0
    table = {}
    for comm, _tid, period, frames in counted:
        w = period if weighted else 1
        total += w
        seen = set()
        for j, (sym, dso) in enumerate(frames if children else frames[:1]):
            key = (comm, dso, sym)
            e = table.setdefault(key, [0, 0, 0])  # samples, self, children
            if j == 0:
                e[0] += 1
                e[1] += w
            if key not in seen:
                seen.add(key)
                e[2] += w
    order = sorted(table.items(), key=lambda kv: -(kv[1][2] if children else kv[1][1]))
    return len(counted), total, order


def read_folded(path):
    data = open(path, "rb").read()
    if data[:2] == b"\xff\xfe":
        data = data[2:].decode("utf-16-le").encode()
    elif data[:2] == b"\xfe\xff":
        data = data[2:].decode("utf-16-be").encode()
    lines, total, invalid = 0, 0, 0
    for raw in data.split(b"\n"):
        line = raw.rstrip(b"\r \t")
        if not line or line.startswith(b"#") or line.startswith(b"//"):
            continue
        sp = line.rfind(b" ")
        if sp <= 0 or not line[sp + 1:].isdigit():
            invalid += 1
            continue
        lines += 1
        total += int(line[sp + 1:])
    return lines, total, invalid


def graph_functions(root, rel):
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("fg", os.path.join(here, "derive-funcgraph-trees.py"))
    fg = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fg)
    nodes, _roots = fg.build(fg.read_lines(os.path.join(root, rel)))
    funcs = {}
    for n in nodes:
        f = funcs.setdefault(n.name, [0, 0, 0, 0, None])
        f[0] += 1
        f[1] += n.total
        f[2] += fg.self_time(n)
        f[3] = max(f[3], n.total)
        f[4] = n.total if f[4] is None else min(f[4], n.total)
    return sorted(funcs.items(), key=lambda kv: (-kv[1][1], kv[0]))


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    here = os.path.dirname(os.path.abspath(__file__))
    root = args[0] if args else (os.environ.get("TRACETUI_SAMPLES")
                                 or os.path.normpath(os.path.join(here, "..", "..", "shared", "samples")))
    swift = "--swift" in argv
    for rel in PERF_FILES + STACK_FILES:
        samples = read_perf(os.path.join(root, rel)) if rel.startswith("perf") else read_stacks(os.path.join(root, rel))
        n, total, top = entries(samples)
        _, _, top_self = entries(samples, children=False)
        if swift:
            def rows(t, k=5):
                return ", ".join("E(%s, %s, %s, %d, %d, %d)" % (q(c), q(d), q(s), v[0], v[1], v[2]) for (c, d, s), v in t[:k])
            print("    HotspotExpectation(path: %s, samples: %d, total: %d,\n        children: [%s],\n        selfOnly: [%s])," % (
                q(rel), n, total, rows(top), rows(top_self)))
        else:
            print("== %s: %d samples, weight %d" % (rel, n, total))
            for (c, d, s), v in top[:5]:
                print("   children %d self %d samples %d  %s %s %s" % (v[2], v[1], v[0], c, d, s))
    for rel in GRAPH_FILES:
        funcs = graph_functions(root, rel)
        if swift:
            print("    // %s" % rel)
            for name, v in funcs[:5]:
                print("    D(%s, calls: %d, total: %d, selfTime: %d, max: %d, min: %d)," % (q(name), *v))
        else:
            print("== %s" % rel)
            for name, v in funcs[:5]:
                print("   %s calls %d total %d self %d max %d min %d" % (name, *v))
    for name in sorted(os.listdir(os.path.join(root, FOLDED_DIR))):
        lines, total, invalid = read_folded(os.path.join(root, FOLDED_DIR, name))
        if swift:
            print("    F(%s, lines: %d, total: %d, invalid: %d)," % (q(FOLDED_DIR + "/" + name), lines, total, invalid))
        else:
            print("== %s: %d lines, total %d, invalid %d" % (name, lines, total, invalid))


if __name__ == "__main__":
    main(sys.argv)
