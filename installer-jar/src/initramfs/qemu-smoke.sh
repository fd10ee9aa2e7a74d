#!/bin/bash
# qemu-smoke.sh OUTDIR [good|badsum|tools|all]
#
# Boots the installer environment built by build-installer-env.sh (in OUTDIR) in QEMU aarch64 under TCG and
# checks what a Pi 5 would do with it:
#   good:   /init gets an address by DHCP, downloads and checks runtime-arm64.tar.gz and installer.jar, starts
#           java -jar installer.jar, which gets its config from a stand-in server, writes a small .zst image
#           (zstd-jni's aarch64 library) to a virtio disk, verifies a sample, reports success and reboots;
#           the disk must then hold the image.
#   badsum: rpideploy.installer_sha256 is wrong: the console must show the failure, the server must get a
#           "failed" status, and the guest must not reboot (it is still running 30 s later).
#   tools:  a Raspberry Pi OS-like image (MBR, FAT boot, ext4 root) with --customize tools: the hostname must
#           be written into it by the runtime's debugfs and mtools.
# Prints the time of each stage (seconds since the guest kernel started). Exit 0 when every case passed.
#
# Network: QEMU user networking with restrict=on; the guest reaches only 10.0.2.100:8080, forwarded per
# connection to a stand-in HTTP server on 127.0.0.1 (a random free port). Every wait is bounded; QEMU, the
# server and the temporary directory are removed on exit. Needs qemu-system-arm (apt-get install
# qemu-system-arm), python3, zstd, and for case tools mkfs.vfat, mtools, mkfs.ext4, debugfs, sfdisk; the guest kernel is Debian's linux-image-cloud-arm64, fetched with the
# private apt state of build-installer-env.sh (RPIDEPLOY_BUILD_CACHE).
set -euo pipefail

ME=qemu-smoke.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:?usage: $ME OUTDIR [good|badsum|tools|all]}
CASES=${2:-all}
OUT=$(cd "$OUT" && pwd)
BOOT_TIMEOUT=${RPIDEPLOY_SMOKE_TIMEOUT:-900}
MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover virtio_net virtio_blk"

for tool in qemu-system-aarch64 python3 zstd apt-get dpkg-deb gzip sha256sum; do
    command -v "$tool" > /dev/null || { echo "$ME: missing $tool" >&2; exit 2; }
done
for f in initramfs-installer.cpio.gz runtime-arm64.tar.gz installer.jar; do
    [ -f "$OUT/$f" ] || { echo "$ME: $OUT/$f missing: run build-installer-env.sh first" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rpideploy-qemu-smoke.XXXXXX")
QEMU_PID=
HTTP_PID=
cleanup() {
    if [ -n "$QEMU_PID" ]; then kill "$QEMU_PID" 2>/dev/null || true; wait "$QEMU_PID" 2>/dev/null || true; fi
    if [ -n "$HTTP_PID" ]; then kill "$HTTP_PID" 2>/dev/null || true; wait "$HTTP_PID" 2>/dev/null || true; fi
    if [ -n "${KEEP_WORK:-}" ]; then echo "$ME: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
say() {
    echo "$ME: $*" >&2
}
FAILED=0
check() { # description, then a command that must succeed
    local what=$1
    shift
    if "$@"; then say "  ok: $what"; else say "  FAILED: $what"; FAILED=1; fi
}

# ---------------------------------------------------------------------------------------------------------
# guest kernel and its virtio modules, as a second cpio appended to the initramfs

CACHE=${RPIDEPLOY_BUILD_CACHE:-$HOME/.cache/rpi-deploy/installer-env}
APTDIR=$CACHE/apt
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$CACHE/debs"
touch "$APTDIR/status"
APT=(-q -o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o APT::Architectures::=amd64
    -o "Dir::State::Lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache" -o "Dir::State::status=$APTDIR/status"
    -o Debug::NoLocking=1)
if [ "$(id -u)" = 0 ]; then APT+=(-o APT::Sandbox::User=root); fi
if ! ls "$APTDIR/lists/"*_Packages* > /dev/null 2>&1; then
    apt-get "${APT[@]}" update > "$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log" >&2; exit 1; }
fi
KPKG=$(apt-cache "${APT[@]}" depends linux-image-cloud-arm64 | sed -n 's/.*Depends: \(linux-image-[0-9].*-cloud-arm64\)$/\1/p' | head -n 1)
[ -n "$KPKG" ] || { say "cannot find the cloud kernel package"; exit 1; }
KDEB=$(ls "$CACHE/debs/${KPKG}_"*_arm64.deb 2>/dev/null | head -n 1 || true)
if [ -z "$KDEB" ]; then
    (cd "$CACHE/debs" && apt-get "${APT[@]}" download "$KPKG:arm64" > "$WORK/apt.log" 2>&1) \
        || { cat "$WORK/apt.log" >&2; exit 1; }
    KDEB=$(ls "$CACHE/debs/${KPKG}_"*_arm64.deb | head -n 1)
fi
say "guest kernel: $(basename "$KDEB")"
mkdir -p "$WORK/kernel"
dpkg-deb -x "$KDEB" "$WORK/kernel"
KVER=${KPKG#linux-image-}
VMLINUZ=$WORK/kernel/boot/vmlinuz-$KVER

MOD=$WORK/modules
mkdir -p "$MOD/etc/rpideploy"
: > "$MOD/etc/rpideploy/modules.order"
for m in $MODULES; do
    rel=$(cd "$WORK/kernel/lib/modules/$KVER" && find kernel -name "$m.ko*" | head -n 1)
    [ -n "$rel" ] || { say "module $m not in $KPKG"; exit 1; }
    mkdir -p "$MOD/lib/modules/$KVER/$(dirname "$rel")"
    cp "$WORK/kernel/lib/modules/$KVER/$rel" "$MOD/lib/modules/$KVER/$rel"
    echo "$rel" >> "$MOD/etc/rpideploy/modules.order"
done
"$HERE/mkcpio.sh" "$MOD" | gzip -9n > "$WORK/modules.cpio.gz"
cat "$OUT/initramfs-installer.cpio.gz" "$WORK/modules.cpio.gz" > "$WORK/initrd"
say "initrd: $(stat -c %s "$OUT/initramfs-installer.cpio.gz") + $(stat -c %s "$WORK/modules.cpio.gz") bytes of modules"

# ---------------------------------------------------------------------------------------------------------
# stand-in deployment server: /boot/installer-env/*, /images/test.img.zst, POST /api/config and /api/status

WWW=$WORK/www
mkdir -p "$WWW/boot/installer-env" "$WWW/images"
for f in runtime-arm64.tar.gz installer.jar; do ln -s "$OUT/$f" "$WWW/boot/installer-env/$f"; done
# an 8 MiB image: 3 MiB of pseudo-random bytes after a 1 MiB head, then zeros
{ head -c 1048576 /dev/urandom; head -c 3145728 /dev/urandom; head -c 4194304 /dev/zero; } > "$WORK/test.img"
# write_config RAW_IMAGE: the /api/config answer for RAW_IMAGE, compressed with zstd and served as images/NAME.zst
write_config() {
    local raw=$1 zst
    zst=$WWW/images/$(basename "$1").zst
    zstd -q -f -3 -o "$zst" "$raw"
    IMG_RAW_SHA=$(sha256sum "$raw" | cut -d' ' -f1)
    IMG_SIZE=$(stat -c %s "$raw")
    cat > "$WORK/config.json" <<EOF
{"hostname": "kxp2-smoke-01", "product_type": "KXP2", "venue_code": "SMOKE",
 "image_url": "http://10.0.2.100:8080/images/$(basename "$zst")", "image_size": $(stat -c %s "$zst"),
 "image_checksum": "$(sha256sum "$zst" | cut -d' ' -f1)", "image_uncompressed_size": $IMG_SIZE,
 "image_uncompressed_checksum": "$IMG_RAW_SHA", "version": "smoke", "deployment_id": 1}
EOF
}

# os.img for case tools: an MBR with a FAT boot partition (4 MiB..12 MiB) and an ext4 root (12 MiB..32 MiB),
# laid out like Raspberry Pi OS Bookworm, so the installer's customization has something to change
make_os_image() {
    local d=$WORK/osimg
    mkdir -p "$d/root/etc"
    echo raspberrypi > "$d/root/etc/hostname"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\traspberrypi\n' > "$d/root/etc/hosts"
    printf 'proc /proc proc defaults 0 0\n/dev/mmcblk0p1 /boot/firmware vfat defaults 0 2\n/dev/mmcblk0p2 / ext4 defaults,noatime 0 1\n' \
        > "$d/root/etc/fstab"
    truncate -s 8M "$d/boot.part"
    mkfs.vfat -n BOOTFS "$d/boot.part" > /dev/null
    echo 'console=serial0,115200 console=tty1 root=/dev/mmcblk0p2 rootfstype=ext4 fsck.repair=yes rootwait' > "$d/cmdline.txt"
    MTOOLS_SKIP_CHECK=1 mcopy -i "$d/boot.part" "$d/cmdline.txt" ::cmdline.txt
    truncate -s 20M "$d/root.part"
    mkfs.ext4 -q -F -L rootfs -d "$d/root" "$d/root.part"
    truncate -s 32M "$WORK/os.img"
    printf 'label: dos\nstart=8192, size=16384, type=c\nstart=24576, size=40960, type=83\n' \
        | sfdisk -q "$WORK/os.img" > /dev/null
    dd if="$d/boot.part" of="$WORK/os.img" bs=1M seek=4 conv=notrunc status=none
    dd if="$d/root.part" of="$WORK/os.img" bs=1M seek=12 conv=notrunc status=none
}

cat > "$WORK/server.py" <<'EOF'
# Stand-in for the deployment server: static files plus the two POST endpoints the board uses.
import http.server, json, os, sys, threading
www, work = sys.argv[1], sys.argv[2]
lock = threading.Lock()

class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=www, **kw)

    def log_message(self, fmt, *args):
        with lock, open(os.path.join(work, "http.log"), "a") as f:
            f.write("%s\n" % (fmt % args))

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        if self.path == "/api/status":
            with lock, open(os.path.join(work, "status.log"), "a") as f:
                f.write("%s %s\n" % (self.headers.get("Content-Type"), body.decode("utf-8", "replace")))
            answer = {"ok": True, "deployment_id": 1}
        elif self.path == "/api/config":
            with open(os.path.join(work, "config.json")) as f:
                answer = json.load(f)
        else:
            self.send_error(404)
            return
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(work, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(work, "port.tmp"), os.path.join(work, "port"))
server.serve_forever()
EOF

# QEMU's guestfwd to a "tcp:" character device connects once at start and carries one connection; "cmd:"
# starts a program per guest connection with the connection on fds 0-2. This relay joins it to the server.
cat > "$WORK/relay.py" <<'EOF'
import os, select, socket, sys
os.dup2(os.open(os.devnull, os.O_WRONLY), 2)   # fd 2 is the guest's connection: keep tracebacks off it
guest = socket.socket(fileno=0)
server = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
server.settimeout(None)
peer = {guest: server, server: guest}
reading = {guest, server}
while reading:
    ready, _, _ = select.select(list(reading), [], [], 300)
    if not ready:
        break
    for s in ready:
        data = s.recv(65536)
        if data:
            peer[s].sendall(data)
        else:
            reading.discard(s)
            try:
                peer[s].shutdown(socket.SHUT_WR)
            except OSError:
                pass
EOF

PY=$(python3 -c 'import sys; print(sys.executable)')
"$PY" "$WORK/server.py" "$WWW" "$WORK" > "$WORK/server.out" 2>&1 &
HTTP_PID=$!
for _ in $(seq 50); do [ -f "$WORK/port" ] && break; sleep 0.1; done
[ -f "$WORK/port" ] || { say "stand-in server did not start"; cat "$WORK/server.out" >&2; exit 1; }
PORT=$(cat "$WORK/port")
say "stand-in server on 127.0.0.1:$PORT"

RT_SHA=$(sha256sum "$OUT/runtime-arm64.tar.gz" | cut -d' ' -f1)
JAR_SHA=$(sha256sum "$OUT/installer.jar" | cut -d' ' -f1)
SERIAL=00000000c0ffee01

# ---------------------------------------------------------------------------------------------------------

# boot NAME INSTALLER_SHA CUSTOMIZE: starts QEMU in the background (QEMU_PID), console in $WORK/NAME.console
boot() {
    local name=$1 jar_sha=$2 customize=$3
    truncate -s 64M "$WORK/$name.disk"
    : > "$WORK/status.log"
    qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 1024 -nographic -no-reboot \
        -monitor none -serial "file:$WORK/$name.console" \
        -kernel "$VMLINUZ" -initrd "$WORK/initrd" \
        -append "console=ttyAMA0 panic=5 rpideploy.server=http://10.0.2.100:8080 rpideploy.runtime_sha256=$RT_SHA rpideploy.installer_sha256=$jar_sha rpideploy.serial=$SERIAL rpideploy.device=/dev/vda rpideploy.verify=sample rpideploy.customize=$customize rpideploy.config-wait=60" \
        -netdev "user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:8080-cmd:$PY $WORK/relay.py $PORT" \
        -device virtio-net-pci,netdev=n0 \
        -drive "file=$WORK/$name.disk,format=raw,if=none,id=d0" -device virtio-blk-pci,drive=d0 \
        < /dev/null > "$WORK/$name.qemu.log" 2>&1 &
    QEMU_PID=$!
    BOOT_START=$(date +%s)
}

# wait_console NAME PATTERN SECONDS: until the console shows PATTERN (0), QEMU exits (1) or time is up (2)
wait_console() {
    local name=$1 pattern=$2 limit=$3 start
    start=$(date +%s)
    while [ $(( $(date +%s) - start )) -lt "$limit" ]; do
        if grep -qa -- "$pattern" "$WORK/$name.console" 2>/dev/null; then return 0; fi
        if ! kill -0 "$QEMU_PID" 2>/dev/null; then
            grep -qa -- "$pattern" "$WORK/$name.console" 2>/dev/null && return 0
            return 1
        fi
        sleep 1
    done
    return 2
}

# wait_exit NAME SECONDS: until QEMU exits (0), or /init shows its failure screen or time is up (1)
wait_exit() {
    local name=$1 limit=$2 start
    start=$(date +%s)
    while kill -0 "$QEMU_PID" 2>/dev/null; do
        if [ $(( $(date +%s) - start )) -ge "$limit" ]; then return 1; fi
        if grep -qa 'This board will NOT reboot' "$WORK/$name.console" 2>/dev/null; then return 1; fi
        sleep 1
    done
    wait "$QEMU_PID" 2>/dev/null || true
    QEMU_PID=
    return 0
}

stop_qemu() {
    if [ -n "$QEMU_PID" ]; then
        kill "$QEMU_PID" 2>/dev/null || true
        wait "$QEMU_PID" 2>/dev/null || true
        QEMU_PID=
    fi
}

stages() {
    say "  stages ($1, seconds since the guest kernel started; wall clock $(( $(date +%s) - BOOT_START )) s):"
    tr -d '\r' < "$WORK/$1.console" | grep -a 'rpideploy: \[' | sed 's/^/      /' >&2 || true
}

run_good() {
    say "case good: boot, DHCP, downloads, installer writes the image, reboot"
    write_config "$WORK/test.img"
    boot good "$JAR_SHA" none
    wait_exit good "$BOOT_TIMEOUT" || say "  QEMU did not exit (failure screen, or $BOOT_TIMEOUT s up)"
    stop_qemu
    stages good
    check "address from DHCP" grep -qa 'rpideploy: \[.*address 10.0.2.15' "$WORK/good.console"
    check "installer started" grep -qa 'starting the installer' "$WORK/good.console"
    check "installer exited 0" grep -qa 'installer exited with code 0' "$WORK/good.console"
    check "guest rebooted (QEMU exited through -no-reboot)" grep -qa 'installation finished, rebooting' "$WORK/good.console"
    check "server got status success" grep -q '"status": *"success"' "$WORK/status.log"
    cp "$WORK/status.log" "$WORK/good.status"
    check "disk holds the image" test "$(head -c 8388608 "$WORK/good.disk" | sha256sum | cut -d' ' -f1)" = "$IMG_RAW_SHA"
}

run_badsum() {
    say "case badsum: wrong installer SHA-256 -> failure on the console, 'failed' reported, no reboot"
    boot badsum 0000000000000000000000000000000000000000000000000000000000000000 none
    local r=0
    wait_console badsum 'This board will NOT reboot' "$BOOT_TIMEOUT" || r=$?
    if [ "$r" = 0 ]; then
        # still there 30 s later: a reboot would have ended QEMU (-no-reboot)
        sleep 30
        check "no reboot within 30 s of the failure" kill -0 "$QEMU_PID"
    fi
    stop_qemu
    stages badsum
    cp "$WORK/status.log" "$WORK/badsum.status"
    check "failure shown on the console" grep -qa 'INSTALLATION FAILED: checksum mismatch for the installer' "$WORK/badsum.console"
    check "big FAILED banner" grep -qa '########    ###    #### ##' "$WORK/badsum.console"
    check "server got status failed as JSON" \
        grep -q '^application/json {"serial": "'"$SERIAL"'", "mac_address": "52:54:00:12:34:56", "status": "failed"' "$WORK/status.log"
    check "installer never started" sh -c "! grep -qa 'starting the installer' '$WORK/badsum.console'"
}

run_tools() {
    say "case tools: Raspberry Pi OS-like image customized with the runtime's mtools and debugfs (no mount)"
    make_os_image
    write_config "$WORK/os.img"
    boot tools "$JAR_SHA" tools
    wait_exit tools "$BOOT_TIMEOUT" || say "  QEMU did not exit (failure screen, or $BOOT_TIMEOUT s up)"
    stop_qemu
    stages tools
    cp "$WORK/status.log" "$WORK/tools.status"
    check "installer exited 0" grep -qa 'installer exited with code 0' "$WORK/tools.console"
    check "server got status success" grep -q '"status": *"success"' "$WORK/status.log"
    check "ext4 /etc/hostname written by debugfs" \
        test "$(debugfs -R 'cat /etc/hostname' "$WORK/tools.disk?offset=12582912" 2>/dev/null)" = kxp2-smoke-01
    check "FAT cmdline.txt hooked by mtools" \
        sh -c "MTOOLS_SKIP_CHECK=1 mtype -i '$WORK/tools.disk@@4194304' ::cmdline.txt | grep -q 'systemd.run=/boot/firmware/firstrun.sh'"
}

case "$CASES" in
    good) run_good ;;
    badsum) run_badsum ;;
    tools) run_tools ;;
    all) run_good; run_badsum; run_tools ;;
    *) say "unknown case $CASES"; exit 2 ;;
esac
if [ -n "${SMOKE_LOGS:-}" ]; then
    mkdir -p "$SMOKE_LOGS"
    cp "$WORK"/*.console "$WORK"/*.status "$WORK"/http.log "$SMOKE_LOGS/" 2>/dev/null || true
fi
if [ "$FAILED" = 0 ]; then say "PASSED"; else say "FAILED (SMOKE_LOGS=DIR keeps the consoles)"; fi
exit "$FAILED"
