#!/usr/bin/env bash
# Removes what packaging/install.sh installed under PREFIX (the list it wrote), then the directories it leaves
# empty.   bash packaging/uninstall.sh [PREFIX=/usr/local] [DESTDIR=]
set -euo pipefail
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
for arg in "$@"; do
    case $arg in
        PREFIX=* | DESTDIR=*) declare "${arg%%=*}=${arg#*=}" ;;
        *) echo "uninstall.sh: unknown argument $arg (PREFIX=, DESTDIR=)" >&2; exit 2 ;;
    esac
done
PREFIX=${PREFIX%/}
list=$DESTDIR$PREFIX/share/tracetui/installed-files
[[ -f $list ]] || { echo "uninstall.sh: nothing installed by install.sh under $DESTDIR$PREFIX ($list is missing)" >&2; exit 1; }
mapfile -t files <"$list"
for file in "${files[@]}"; do
    # Only paths under PREFIX: a damaged list must not remove anything else.
    [[ $file == "$PREFIX"/* && $file != *..* ]] || { echo "uninstall.sh: skipping $file (not under $PREFIX)" >&2; continue; }
    rm -f "$DESTDIR$file"
    dir=$(dirname "$DESTDIR$file")
    while [[ $dir != "$DESTDIR$PREFIX" && $dir == "$DESTDIR$PREFIX"/* ]] && rmdir "$dir" 2>/dev/null; do
        dir=$(dirname "$dir")
    done
done
echo "removed ${#files[@]} files of tracetui from $DESTDIR$PREFIX"
