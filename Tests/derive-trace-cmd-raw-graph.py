#!/usr/bin/env python3
"""Derive the call-tree figures of a trace-cmd raw function_graph report (`funcgraph_entry: func=… depth=N`,
`funcgraph_exit: func=… calltime=0x… rettime=0x… … depth=N`), without the project's code.

Usage: python3 Tests/derive-trace-cmd-raw-graph.py FILE
Prints: calls (entries + exits with no entry on their CPU), closed calls (exits), the sum of rettime − calltime
over exits in ns, calls left open at the end, and the number of distinct functions.
"""
import re
import sys

LINE = re.compile(rb"^\s*.*?-\d+\s+\[(\d+)\]\s+(?:\S{4,7}\s+)?[\d.]+:\s+(funcgraph_entry|funcgraph_exit):\s+(.*)$")
stacks = {}
calls = closed = total = 0
functions = set()
for raw in open(sys.argv[1], "rb").read().split(b"\n"):
    m = LINE.match(raw)
    if not m:
        continue
    cpu, kind, rest = m.group(1), m.group(2), m.group(3)
    fields = dict(kv.split(b"=", 1) for kv in rest.split())
    functions.add(fields[b"func"])
    stack = stacks.setdefault(cpu, [])
    if kind == b"funcgraph_entry":
        calls += 1
        stack.append(fields[b"func"])
    else:
        closed += 1
        total += int(fields[b"rettime"], 16) - int(fields[b"calltime"], 16)
        if stack:
            stack.pop()
        else:
            calls += 1
print("calls %d closed %d total_ns %d open %d functions %d"
      % (calls, closed, total, sum(len(s) for s in stacks.values()), len(functions)))
