#!/usr/bin/env bash
# Installs tracetui without a package, as `make install` would: the binary (Swift runtime linked in), the themes,
# the demo recording, the man page and the bash, zsh and fish completions.
#   bash packaging/install.sh [PREFIX=/usr/local] [DESTDIR=] [BINARY=path/to/tracetui]
# Without BINARY it builds one (release, --static-swift-stdlib); the man page needs the debug build too (the
# argument parser's generate-manual plugin runs on it: minutes on a fresh clone). PREFIX=~/.local needs no root. What it
# installed is listed in PREFIX/share/tracetui/installed-files; `packaging/uninstall.sh PREFIX=…` removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
BINARY=${BINARY:-}
for arg in "$@"; do
    case $arg in
        PREFIX=* | DESTDIR=* | BINARY=*) declare "${arg%%=*}=${arg#*=}" ;;
        *) echo "install.sh: unknown argument $arg (PREFIX=, DESTDIR=, BINARY=)" >&2; exit 2 ;;
    esac
done
PREFIX=${PREFIX%/}

if [[ -z $BINARY ]]; then
    swift build -c release --static-swift-stdlib --product tracetui
    BINARY=$(swift build -c release --static-swift-stdlib --show-bin-path)/tracetui
fi
[[ -x $BINARY ]] || { echo "install.sh: no executable at $BINARY" >&2; exit 1; }

# Where each shell looks for completions: the distribution's vendor directories under /usr, the upstream
# defaults elsewhere (zsh's site-functions; bash-completion and fish search PREFIX/share via XDG_DATA_DIRS).
if [[ $PREFIX == /usr ]]; then
    zsh_dir=$PREFIX/share/zsh/vendor-completions
else
    zsh_dir=$PREFIX/share/zsh/site-functions
fi
bash_dir=$PREFIX/share/bash-completion/completions
fish_dir=$PREFIX/share/fish/vendor_completions.d
share=$PREFIX/share/tracetui
man_dir=$PREFIX/share/man/man1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash packaging/manpage.sh "$work/tracetui.1" "$BINARY"
gzip -9n "$work/tracetui.1"
for shell in bash zsh fish; do
    "$BINARY" --generate-completion-script "$shell" >"$work/completion.$shell"
done

installed=()
put() { # MODE SOURCE TARGET
    install -D -m "$1" "$2" "$DESTDIR$3"
    installed+=("$3")
}
put 755 "$BINARY" "$PREFIX/bin/tracetui"
for theme in Themes/*.theme; do put 644 "$theme" "$share/themes/${theme##*/}"; done
for file in Sources/tracetui/Resources/demo/*; do put 644 "$file" "$share/demo/${file##*/}"; done
put 644 "$work/tracetui.1.gz" "$man_dir/tracetui.1.gz"
put 644 "$work/completion.bash" "$bash_dir/tracetui"
put 644 "$work/completion.zsh" "$zsh_dir/_tracetui"
put 644 "$work/completion.fish" "$fish_dir/tracetui.fish"
installed+=("$share/installed-files")
mkdir -p "$DESTDIR$share"
printf '%s\n' "${installed[@]}" >"$DESTDIR$share/installed-files"
echo "installed tracetui in $DESTDIR$PREFIX (${#installed[@]} files, listed in $share/installed-files)"
