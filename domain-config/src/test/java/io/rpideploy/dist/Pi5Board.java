package io.rpideploy.dist;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Simulated Raspberry Pi 5 boards, run as their own JVM inside a test's network namespace: each does what the Pi 5
 * bootloader does (pi5-netboot.md sections 3-5) and then what the installer environment's {@code /init} does, and
 * prints one line per board: its timings and what it found wrong.
 * <ol>
 *   <li>DHCP with the Pi 5's signature: vendor class {@code PXEClient:Arch:00000:UNDI:002001}, arch 0, option 97 (the
 *   {@code RPi5} FourCC, or the older form: the serial four times), and a REQUEST without option 60 (rpi-eeprom#82);
 *   the OFFER must carry option 43 "Raspberry Pi Boot".</li>
 *   <li>TFTP from {@code siaddr} at blksize 1468 with tsize and without windowsize: {@code <serial>/config.txt} probed
 *   (aborted after the OACK, "Early terminate") then read, a probe for {@code pieeprom.sig} that must be a fast "file
 *   not found", the device tree, {@code overlays/overlay_map.dtb} (optional), {@code cmdline.txt}, the kernel and the
 *   initramfs that {@code config.txt} names; each within 65535 blocks (bootloaders before 2025-09-23).</li>
 *   <li>HTTP: the runtime and {@code installer.jar} from the server {@code cmdline.txt} names, each checked against
 *   the SHA-256 on that line; then the installer's {@code starting} report.</li>
 * </ol>
 * Arguments: {@code boards firstSerialHex guidForm(fourcc|repeated) [httpStage(true|false)] [tftpBytesPerSecond]}:
 * a Pi 5's bootloader fetches at 1.7-4.9 MB/s (pi5-netboot.md section 5), so a bench of real boards is paced by its
 * clients; 0 fetches as fast as the server answers.
 */
public final class Pi5Board {

    static final int BLOCK_SIZE = 1468;
    /** A bootloader before 2025-09-23 fails past this many blocks (rpi-eeprom#720). */
    static final int MAX_BLOCKS = 65535;
    /** Files up to this size are kept to be read; larger ones are only counted. */
    static final int KEEP_BYTES = 1 << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Map<Integer, LinkedBlockingQueue<byte[]>> REPLIES = new ConcurrentHashMap<>();
    /** Bytes per second a board's TFTP client takes at most (0: unpaced). */
    private static long tftpRate;

    public static void main(String[] args) throws Exception {
        int boards = Integer.parseInt(args[0]);
        long firstSerial = Long.parseLong(args[1], 16);
        boolean repeated = args[2].equals("repeated");
        boolean http = args.length < 4 || Boolean.parseBoolean(args[3]);
        tftpRate = args.length < 5 ? 0 : Long.parseLong(args[4]);
        PrintStream out = System.out;
        try (DatagramSocket dhcp = new DatagramSocket(null)) {
            dhcp.setReuseAddress(true);
            dhcp.setBroadcast(true);
            dhcp.bind(new InetSocketAddress(68));
            Thread receiver = new Thread(() -> receive(dhcp), "dhcp-receiver");
            receiver.setDaemon(true);
            receiver.start();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < boards; i++) {
                String serial = String.format("%08x", firstSerial + i);
                byte[] mac = {0x2c, (byte) 0xcf, 0x67, 0x00, (byte) (i >> 8), (byte) i};
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        lines.add(new Pi5Board(dhcp, serial, mac, repeated, http).boot());
                    } catch (Exception | Error e) {
                        lines.add("{\"serial\":\"" + serial + "\",\"error\":\"" + json(String.valueOf(e)) + "\"}");
                    }
                }, "board-" + serial);
                t.start();
                threads.add(t);
            }
            start.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.MINUTES.toMillis(10));
            }
            lines.forEach(out::println);
        }
    }

    private final DatagramSocket dhcp;
    private final String serial;
    private final byte[] mac;
    private final boolean repeatedGuid;
    private final boolean httpStage;
    private final Map<String, Object> report = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private Pi5Board(DatagramSocket dhcp, String serial, byte[] mac, boolean repeatedGuid, boolean httpStage) {
        this.dhcp = dhcp;
        this.serial = serial;
        this.mac = mac;
        this.repeatedGuid = repeatedGuid;
        this.httpStage = httpStage;
    }

    private String boot() throws Exception {
        long t0 = System.nanoTime();
        report.put("serial", serial);
        int xid = (int) (Long.parseLong(serial, 16) * 2654435761L);
        LinkedBlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
        REPLIES.put(xid, replies);
        byte[] offer = exchange(request(xid, 1, null, null), replies, 2);
        if (!contains(option(offer, 43), "Raspberry Pi Boot".getBytes(StandardCharsets.US_ASCII))) {
            problems.add("OFFER without the Raspberry Pi PXE menu (option 43)");
        }
        byte[] yiaddr = java.util.Arrays.copyOfRange(offer, 16, 20);
        byte[] serverId = option(offer, 54);
        byte[] ack = exchange(request(xid, 3, yiaddr, serverId), replies, 5);
        // siaddr, as the bootloader takes it; a server that leaves it empty is asked at option 66, then 54
        byte[] siaddr = java.util.Arrays.copyOfRange(ack, 20, 24);
        InetAddress tftp = siaddr[0] != 0 ? InetAddress.getByAddress(siaddr)
                : option(ack, 66) != null ? InetAddress.getByName(new String(option(ack, 66), StandardCharsets.US_ASCII))
                : InetAddress.getByAddress(option(ack, 54));
        report.put("tftp_server", tftp.getHostAddress());
        report.put("ip", InetAddress.getByAddress(yiaddr).getHostAddress());
        report.put("dhcp_ms", ms(t0));

        long t1 = System.nanoTime();
        Tftp client = new Tftp(tftp);
        client.probe(serial + "/config.txt");
        String config = new String(client.read(serial + "/config.txt"), StandardCharsets.US_ASCII);
        client.read(serial + "/config.txt"); // a Pi reads it more than once (rpi-eeprom#87)
        String kernel = setting(config, "kernel=", "kernel_2712.img");
        String initramfs = config.lines().filter(l -> l.startsWith("initramfs ")).map(l -> l.split("\\s+")[1])
                .findFirst().orElse(null);
        if (initramfs == null) {
            problems.add("config.txt names no initramfs");
        }
        if (!config.contains("bootloader_update=0")) {
            problems.add("config.txt lets the bootloader update itself");
        }
        long probe = System.nanoTime();
        int code = client.missing(serial + "/pieeprom.sig");
        if (code != 1) {
            problems.add("pieeprom.sig: expected 'file not found', got " + code);
        }
        report.put("not_found_ms", ms(probe));
        client.read(serial + "/bcm2712-rpi-5-b.dtb");
        client.optional(serial + "/overlays/overlay_map.dtb");
        String cmdline = new String(client.read(serial + "/cmdline.txt"), StandardCharsets.US_ASCII).trim();
        client.read(serial + "/" + kernel);
        long kernelBytes = client.lastSize;
        long initrd = 0;
        if (initramfs != null) {
            client.read(serial + "/" + initramfs);
            initrd = client.lastSize;
        }
        report.put("tftp_ms", ms(t1));
        report.put("tftp_bytes", client.bytes);
        report.put("kernel_bytes", kernelBytes);
        report.put("initramfs_bytes", initrd);
        report.put("largest_blocks", client.largestBlocks);

        if (httpStage) {
            long t2 = System.nanoTime();
            String server = word(cmdline, "rpideploy.server=");
            // HTTP/1.1 as busybox wget in /init speaks it
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            check(http, server + "/boot/installer-env/runtime-arm64.tar.gz", word(cmdline, "rpideploy.runtime_sha256="));
            check(http, server + "/boot/installer-env/installer.jar", word(cmdline, "rpideploy.installer_sha256="));
            report.put("http_ms", ms(t2));
            String macText = HexFormat.ofDelimiter(":").formatHex(mac);
            HttpResponse<String> starting = http.send(HttpRequest.newBuilder(URI.create(server + "/api/status"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"starting\",\"serial\":\"" + serial
                            + "\",\"mac_address\":\"" + macText + "\",\"message\":\"installer starting\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (starting.statusCode() != 200 && starting.statusCode() != 201) {
                problems.add("starting report: HTTP " + starting.statusCode() + " " + starting.body());
            }
        }
        report.put("total_ms", ms(t0));
        report.put("problems", problems);
        return toJson(report);
    }

    /** Downloads and hashes as it reads, as /init does (twenty runtimes would not fit the boards' JVM). */
    private void check(HttpClient http, String url, String sha256) throws Exception {
        HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (java.io.InputStream in = r.body()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        if (r.statusCode() != 200) {
            problems.add(url + ": HTTP " + r.statusCode());
            return;
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(sha256)) {
            problems.add(url + ": SHA-256 " + actual + " is not the " + sha256 + " on the command line");
        }
    }

    // --- DHCP (RFC 2131 message layout, RFC 2132 options) ---

    private byte[] request(int xid, int type, byte[] requested, byte[] serverId) {
        ByteBuffer b = ByteBuffer.allocate(548);
        b.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(xid).putShort((short) 0)
                .putShort((short) 0x8000); // broadcast flag: no address yet
        b.position(28);
        b.put(mac);
        b.position(236);
        b.putInt(0x63825363);
        b.put((byte) 53).put((byte) 1).put((byte) type);
        if (type == 1) {
            // the DISCOVER carries option 60; the REQUEST does not (a Pi 4-era quirk kept on purpose)
            byte[] vendor = "PXEClient:Arch:00000:UNDI:002001".getBytes(StandardCharsets.US_ASCII);
            b.put((byte) 60).put((byte) vendor.length).put(vendor);
        }
        b.put((byte) 93).put((byte) 2).putShort((short) 0);
        b.put((byte) 94).put((byte) 3).put((byte) 1).put((byte) 2).put((byte) 1);
        b.put((byte) 97).put((byte) 17).put((byte) 0).put(guid());
        b.put((byte) 55).put((byte) 9).put(new byte[] {1, 3, 43, 60, 66, 67, (byte) 128, (byte) 129, (byte) 130});
        if (requested != null) {
            b.put((byte) 50).put((byte) 4).put(requested);
        }
        if (serverId != null) {
            b.put((byte) 54).put((byte) 4).put(serverId);
        }
        b.put((byte) 255);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    /** Four little-endian words (eeprom-bootloader.adoc, DHCP_OPTION97): FourCC, revision, MAC low 4, serial. */
    private byte[] guid() {
        ByteBuffer g = ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int s = (int) Long.parseLong(serial, 16);
        if (repeatedGuid) {
            return g.putInt(s).putInt(s).putInt(s).putInt(s).array();
        }
        return g.put("RPi5".getBytes(StandardCharsets.US_ASCII)).putInt(0xd04170)
                .put(mac, 2, 4).putInt(s).array();
    }

    private byte[] exchange(byte[] packet, LinkedBlockingQueue<byte[]> replies, int wanted) throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            dhcp.send(new DatagramPacket(packet, packet.length, InetAddress.getByName("255.255.255.255"), 67));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < deadline) {
                byte[] reply = replies.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (reply != null) {
                    byte[] type = option(reply, 53);
                    if (type != null && type[0] == wanted) {
                        return reply;
                    }
                    if (type != null && type[0] == 6) {
                        throw new IOException("DHCPNAK");
                    }
                }
            }
        }
        throw new IOException("no DHCP answer of type " + wanted);
    }

    private static void receive(DatagramSocket socket) {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                socket.receive(p);
                byte[] data = java.util.Arrays.copyOf(p.getData(), p.getLength());
                if (data.length >= 240 && data[0] == 2) {
                    LinkedBlockingQueue<byte[]> q = REPLIES.get(ByteBuffer.wrap(data, 4, 4).getInt());
                    if (q != null) {
                        q.add(data);
                    }
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    static byte[] option(byte[] packet, int code) {
        for (int i = 240; i < packet.length; ) {
            int c = packet[i] & 0xff;
            if (c == 255) {
                break;
            }
            if (c == 0) {
                i++;
                continue;
            }
            int len = packet[i + 1] & 0xff;
            if (c == code) {
                return java.util.Arrays.copyOfRange(packet, i + 2, i + 2 + len);
            }
            i += 2 + len;
        }
        return null;
    }

    // --- TFTP as the bootloader does it (RFC 1350, 2347-2349) ---

    private final class Tftp {
        private final InetAddress server;
        long bytes;
        long lastSize;
        int largestBlocks;

        Tftp(InetAddress server) {
            this.server = server;
        }

        byte[] read(String name) throws IOException {
            byte[] data = transfer(name, false);
            if (data == null) {
                throw new IOException("TFTP " + name + ": file not found");
            }
            return data;
        }

        void optional(String name) throws IOException {
            transfer(name, false);
        }

        /** A probe: request, then abort with "Early terminate" once the server answered. */
        void probe(String name) throws IOException {
            transfer(name, true);
        }

        /** The error code answered, or 0 if the file was there. */
        int missing(String name) throws IOException {
            return transfer(name, false) == null ? 1 : 0;
        }

        private byte[] transfer(String name, boolean abort) throws IOException {
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout((int) TIMEOUT.toMillis());
                ByteBuffer rrq = ByteBuffer.allocate(512);
                rrq.putShort((short) 1).put(name.getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
                        .put("octet".getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
                        .put("tsize".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) '0').put((byte) 0)
                        .put("blksize".getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
                        .put(Integer.toString(BLOCK_SIZE).getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
                DatagramPacket request = new DatagramPacket(rrq.array(), rrq.position(), server, 69);
                byte[] buffer = new byte[BLOCK_SIZE + 4];
                // small files are kept (config.txt, cmdline.txt are read); large ones only counted: twenty boards'
                // kernels would not fit the boards' JVM
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                long received = 0;
                long begun = System.nanoTime();
                int expected = 1;
                int blockSize = 512;
                InetSocketAddress peer = null;
                DatagramPacket last = request;
                int retries = 0;
                s.send(request);
                while (true) {
                    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        if (++retries > 5) {
                            throw new IOException("TFTP " + name + ": timed out at block " + expected);
                        }
                        s.send(last);
                        continue;
                    }
                    if (peer == null) {
                        peer = (InetSocketAddress) p.getSocketAddress();
                    }
                    ByteBuffer in = ByteBuffer.wrap(p.getData(), 0, p.getLength());
                    int op = in.getShort() & 0xffff;
                    if (op == 5) {
                        int code = in.getShort() & 0xffff;
                        if (code == 1) {
                            return null;
                        }
                        throw new IOException("TFTP " + name + ": error " + code);
                    }
                    if (op == 6) { // OACK
                        String[] options = new String(p.getData(), 2, p.getLength() - 2, StandardCharsets.US_ASCII)
                                .split("\0");
                        for (int i = 0; i + 1 < options.length; i += 2) {
                            if (options[i].equalsIgnoreCase("blksize")) {
                                blockSize = Integer.parseInt(options[i + 1]);
                            }
                            if (options[i].equalsIgnoreCase("tsize")) {
                                long blocks = Long.parseLong(options[i + 1]) / BLOCK_SIZE + 1;
                                largestBlocks = (int) Math.max(largestBlocks, blocks);
                                if (blocks > MAX_BLOCKS) {
                                    problems.add(name + ": " + blocks + " blocks, more than an old bootloader reads");
                                }
                            }
                        }
                        if (abort) {
                            byte[] error = ByteBuffer.allocate(20).putShort((short) 5).putShort((short) 0)
                                    .put("Early terminate".getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
                                    .array();
                            s.send(new DatagramPacket(error, error.length, peer));
                            return new byte[0];
                        }
                        last = ack(0, peer);
                        s.send(last);
                        continue;
                    }
                    if (op == 3) {
                        int block = in.getShort() & 0xffff;
                        if (block == (expected & 0xffff)) {
                            received += p.getLength() - 4;
                            if (tftpRate > 0) {
                                // the bootloader's own pace: acknowledge no sooner than its rate allows
                                long due = begun + received * 1_000_000_000L / tftpRate;
                                long wait = due - System.nanoTime();
                                if (wait > 0) {
                                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                                }
                            }
                            if (received <= KEEP_BYTES) {
                                out.write(p.getData(), 4, p.getLength() - 4);
                            }
                            last = ack(block, peer);
                            s.send(last);
                            expected++;
                            retries = 0;
                            if (p.getLength() - 4 < blockSize) {
                                bytes += received;
                                lastSize = received;
                                return out.toByteArray();
                            }
                        } else {
                            s.send(last); // duplicate: acknowledge what we have again
                        }
                    }
                }
            }
        }

        private DatagramPacket ack(int block, InetSocketAddress peer) {
            byte[] a = ByteBuffer.allocate(4).putShort((short) 4).putShort((short) block).array();
            return new DatagramPacket(a, a.length, peer);
        }
    }

    // --- small helpers ---

    private static String setting(String config, String key, String fallback) {
        return config.lines().filter(l -> l.startsWith(key)).map(l -> l.substring(key.length()).trim())
                .findFirst().orElse(fallback);
    }

    private static String word(String line, String prefix) {
        for (String w : line.split("\\s+")) {
            if (w.startsWith(prefix)) {
                return w.substring(prefix.length());
            }
        }
        return "";
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        if (hay == null) {
            return false;
        }
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static long ms(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    private static String toJson(Map<String, Object> map) {
        StringBuilder s = new StringBuilder("{");
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (s.length() > 1) {
                s.append(',');
            }
            s.append('"').append(e.getKey()).append("\":");
            Object v = e.getValue();
            if (v instanceof List<?> list) {
                s.append('[');
                for (int i = 0; i < list.size(); i++) {
                    s.append(i > 0 ? "," : "").append('"').append(json(String.valueOf(list.get(i)))).append('"');
                }
                s.append(']');
            } else if (v instanceof Number) {
                s.append(v);
            } else {
                s.append('"').append(json(String.valueOf(v))).append('"');
            }
        }
        return s.append('}').toString();
    }

    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
