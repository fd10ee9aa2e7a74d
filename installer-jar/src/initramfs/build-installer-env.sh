#!/bin/bash
# build-installer-env.sh [--refresh] OUTDIR INSTALLER_JAR
#
# Builds the installer environment a network-booted Raspberry Pi 5 runs (see README.md next to this file):
#   OUTDIR/initramfs-installer.cpio.gz  busybox (arm64, static) + /init + the udhcpc script; served over TFTP
#   OUTDIR/runtime-arm64.tar.gz         jlinked arm64 Java runtime + the loader and libraries it needs (+ mtools,
#                                       debugfs); fetched by /init over HTTP
#   OUTDIR/installer.jar                copy of INSTALLER_JAR; fetched by /init over HTTP
#   OUTDIR/grubnetaa64.efi              Debian's signed network GRUB, the boot file of arm64 UEFI clients
#   OUTDIR/installer-env.properties     what went in (Debian packages, versions, SHA-256) and what came out
#
# Everything comes from Debian 12 packages fetched with a private apt state (the machine's sources, none of
# its state), pinned in packages.lock. --refresh takes the mirror's current versions and rewrites the lock.
#
# Environment: RPIDEPLOY_BUILD_CACHE (default ~/.cache/rpi-deploy/installer-env) holds apt lists and .debs,
# so a second build needs no network; RPIDEPLOY_JLINK_EXTRA_MODULES adds modules (comma-separated, e.g.
# jdk.crypto.ec for an https server); SOURCE_DATE_EPOCH sets the archives' file times (default 0).
#
# Exit codes: 0 built; 1 failed (message on stderr); 2 usage; 3 not a Debian machine (no apt-get).
set -euo pipefail

ME=build-installer-env.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOCK=$HERE/packages.lock

die() {
    echo "$ME: ERROR: $*" >&2
    exit 1
}
warn() {
    echo "$ME: WARNING: $*" >&2
}
info() {
    echo "$ME: $*" >&2
}
trap 'echo "$ME: ERROR: command failed (line $LINENO): $BASH_COMMAND" >&2' ERR

REFRESH=0
if [ "${1:-}" = "--refresh" ]; then
    REFRESH=1
    shift
fi
if [ $# -ne 2 ]; then
    echo "usage: $ME [--refresh] OUTDIR INSTALLER_JAR" >&2
    exit 2
fi
OUT=$1
JAR=$2
[ -f "$JAR" ] || die "installer jar not found: $JAR (build it: mvn -B -pl installer-jar package -DskipTests)"

if ! command -v apt-get > /dev/null || ! command -v dpkg-deb > /dev/null; then
    echo "$ME: the installer environment was NOT built: this machine has no apt-get/dpkg-deb." >&2
    echo "$ME: It is made from Debian 12 (bookworm) arm64 packages; run this script on a Debian 12 machine" >&2
    echo "$ME: (or in a debian:12 container, with this repository mounted):" >&2
    echo "$ME:   installer-jar/src/initramfs/build-installer-env.sh OUTDIR installer-jar/target/installer.jar" >&2
    exit 3
fi
for tool in readelf gzip sha256sum tar find sort; do
    command -v "$tool" > /dev/null || die "missing host tool: $tool (Debian: apt-get install binutils gzip coreutils tar findutils)"
done

CACHE=${RPIDEPLOY_BUILD_CACHE:-$HOME/.cache/rpi-deploy/installer-env}
APTDIR=$CACHE/apt
DEBS=$CACHE/debs
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$DEBS" "$OUT"
touch "$APTDIR/status"
OUT=$(cd "$OUT" && pwd)
JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-0}

# One build at a time per OUT (a server stopped hard can leave one running, and the next start begins another);
# holding the lock, no other build's work folder is alive, so a left-over one (a build killed with -9) goes.
exec 9>"$OUT/.build.lock"
flock 9
find "$OUT" -maxdepth 1 -name '.work.*' -type d -exec rm -rf {} +
# inside OUT: every output enters OUT by rename on one file system, so a server serving OUT never sends a file
# half copied (a --refresh on a running server)
WORK=$(mktemp -d "$OUT/.work.XXXXXX")
cleanup() {
    rm -rf "$WORK"
}
trap cleanup EXIT
# a stop (the server's, or Ctrl-C) ends through the EXIT trap, so the work folder goes with it
trap 'exit 143' TERM INT HUP

# The recipe of stack-notes.md: arm64 as the native architecture of a private apt state. amd64 is added
# for the host-side jlink, which must be exactly the arm64 jmods' version.
APT=(-q -o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o APT::Architectures::=amd64
    -o "Dir::State::Lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache" -o "Dir::State::status=$APTDIR/status"
    -o Debug::NoLocking=1)
if [ "$(id -u)" = 0 ]; then
    # apt drops to the _apt user for downloads, which cannot write into root's cache directory
    APT+=(-o APT::Sandbox::User=root)
fi

LISTS_READY=0
ensure_lists() {
    [ "$LISTS_READY" = 1 ] && return 0
    if [ "$REFRESH" = 1 ] || ! ls "$APTDIR/lists/"*_Packages* > /dev/null 2>&1; then
        info "apt-get update (private state in $APTDIR)"
        apt-get "${APT[@]}" update > "$WORK/apt-update.log" 2>&1 \
            || { cat "$WORK/apt-update.log" >&2; die "apt-get update failed (mirror from /etc/apt/sources.list*)"; }
    fi
    LISTS_READY=1
}

# name arch: what each package is for (comments only)
PACKAGES=(
    "busybox-static arm64"            # the initramfs: one static binary, every applet /init uses
    "openjdk-17-jdk-headless arm64"   # jmods/ for jlink (Debian 12 has no separate -jmods package)
    "openjdk-17-jdk-headless amd64"   # bin/jlink, bin/jdeps, bin/jar of the same version, run on this machine
    "openjdk-17-jre-headless amd64"   # the JVM those tools run on
    "libc6 arm64"                     # ld-linux-aarch64.so.1, libc, libm
    "libstdc++6 arm64"                # libjvm.so, libjimage.so
    "libgcc-s1 arm64"                 # libjvm.so (and glibc's unwinder)
    "zlib1g arm64"                    # libzip.so, libjli.so
    "mtools arm64"                    # the installer's FAT fallback (mtype, mcopy)
    "e2fsprogs arm64"                 # the installer's ext4 fallback (debugfs)
    "libext2fs2 arm64"                # debugfs
    "libss2 arm64"                    # debugfs
    "libcom-err2 arm64"               # debugfs
    "libblkid1 arm64"                 # debugfs
    "libuuid1 arm64"                  # debugfs
    "grub-efi-arm64-signed arm64"     # grubnetaa64.efi: how an arm64 UEFI client reaches the installer
)

lock_field() { # name arch field(3=version,4=sha256)
    [ -f "$LOCK" ] || return 0
    awk -v n="$1" -v a="$2" -v f="$3" '$1 == n && $2 == a { print $f; exit }' "$LOCK"
}
deb_path() { # name arch version -> the file name apt-get download gives it
    echo "$DEBS/${1}_${3//:/%3a}_${2}.deb"
}
sha256_of() {
    sha256sum "$1" | cut -d' ' -f1
}
mirror_has() { # name arch version (apt-cache show exits 0 even for a version it does not know)
    [ -n "$(mirror_sha256 "$1" "$2" "$3")" ]
}
mirror_sha256() { # name arch version
    apt-cache "${APT[@]}" show "$1:$2=$3" 2>/dev/null | awk '/^SHA256:/ { print $2; exit }'
}
candidate() { # name arch
    apt-cache "${APT[@]}" policy "$1:$2" 2>/dev/null | awk '/Candidate:/ { print $2; exit }'
}

declare -A VERSION SHA PINNED FILE
# resolve NAME ARCH: sets VERSION/SHA/FILE[name:arch] to the .deb used, downloading it if not cached
resolve() {
    local name=$1 arch=$2 key=$1:$2 pin_v pin_s v want file got
    pin_v=$(lock_field "$name" "$arch" 3)
    pin_s=$(lock_field "$name" "$arch" 4)
    PINNED[$key]=${pin_v:-none}
    # offline-fast path: the pinned .deb is already in the cache
    if [ "$REFRESH" = 0 ] && [ -n "$pin_v" ]; then
        file=$(deb_path "$name" "$arch" "$pin_v")
        if [ -f "$file" ] && [ "$(sha256_of "$file")" = "$pin_s" ]; then
            VERSION[$key]=$pin_v SHA[$key]=$pin_s FILE[$key]=$file
            return 0
        fi
    fi
    ensure_lists
    if [ "$REFRESH" = 0 ] && [ -n "$pin_v" ] && mirror_has "$name" "$arch" "$pin_v"; then
        v=$pin_v
        want=$pin_s
        if [ "$(mirror_sha256 "$name" "$arch" "$v")" != "$want" ]; then
            die "$name:$arch $v: the mirror's SHA-256 $(mirror_sha256 "$name" "$arch" "$v") differs from packages.lock's $want"
        fi
    else
        v=$(candidate "$name" "$arch")
        [ -n "$v" ] && [ "$v" != "(none)" ] || die "$name:$arch is not available from the mirror"
        want=$(mirror_sha256 "$name" "$arch" "$v")
        if [ "$REFRESH" = 0 ] && [ -n "$pin_v" ]; then
            warn "$name:$arch $pin_v (sha256 $pin_s) pinned in packages.lock is no longer on the mirror;"
            warn "  using $v (sha256 $want) instead. Run with --refresh to pin it."
        elif [ "$REFRESH" = 0 ]; then
            warn "$name:$arch is not in packages.lock; using the mirror's $v (run with --refresh to pin it)"
        fi
    fi
    file=$(deb_path "$name" "$arch" "$v")
    if [ ! -f "$file" ] || [ "$(sha256_of "$file")" != "$want" ]; then
        rm -f "$file"
        info "downloading $name:$arch $v"
        (cd "$DEBS" && apt-get "${APT[@]}" download "$name:$arch=$v" > "$WORK/apt-download.log" 2>&1) \
            || { cat "$WORK/apt-download.log" >&2; die "apt-get download $name:$arch=$v failed"; }
    fi
    [ -f "$file" ] || die "apt-get download gave no $file"
    got=$(sha256_of "$file")
    [ "$got" = "$want" ] || die "$file: SHA-256 $got, expected $want"
    VERSION[$key]=$v SHA[$key]=$got FILE[$key]=$file
}

for entry in "${PACKAGES[@]}"; do
    # shellcheck disable=SC2086
    resolve $entry
done

JDK_V=${VERSION[openjdk-17-jdk-headless:arm64]}
for k in openjdk-17-jdk-headless:amd64 openjdk-17-jre-headless:amd64; do
    [ "${VERSION[$k]}" = "$JDK_V" ] \
        || die "jlink ($k ${VERSION[$k]}) must be exactly the arm64 jmods' version $JDK_V; run with --refresh"
done

if [ "$REFRESH" = 1 ]; then
    {
        echo "# Debian 12 packages of the installer environment: name arch version sha256-of-the-.deb"
        echo "# Written by build-installer-env.sh --refresh; the build uses these versions while the mirror has them."
        for entry in "${PACKAGES[@]}"; do
            set -- $entry
            echo "$1 $2 ${VERSION[$1:$2]} ${SHA[$1:$2]}"
        done
    } > "$LOCK"
    info "rewrote $LOCK"
fi

# ---------------------------------------------------------------------------------------------------------
# unpack

unpack() { # name arch dir
    mkdir -p "$3"
    dpkg-deb -x "${FILE[$1:$2]}" "$3"
}
PK=$WORK/pkgs
for entry in "${PACKAGES[@]}"; do
    set -- $entry
    case "$1:$2" in
        openjdk-17-j*:amd64) unpack "$1" "$2" "$PK/hostjdk" ;;
        *) unpack "$1" "$2" "$PK/$1" ;;
    esac
done
# The host JDK's absolute links (conf -> /etc/java-17-openjdk, ...) must point into the unpacked tree, not at
# whatever Java this machine has installed.
while IFS= read -r link; do
    target=$(readlink "$link")
    case "$target" in
        /*) if [ -e "$PK/hostjdk$target" ]; then ln -sfn "$PK/hostjdk$target" "$link"; fi ;;
    esac
done < <(find "$PK/hostjdk" -type l)
JH=$PK/hostjdk/usr/lib/jvm/java-17-openjdk-amd64
JMODS=$PK/openjdk-17-jdk-headless/usr/lib/jvm/java-17-openjdk-arm64/jmods
[ -x "$JH/bin/jlink" ] || die "no bin/jlink in the amd64 openjdk-17-jdk-headless"
[ -f "$JMODS/java.base.jmod" ] || die "no jmods/java.base.jmod in the arm64 openjdk-17-jdk-headless"
"$JH/bin/java" -version > /dev/null 2>&1 || die "the unpacked amd64 JDK does not run on this machine"

# ---------------------------------------------------------------------------------------------------------
# runtime-arm64.tar.gz: jlinked runtime under opt/rpideploy/jre, loader and libraries at their real paths

RT=$WORK/runtime
mkdir -p "$RT/opt/rpideploy/bin"

# jdeps on the fat jar itself is misled: zstd-jni's module-info.class lands at the jar's root, so jdeps
# takes the whole jar for module com.github.luben.zstd_jni. Look at the classes without it.
mkdir -p "$WORK/jar"
(cd "$WORK/jar" && "$JH/bin/jar" xf "$JAR")
find "$WORK/jar" -name module-info.class -delete
MODULES=$("$JH/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$WORK/jar")
[ -n "$MODULES" ] || die "jdeps found no modules in $JAR"
if [ -n "${RPIDEPLOY_JLINK_EXTRA_MODULES:-}" ]; then
    MODULES=$MODULES,$RPIDEPLOY_JLINK_EXTRA_MODULES
fi
info "jlink $JDK_V (arm64) with $MODULES"
# --strip-java-debug-attributes rather than --strip-debug: the latter also runs this machine's objcopy on the
# native libraries, which cannot read aarch64 ELF; Debian's .so files are stripped already.
"$JH/bin/jlink" --module-path "$JMODS" --add-modules "$MODULES" \
    --strip-java-debug-attributes --no-header-files --no-man-pages --compress=2 \
    --output "$RT/opt/rpideploy/jre"

# the installer's fallbacks when a partition cannot be mounted (Customizer -> FatTools, Ext4Tools)
cp "$PK/mtools/usr/bin/mtools" "$RT/opt/rpideploy/bin/mtools"
for m in mtype mcopy mdir mdel mmd mattrib minfo; do
    ln -s mtools "$RT/opt/rpideploy/bin/$m"
done
cp "$PK/e2fsprogs/sbin/debugfs" "$RT/opt/rpideploy/bin/debugfs"
# mtools converts FAT short names through iconv to code page 850 by default ("Error converting to codepage
# 850" without these): glibc loads the converter from its gconv directory
GCONV=usr/lib/aarch64-linux-gnu/gconv
mkdir -p "$RT/$GCONV/gconv-modules.d"
for f in gconv-modules gconv-modules.cache gconv-modules.d/gconv-modules-extra.conf IBM850.so IBM437.so; do
    cp "$PK/libc6/$GCONV/$f" "$RT/$GCONV/$f"
done

# Every arm64 shared library the lib packages ship: soname -> package directory and path inside it.
declare -A LIBPKG LIBREL
for entry in "${PACKAGES[@]}"; do
    set -- $entry
    [ "$2" = arm64 ] || continue
    case "$1" in busybox-static|openjdk-*|mtools|e2fsprogs|grub-efi-arm64-signed) continue ;; esac
    while IFS= read -r rel; do
        LIBPKG[${rel##*/}]=$1
        LIBREL[${rel##*/}]=$rel
    done < <(cd "$PK/$1" && find lib usr/lib -maxdepth 2 \( -type f -o -type l \) -name '*.so*' 2>/dev/null)
done

# copy_rel PKG PATH: copies PATH of the unpacked PKG to the same path in the runtime, following links to the
# file; prints the file's path
copy_rel() {
    local pkg=$1 rel=$2 dir target
    while :; do
        [ -e "$PK/$pkg/$rel" ] || [ -L "$PK/$pkg/$rel" ] || die "$pkg has no /$rel"
        mkdir -p "$RT/$(dirname "$rel")"
        cp -a "$PK/$pkg/$rel" "$RT/$rel"
        if [ -L "$PK/$pkg/$rel" ]; then
            target=$(readlink "$PK/$pkg/$rel")
            dir=$(dirname "$rel")
            case "$target" in /*) rel=${target#/} ;; *) rel=$dir/$target ;; esac
        else
            echo "$RT/$rel"
            return 0
        fi
    done
}
copy_lib() {
    [ -n "${LIBPKG[$1]:-}" ] || die "no arm64 package in the list provides $1 (add it to PACKAGES and packages.lock)"
    copy_rel "${LIBPKG[$1]}" "${LIBREL[$1]}"
}

# Walk NEEDED (and the program interpreter) from every ELF file in the runtime until nothing new appears.
# zstd-jni's native library (unpacked from the jar into /tmp on the board) starts the walk too.
declare -A DONE
ZSO=$(cd "$WORK/jar" && find . -path '*linux/aarch64/*.so' | head -n 1)
queue=$(find "$RT" -type f; if [ -n "$ZSO" ]; then echo "$WORK/jar/$ZSO"; fi)
while [ -n "$queue" ]; do
    next=
    while IFS= read -r f; do
        [ -n "$f" ] && [ -z "${DONE[$f]:-}" ] || continue
        DONE[$f]=1
        readelf -h "$f" > /dev/null 2>&1 || continue
        interp=$(readelf -l "$f" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
        needs=$(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
        if [ -n "$interp" ] && [ ! -e "$RT$interp" ]; then
            # the loader's own link (/lib/ld-linux-aarch64.so.1) plus the file it names
            next="$next$(copy_rel libc6 "${interp#/}")"$'\n'
        fi
        for so in $needs; do
            # the runtime's own libraries (libjvm.so, libjava.so, ...) are found through its RUNPATH/$ORIGIN
            if [ -n "$(find "$RT/opt" -name "$so" -print -quit)" ]; then continue; fi
            if [ -n "$(find "$RT/lib" "$RT/usr/lib" -name "$so" -print -quit 2>/dev/null)" ]; then continue; fi
            next="$next$(copy_lib "$so")"$'\n'
        done
    done <<< "$queue"
    queue=$next
done

# the zstd-jni native library inside the jar must be able to load against these libraries
if [ -n "$ZSO" ]; then
    for so in $(readelf -d "$WORK/jar/$ZSO" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        [ -n "$(find "$RT/lib" "$RT/usr/lib" -name "$so" -print -quit 2>/dev/null)" ] \
            || die "zstd-jni's $ZSO needs $so, which the runtime does not carry"
    done
else
    warn "no linux/aarch64 native library in $JAR: .zst images will not decode on the board"
fi

TAROPTS=(--sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" --format=gnu)
tar "${TAROPTS[@]}" -C "$RT" -cf - lib usr opt | gzip -9n > "$WORK/runtime-arm64.tar.gz"

# ---------------------------------------------------------------------------------------------------------
# initramfs-installer.cpio.gz

IR=$WORK/initramfs
mkdir -p "$IR/bin" "$IR/dev" "$IR/etc/rpideploy" "$IR/proc" "$IR/sys" "$IR/run" "$IR/tmp" "$IR/rt"
cp "$PK/busybox-static/bin/busybox" "$IR/bin/busybox"
cp "$HERE/init" "$IR/init"
cp "$HERE/udhcpc.script" "$IR/etc/rpideploy/udhcpc.script"
chmod 0755 "$IR/bin/busybox" "$IR/init" "$IR/etc/rpideploy/udhcpc.script"
{
    echo "busybox-static ${VERSION[busybox-static:arm64]}"
    echo "runtime openjdk ${JDK_V} modules ${MODULES}"
} > "$IR/etc/rpideploy/installer-env.txt"
chmod 0644 "$IR/etc/rpideploy/installer-env.txt"
# mkcpio.sh adds /dev/console itself, which only root could create here
"$HERE/mkcpio.sh" "$IR" --console | gzip -9n > "$WORK/initramfs-installer.cpio.gz"

# ---------------------------------------------------------------------------------------------------------
# outputs

# Debian's signed network GRUB for arm64 UEFI: it reads grub/grub.cfg (which the server generates) over TFTP
GRUBNET=$(find "$PK/grub-efi-arm64-signed" -name 'grubnetaa64.efi.signed' | head -n 1)
[ -n "$GRUBNET" ] || die "grub-efi-arm64-signed has no grubnetaa64.efi.signed"
cp "$GRUBNET" "$WORK/grubnetaa64.efi"
mv "$WORK/runtime-arm64.tar.gz" "$WORK/grubnetaa64.efi" "$OUT/"
# installer.jar as a board fetches it: without zstd-jni's native libraries for the 17 platforms that are not
# linux-aarch64 (6.5 of its 7.7 MB; every board of a bench fetches it through the same gigabit port)
JT=$WORK/installer-jar
mkdir -p "$JT"
(cd "$JT" && "$JH/bin/jar" xf "$JAR")
for d in "$JT"/aix "$JT"/darwin "$JT"/freebsd "$JT"/win; do rm -rf "$d"; done
find "$JT/linux" -mindepth 1 -maxdepth 1 -type d ! -name aarch64 -exec rm -rf {} +
[ -f "$JT/linux/aarch64/"libzstd-jni-*.so ] || die "installer.jar has no linux/aarch64 zstd-jni library"
mv "$JT/META-INF/MANIFEST.MF" "$WORK/installer-manifest.mf"
"$JH/bin/jar" --create --file "$WORK/installer.jar" --manifest "$WORK/installer-manifest.mf" \
    --date="$(date -u -d "@${SOURCE_DATE_EPOCH:-0}" +%Y-%m-%dT%H:%M:%SZ | sed 's/^1970-01-01T00:00:00Z$/1980-01-01T00:00:02Z/')" \
    -C "$JT" .
mv "$WORK/installer.jar" "$OUT/installer.jar"
# the initramfs last but one and the properties last: the server takes the properties as "built"
mv "$WORK/initramfs-installer.cpio.gz" "$OUT/"
{
    echo "# rpi-deploy installer environment, written by $ME"
    echo "build_time=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "debian_release=bookworm"
    echo "java_version=$JDK_V"
    echo "jlink_modules=$MODULES"
    echo "installer_jar_source=$JAR"
    for entry in "${PACKAGES[@]}"; do
        set -- $entry
        k=$1:$2
        echo "package.$1.$2.version=${VERSION[$k]}"
        echo "package.$1.$2.sha256=${SHA[$k]}"
        echo "package.$1.$2.pinned_version=${PINNED[$k]}"
    done
    for f in initramfs-installer.cpio.gz runtime-arm64.tar.gz installer.jar grubnetaa64.efi; do
        echo "output.$f.sha256=$(sha256_of "$OUT/$f")"
        echo "output.$f.size=$(stat -c %s "$OUT/$f")"
    done
} > "$WORK/installer-env.properties"
mv "$WORK/installer-env.properties" "$OUT/installer-env.properties"

for f in initramfs-installer.cpio.gz runtime-arm64.tar.gz installer.jar grubnetaa64.efi; do
    info "$(printf '%-30s %10s bytes  sha256 %s' "$f" "$(stat -c %s "$OUT/$f")" "$(sha256_of "$OUT/$f")")"
done
info "done: $OUT (see installer-env.properties)"
