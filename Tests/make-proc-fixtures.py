#!/usr/bin/env python3
"""Writes the synthetic /proc fixtures under Tests/ProcFixtures/ (the real ones in this-machine/ were captured
with `cat`). Each file's numbers follow a rule stated here, so the tests can check the parsers against it:

big-machine/stat     128 CPUs (cpu0..cpu127, cpu64 offline: no line); cpuN: user=1000+N nice=N system=500+2N
                     idle=90000+N iowait=N%7 irq=3 softirq=N%5 steal=N%3 guest=0 guest_nice=0; the total line is
                     the column sums; a long `intr` line (so the file is > 8 KiB); ctxt 123456789012,
                     processes 4242, procs_running 17, procs_blocked 3.
old-kernel/stat      a 2.6.9-era file: cpu lines of 7 fields (no steal, guest), no procs_blocked line.
old-kernel/meminfo   no MemAvailable, no SReclaimable.
old-kernel/diskstats 14-field lines and the short 7-field partition form of 2.6 kernels.
odd-names/diskstats  long device names, partitions of every naming scheme, idle and busy loop/ram devices,
                     kernels with 14, 18 and 20 fields.
odd-names/net-dev    interface names up to 15 characters, one with counters glued to the colon.
"""
import os

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ProcFixtures")


def write(rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def cpu(n):
    return [1000 + n, n, 500 + 2 * n, 90000 + n, n % 7, 3, n % 5, n % 3, 0, 0]


cpus = [n for n in range(128) if n != 64]
total = [sum(cpu(n)[k] for n in cpus) for k in range(10)]
lines = ["cpu  " + " ".join(map(str, total))]
lines += [f"cpu{n} " + " ".join(map(str, cpu(n))) for n in cpus]
lines.append("intr 987654321 " + " ".join(str(i * 7) for i in range(1200)))
lines += ["ctxt 123456789012", "btime 1700000000", "processes 4242", "procs_running 17", "procs_blocked 3",
          "softirq 1 2 3 4 5 6 7 8 9 10 11"]
write("big-machine/stat", "\n".join(lines) + "\n")

write("old-kernel/stat", """cpu  100 2 30 400 5 6 7
cpu0 60 1 20 200 3 4 5
cpu1 40 1 10 200 2 2 2
intr 5000 10 20
ctxt 9000
btime 1100000000
processes 321
procs_running 2
""")
write("old-kernel/meminfo", """MemTotal:       1024000 kB
MemFree:         512000 kB
Buffers:          10000 kB
Cached:          200000 kB
SwapCached:           0 kB
Dirty:               12 kB
SwapTotal:       100000 kB
SwapFree:         40000 kB
HugePages_Total:      0
""")
write("old-kernel/diskstats", """   3    0 hda 446216 784926 9550688 4382310 424847 312726 5922052 19310380 0 3376340 23705160
   3    1 hda1 35486 38030 38030 38030
   8    0 sdb 100 0 800 50 200 0 1600 70 0 90 120
""")
write("odd-names/diskstats", """   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
   7       1 loop1 12 0 96 4 0 0 0 0 0 8 4 0 0 0 0
   1       0 ram0 0 0 0 0 0 0 0 0 0 0 0
 259       0 nvme0n1 1000 10 64000 300 2000 20 128000 900 0 1100 1200 0 0 0 0 0 0
 259       1 nvme0n1p1 900 10 60000 280 1900 20 120000 850 0 1000 1100 0 0 0 0 0 0
   8       0 sda 10 0 80 1 20 0 160 2 0 3 3 0 0 0 0 0 0 0 0
   8       1 sda1 5 0 40 1 10 0 80 1 0 2 2 0 0 0 0 0 0 0 0
 179       0 mmcblk0 7 0 56 1 0 0 0 0 0 1 1
 179       1 mmcblk0p1 7 0 56 1 0 0 0 0 0 1 1
 202       0 xvda 3 0 24 1 3 0 24 1 0 1 1
 202       1 xvda1 3 0 24 1 3 0 24 1 0 1 1
 253       0 dm-0 800 0 50000 250 1500 0 100000 700 0 900 950 0 0 0 0
   9     127 md127 40 0 320 5 40 0 320 5 0 6 10
 253       1 a-very-long-device-mapper-name01 4 0 32 1 4 0 32 1 0 2 2 0 0 0 0
""")
write("odd-names/net-dev", """Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
enp0s31f6: 5000000    4000    1    2    0     0          0         3  6000000    5000    4    5    0     0       0          0
veth0123456789a:18446744073709551000 7 0 0 0 0 0 0 4294967290 8 0 0 0 0 0 0
""")
