#!/bin/sh
# Worthwhile in the desktop's menus, for this user only (no root): the .desktop entry, the
# icon in every hicolor size, and the AppStream metainfo, under ${XDG_DATA_HOME:-~/.local/share}.
#
#   packaging/linux/install.sh               # from a clone: runs `worthwhile` from PATH (pipx)
#   dist/worthwhile/linux/install.sh         # from the bundle: runs the bundle's own program
#   install.sh --exec /path/to/worthwhile    # runs that program
#   install.sh --uninstall                   # removes what this script installed
#
# It prints each file it writes. Nothing outside the user's data folder is touched.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
app_id=io.github.worthwhile.Worthwhile
sizes="16 24 32 48 64 128 256 512"

# The icons: the bundle's copy beside the program, else the clone's resources/.
if [ -f "$here/../_internal/desktop_app/resources/worthwhile.svg" ]; then
    icons="$here/../_internal/desktop_app/resources"
    exec_path="$(cd "$here/.." && pwd)/worthwhile"
elif [ -f "$here/../../resources/worthwhile.svg" ]; then
    icons="$here/../../resources"
    exec_path=worthwhile
else
    echo "install.sh: Worthwhile's icons were not found next to this script" >&2
    exit 1
fi

uninstall=no
while [ $# -gt 0 ]; do
    case "$1" in
        --exec) exec_path=$2; shift 2 ;;
        --uninstall) uninstall=yes; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

targets="$data/applications/worthwhile.desktop $data/metainfo/$app_id.metainfo.xml
$data/icons/hicolor/scalable/apps/worthwhile.svg"
for size in $sizes; do
    targets="$targets $data/icons/hicolor/${size}x${size}/apps/worthwhile.png"
done

if [ "$uninstall" = yes ]; then
    for target in $targets; do
        if [ -e "$target" ]; then rm -f "$target" && echo "removed $target"; fi
    done
else
    put() {  # put SOURCE TARGET
        mkdir -p "$(dirname "$2")"
        cp "$1" "$2"
        chmod 0644 "$2"
        echo "$2"
    }
    # Exec= holds a path with spaces quoted, as the desktop entry specification asks.
    case "$exec_path" in
        *" "*) exec_line="Exec=\"$exec_path\"" ;;
        *) exec_line="Exec=$exec_path" ;;
    esac
    mkdir -p "$data/applications"
    sed "s|^Exec=.*|$exec_line|" "$here/worthwhile.desktop" > "$data/applications/worthwhile.desktop"
    chmod 0644 "$data/applications/worthwhile.desktop"
    echo "$data/applications/worthwhile.desktop"
    put "$here/$app_id.metainfo.xml" "$data/metainfo/$app_id.metainfo.xml"
    put "$icons/worthwhile.svg" "$data/icons/hicolor/scalable/apps/worthwhile.svg"
    for size in $sizes; do
        put "$icons/worthwhile-$size.png" "$data/icons/hicolor/${size}x${size}/apps/worthwhile.png"
    done
fi

# Menus and docks notice new entries by themselves; these make it immediate where available.
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data/applications" 2>/dev/null || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f "$data/icons/hicolor" 2>/dev/null || true
fi
