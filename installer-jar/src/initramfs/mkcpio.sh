#!/bin/bash
# mkcpio.sh SRCDIR [--console] > archive.cpio
#
# Writes SRCDIR as an uncompressed "newc" cpio archive (the format the Linux kernel unpacks as an initramfs)
# on stdout. Written here in plain bash so that building the installer environment needs neither the cpio
# package nor root: --console adds the character device /dev/console (5,1), which the kernel opens for the
# first process's stdin/stdout/stderr before /init runs, and which only root could mknod in SRCDIR.
#
# Every entry gets owner 0:0 and mtime SOURCE_DATE_EPOCH (default 0), entries are sorted by name and inode
# numbers are counters, so the same input gives the same bytes. Regular files, directories and symbolic
# links are supported; hard links are stored as separate copies.
set -euo pipefail

src=${1:?usage: mkcpio.sh SRCDIR [--console]}
console=${2:-}
mtime=${SOURCE_DATE_EPOCH:-0}
ino=1000

# newc pads the header+name and the data to multiples of 4 bytes.
pad4() {
    local n=$(( (4 - $1 % 4) % 4 ))
    if [ "$n" -gt 0 ]; then head -c "$n" /dev/zero; fi
}

# entry NAME MODE(octal) SIZE MAJOR MINOR NLINK: header + name; the caller writes the data and its padding.
entry() {
    local name=$1 mode=$2 size=$3 rmaj=$4 rmin=$5 nlink=$6
    local namesize=$(( ${#name} + 1 ))
    ino=$((ino + 1))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
        "$ino" "$((8#$mode))" 0 0 "$nlink" "$mtime" "$size" 0 0 "$rmaj" "$rmin" "$namesize" 0 "$name"
    pad4 $(( 110 + namesize ))
}

LC_ALL=C
cd "$src"
while IFS= read -r path; do
    if [ -L "$path" ]; then
        target=$(readlink "$path")
        entry "$path" 120777 "${#target}" 0 0 1
        printf '%s' "$target"
        pad4 "${#target}"
    elif [ -d "$path" ]; then
        perm=$(stat -c '%a' "$path")
        entry "$path" "$(printf '4%04o' "$((8#$perm))")" 0 0 0 2
    elif [ -f "$path" ]; then
        perm=$(stat -c '%a' "$path")
        size=$(stat -c '%s' "$path")
        entry "$path" "$(printf '10%04o' "$((8#$perm))")" "$size" 0 0 1
        cat "$path"
        pad4 "$size"
    else
        echo "mkcpio.sh: unsupported file type: $path" >&2
        exit 1
    fi
done < <(find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort)
if [ "$console" = "--console" ]; then
    if [ ! -d dev ]; then
        entry dev 40755 0 0 0 2
    fi
    entry dev/console 20600 0 5 1 1
fi
entry 'TRAILER!!!' 0 0 0 0 1
