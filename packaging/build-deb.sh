#!/usr/bin/env bash
# Builds tracetui_<version>_<arch>.deb in OUTDIR (default: the repository root): a release binary with the Swift
# runtime and Foundation linked in (--static-swift-stdlib: no Swift toolchain on the target), the themes, the demo
# recording, the man page and the completions (packaging/install.sh into a staging root), and Depends: on the
# system libraries it links, as dpkg-shlibdeps finds them.   bash packaging/build-deb.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${1:-.}"
outdir=$(realpath "${1:-.}")

swift build -c release --static-swift-stdlib --product tracetui
binary=$(swift build -c release --static-swift-stdlib --show-bin-path)/tracetui
if ldd "$binary" | grep -E 'libswift|libFoundation|lib_FoundationICU|libdispatch|libBlocksRuntime'; then
    echo "build-deb.sh: the binary links the Swift runtime dynamically (above); the package must not need it" >&2
    exit 1
fi

version=$("$binary" --version | awk '{ print $2 }')
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root

# Debug info out (it triples the size), the symbol table kept: crash reports and perf still name functions.
strip --strip-debug -o "$stage/tracetui" "$binary"
bash packaging/install.sh PREFIX=/usr DESTDIR="$root" BINARY="$stage/tracetui"

# dpkg-shlibdeps reads debian/control of the current directory; a minimal one names the package.
mkdir -p "$stage/debian"
printf 'Source: tracetui\n\nPackage: tracetui\nArchitecture: any\n' >"$stage/debian/control"
depends=$(cd "$stage" && dpkg-shlibdeps -O root/usr/bin/tracetui 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[[ -n $depends ]] || { echo "build-deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: tracetui
Version: $version
Architecture: $arch
Maintainer: tracetui authors <tracetui@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Recommends: man-db
Suggests: linux-perf, trace-cmd, uftrace, binutils
Section: devel
Priority: optional
Description: terminal UI trace explorer for Linux (ftrace, trace.dat, perf, uftrace)
 tracetui opens ftrace text, trace.dat, trace-cmd report, perf script, perf.data,
 Chrome trace-event JSON, uftrace and folded stacks (also .gz / .zst) in a
 full-screen viewer: the event stream with filters and search, call trees,
 perf-report-style hotspots, flame graphs, a timeline, latency tables and
 dstat-like system panes. Run as root it traces the machine live in a tracefs
 instance of its own and samples CPUs with perf_event_open.
 .
 Built from commit $commit.
CONTROL

deb=$outdir/tracetui_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "built $deb ($(du -h "$deb" | cut -f1)); Depends: $depends"
