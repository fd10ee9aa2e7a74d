package io.rpideploy.netboot.tftp;

import io.rpideploy.netboot.api.DhcpExchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.netboot.api.BootFile;
import io.rpideploy.netboot.api.TftpError;
import io.rpideploy.netboot.policy.BootFileSource;
import io.rpideploy.netboot.policy.NetbootEvents;
import io.rpideploy.netboot.api.TftpTransferReport;
import io.rpideploy.netboot.api.TftpTransferReport.Outcome;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server loop over loopback sockets: TIDs, refusals, malformed input, limits, timeouts, shutdown. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TftpServerTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path root;
    private byte[] file;
    private final LinkedBlockingQueue<TftpTransferReport> reports = new LinkedBlockingQueue<>();
    private final Set<String> reportThreads = ConcurrentHashMap.newKeySet();
    private TftpServer server;
    private Thread loop;
    private InetSocketAddress address;
    private DatagramSocket socket;

    @BeforeEach
    void files() throws IOException {
        file = new byte[5000];
        new Random(1).nextBytes(file);
        Files.write(root.resolve("a.bin"), file);
        socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        socket.setSoTimeout(2000);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
            loop.join(2000);
        }
        socket.close();
    }

    private TftpSettings settings(Duration timeout, int retries, int maxTransfers) {
        return new TftpSettings(new InetSocketAddress(LOOPBACK, 0), root, timeout, retries, 65464, 16,
                maxTransfers);
    }

    private void start(TftpSettings settings, BootFileSource source) throws IOException {
        server = new TftpServer(settings, source, new Recorder(), Clock.systemUTC());
        server.open();
        address = server.localAddress();
        loop = new Thread(server::run, "tftp-test-loop");
        loop.start();
    }

    private void start() throws IOException {
        start(settings(Duration.ofSeconds(1), 3, 10), BootFileSource.NONE);
    }

    private void send(byte[] bytes, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private void send(ByteBuffer packet, InetSocketAddress to) throws IOException {
        byte[] bytes = new byte[packet.remaining()];
        packet.get(bytes);
        send(bytes, to);
    }

    private record Received(TftpPacket packet, InetSocketAddress from) {
    }

    private static Received receive(DatagramSocket on) throws Exception {
        byte[] buffer = new byte[70_000];
        DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
        on.receive(datagram);
        return new Received(TftpPacket.decode(ByteBuffer.wrap(buffer, 0, datagram.getLength())),
                (InetSocketAddress) datagram.getSocketAddress());
    }

    private Received receive() throws Exception {
        return receive(socket);
    }

    private static ByteBuffer rrq(String name, Map<String, String> options) {
        return TftpPacket.encodeRequest(ByteBuffer.allocate(1024), false, name, "octet", options);
    }

    private TftpTransferReport report() throws InterruptedException {
        TftpTransferReport report = reports.poll(5, TimeUnit.SECONDS);
        assertTrue(report != null, "no transfer report");
        return report;
    }

    @Test
    void servesAFileAndReportsItOnce() throws Exception {
        start();
        try (TftpTestClient client = new TftpTestClient(2000)) {
            assertArrayEquals(file, client.get(address, "a.bin", Map.of("blksize", "1468", "tsize", "0")));
            TftpTransferReport report = report();
            assertEquals(Outcome.COMPLETED, report.outcome());
            assertEquals(5000, report.bytes());
            assertEquals(1468, report.blockSize());
            assertEquals(1, report.windowSize());
            assertEquals("a.bin", report.filename());
            assertEquals(client.localPort(), report.client().getPort());
            assertFalse(report.duration().isNegative());
        }
        assertNull(reports.poll(200, TimeUnit.MILLISECONDS), "exactly one report per transfer");
        assertEquals(0, server.activeTransfers());
    }

    @Test
    void tsizeIsTheRealSize() throws Exception {
        start();
        send(rrq("a.bin", Map.of("tsize", "0", "blksize", "1468", "x-unknown", "1")), address);
        TftpPacket.OptionAck oack = assertInstanceOf(TftpPacket.OptionAck.class, receive().packet());
        assertEquals(Map.of("tsize", "5000", "blksize", "1468"), oack.options());
    }

    @Test
    void unknownTransferIdGetsErrorFiveAndTheTransferGoesOn() throws Exception {
        start();
        send(rrq("a.bin", Map.of()), address);
        Received first = receive();
        assertEquals(new TftpPacket.Data(1, 512), first.packet());
        InetSocketAddress tid = first.from();
        assertNotEquals(address.getPort(), tid.getPort(), "RFC 1350: a new TID per transfer");
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            stranger.setSoTimeout(2000);
            byte[] ack = {0, 4, 0, 1};
            stranger.send(new DatagramPacket(ack, ack.length, tid));
            TftpPacket.Error error = assertInstanceOf(TftpPacket.Error.class, receive(stranger).packet());
            assertEquals(5, error.code());
        }
        for (int block = 1; block <= 10; block++) {
            send(new byte[] {0, 4, 0, (byte) block}, tid);
            Received next = receive();
            TftpPacket.Data data = assertInstanceOf(TftpPacket.Data.class, next.packet());
            assertEquals(block + 1, data.block());
            if (data.length() < 512) {
                send(new byte[] {0, 4, 0, (byte) (block + 1)}, tid);
                break;
            }
        }
        assertEquals(Outcome.COMPLETED, report().outcome());
    }

    @Test
    void malformedPacketsGetErrorFourAndTheLoopLivesOn() throws Exception {
        start();
        List<byte[]> bad = List.of(new byte[] {0}, new byte[] {0, 9, 1, 2}, new byte[] {0, 1, 'a'},
                TftpPacketTest.packet(1, "x".repeat(300), "octet"), new byte[] {(byte) 0xFF, (byte) 0xFF, 0, 0},
                new byte[] {0, 4, 0, 1});
        for (byte[] packet : bad) {
            send(packet, address);
            TftpPacket.Error error = assertInstanceOf(TftpPacket.Error.class, receive().packet());
            assertEquals(4, error.code());
        }
        send(new byte[] {0, 5, 0, 0, 'x', 0}, address);
        try (TftpTestClient client = new TftpTestClient(2000)) {
            assertArrayEquals(file, client.get(address, "a.bin", Map.of()));
        }
    }

    @Test
    void writeRequestIsAnAccessViolation() throws Exception {
        start();
        send(TftpPacket.encodeRequest(ByteBuffer.allocate(100), true, "new.bin", "octet", Map.of()), address);
        TftpPacket.Error error = assertInstanceOf(TftpPacket.Error.class, receive().packet());
        assertEquals(2, error.code());
        TftpTransferReport report = report();
        assertEquals(Outcome.REFUSED, report.outcome());
        assertEquals("new.bin", report.filename());
        assertFalse(Files.exists(root.resolve("new.bin")));
    }

    @Test
    void aLeadingSlashMeansTheBootTreesRoot() throws Exception {
        start();
        try (TftpTestClient client = new TftpTestClient(2000)) {
            assertArrayEquals(file, client.get(address, "/a.bin", Map.of()), "UEFI GRUB asks /grub/grub.cfg");
        }
    }

    @Test
    void refusalsCarryTheirCodes() throws Exception {
        start();
        for (String name : List.of("missing.bin", "../a.bin", "/etc/passwd", "//../a.bin")) {
            send(rrq(name, Map.of()), address);
            TftpPacket.Error error = assertInstanceOf(TftpPacket.Error.class, receive().packet());
            // a leading slash is the tree's root (as tftpd-hpa -s and dnsmasq): /etc/passwd is etc/passwd in it
            assertEquals(name.contains("..") ? 2 : 1, error.code(), name);
            assertEquals(Outcome.REFUSED, report().outcome());
        }
        send(TftpPacket.encodeRequest(ByteBuffer.allocate(100), false, "a.bin", "mail", Map.of()), address);
        assertEquals(4, ((TftpPacket.Error) receive().packet()).code());
        send(TftpPacket.encodeRequest(ByteBuffer.allocate(100), false, "a.bin", "NetASCII", Map.of()), address);
        assertEquals(new TftpPacket.Data(1, 512), receive().packet(), "netascii is served as octet");
    }

    @Test
    void theEngineChecksOnDiskAnswersItself() throws Exception {
        Path outside = Files.createTempFile("rpdt-outside", ".txt");
        try {
            Files.createSymbolicLink(root.resolve("out-link"), outside);
            Files.createDirectories(root.resolve("subdir"));
            start(settings(Duration.ofSeconds(1), 3, 10), request -> switch (request.name()) {
                case "outside" -> new BootFile.OnDisk(outside);
                // directly in the root, where the engine checks with one lstat
                case "link" -> new BootFile.OnDisk(root.resolve("out-link"));
                case "dir" -> new BootFile.OnDisk(root.resolve("subdir"));
                case "inside" -> new BootFile.OnDisk(root.resolve("a.bin"));
                case "generated" -> new BootFile.Generated(new byte[] {1, 2, 3});
                case "boom" -> throw new IllegalStateException("policy bug");
                default -> new BootFile.Refused(TftpError.FILE_NOT_FOUND, "nope");
            });
            for (String refused : List.of("outside", "link", "dir")) {
                send(rrq(refused, Map.of()), address);
                assertEquals(2, ((TftpPacket.Error) receive().packet()).code(), refused);
            }
            try (TftpTestClient client = new TftpTestClient(2000)) {
                assertArrayEquals(file, client.get(address, "inside", Map.of()));
            }
            send(rrq("boom", Map.of()), address);
            assertEquals(0, ((TftpPacket.Error) receive().packet()).code());
            try (TftpTestClient client = new TftpTestClient(2000)) {
                assertArrayEquals(new byte[] {1, 2, 3}, client.get(address, "generated", Map.of()));
            }
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void aSmallFileEditedBetweenTwoRequestsIsServedAsItIsNow() throws Exception {
        start();
        try (TftpTestClient client = new TftpTestClient(2000)) {
            assertArrayEquals(file, client.get(address, "a.bin", Map.of()));
            byte[] edited = file.clone();
            edited[0] ^= 1;
            Files.write(root.resolve("a.bin"), edited);
            Files.setLastModifiedTime(root.resolve("a.bin"), java.nio.file.attribute.FileTime.fromMillis(
                    Files.getLastModifiedTime(root.resolve("a.bin")).toMillis() + 1000));
            assertArrayEquals(edited, client.get(address, "a.bin", Map.of()), "not the copy kept in memory");
        }
    }

    @Test
    void beyondMaxTransfersTheServerIsBusy() throws Exception {
        start(settings(Duration.ofSeconds(5), 3, 1), BootFileSource.NONE);
        send(rrq("a.bin", Map.of()), address);
        assertInstanceOf(TftpPacket.Data.class, receive().packet());
        assertEquals(1, server.activeTransfers());
        send(rrq("a.bin", Map.of()), address);
        assertNull(reports.poll(300, TimeUnit.MILLISECONDS), "a repeated request from the same port is ignored");
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            other.setSoTimeout(2000);
            ByteBuffer request = rrq("a.bin", Map.of());
            other.send(new DatagramPacket(request.array(), request.limit(), address));
            TftpPacket.Error busy = assertInstanceOf(TftpPacket.Error.class, receive(other).packet());
            assertEquals(0, busy.code());
            assertTrue(busy.message().contains("busy"), busy.message());
        }
        assertEquals(Outcome.REFUSED, report().outcome());
    }

    @Test
    void retransmitsThenGivesUp() throws Exception {
        start(settings(Duration.ofMillis(100), 2, 10), BootFileSource.NONE);
        send(rrq("a.bin", Map.of()), address);
        for (int i = 0; i < 3; i++) {
            assertEquals(new TftpPacket.Data(1, 512), receive().packet(), "send " + i);
        }
        TftpTransferReport report = report();
        assertEquals(Outcome.FAILED, report.outcome());
        assertEquals(0, report.bytes());
        assertEquals(0, server.activeTransfers());
    }

    @Test
    void clientErrorAbortsTheTransfer() throws Exception {
        start();
        send(rrq("a.bin", Map.of("blksize", "1468", "tsize", "0")), address);
        Received oack = receive();
        send(TftpPacket.encodeError(ByteBuffer.allocate(64), 0, "Early terminate"), oack.from());
        TftpTransferReport report = report();
        assertEquals(Outcome.ABORTED, report.outcome());
        assertEquals(1468, report.blockSize());
    }

    @Test
    void bindFailureSaysWhere() throws Exception {
        start();
        TftpServer second = new TftpServer(new TftpSettings(address, root, Duration.ofSeconds(1), 3, 1468, 1, 1),
                BootFileSource.NONE, new Recorder(), Clock.systemUTC());
        IOException e = assertThrows(IOException.class, second::open);
        assertEquals("cannot bind TFTP to 127.0.0.1:" + address.getPort() + ": Address already in use",
                e.getMessage());
        second.close();
    }

    @Test
    void closeIsPromptAndReleasesEverySocket() throws Exception {
        start();
        send(rrq("a.bin", Map.of()), address);
        InetSocketAddress tid = receive().from();
        long begin = System.nanoTime();
        server.close();
        loop.join(1000);
        assertFalse(loop.isAlive());
        assertTrue(System.nanoTime() - begin < 1_000_000_000L, "close() under 1 s");
        assertEquals(Outcome.FAILED, report().outcome(), "the transfer in flight is reported");
        try (DatagramSocket again = new DatagramSocket(address);
             DatagramSocket tidAgain = new DatagramSocket(tid)) {
            assertTrue(again.isBound() && tidAgain.isBound());
        }
        server = null;
    }

    @Test
    void concurrentTransfersSpreadOverLoopsAndReportFromOneThread() throws Exception {
        server = new TftpServer(settings(Duration.ofSeconds(1), 3, 100), BootFileSource.NONE, new Recorder(),
                Clock.systemUTC(), 3);
        server.open();
        address = server.localAddress();
        loop = new Thread(server::run, "tftp-test-loop");
        loop.start();
        byte[] big = new byte[300_000];
        new Random(2).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        List<Thread> clients = new ArrayList<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 12; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try (TftpTestClient client = new TftpTestClient(2000)) {
                    byte[] got = client.get(address, "big.bin", Map.of("blksize", Integer.toString(512 + n * 100)));
                    if (!Arrays.equals(big, got)) {
                        failures.add("client " + n + " got different bytes");
                    }
                } catch (IOException e) {
                    failures.add("client " + n + ": " + e);
                }
            });
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join(20_000);
        }
        assertTrue(failures.isEmpty(), failures.toString());
        for (int i = 0; i < 12; i++) {
            assertEquals(Outcome.COMPLETED, report().outcome());
        }
        assertEquals(List.of("tftp-test-loop"), List.copyOf(reportThreads));
        assertEquals(0, server.activeTransfers());
    }

    @Test
    void twoHundredConcurrentTransfersUseAFixedNumberOfThreads() throws Exception {
        start(settings(Duration.ofSeconds(2), 5, 512), BootFileSource.NONE);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Thread t = new Thread(() -> {
                try (TftpTestClient client = new TftpTestClient(3000)) {
                    go.await();
                    if (!Arrays.equals(file, client.get(address, "a.bin", Map.of("blksize", "1468")))) {
                        failures.add("different bytes");
                    }
                } catch (IOException | InterruptedException e) {
                    failures.add(e.toString());
                }
            });
            t.start();
            clients.add(t);
        }
        go.countDown();
        long loops = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("tftp-loop")).count();
        assertTrue(loops < TftpServer.MAX_LOOPS, "extra loop threads: " + loops);
        long laneThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("tftp-lane")).count();
        assertTrue(laneThreads <= TftpServer.MAX_LANES, "lane threads: " + laneThreads);
        for (Thread t : clients) {
            t.join(25_000);
        }
        assertTrue(failures.isEmpty(), failures.size() + " failed, e.g. " + failures.peek());
        for (int i = 0; i < 200; i++) {
            assertEquals(Outcome.COMPLETED, report().outcome());
        }
        assertEquals(0, server.activeTransfers());
    }

    // --- lanes: a long transfer on a thread of its own while few transfers run

    private byte[] big;

    private void startWithLanes(TftpSettings settings, int lanes) throws Exception {
        big = new byte[300_000];
        new Random(3).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        server = new TftpServer(settings, BootFileSource.NONE, new Recorder(), Clock.systemUTC(), 2, lanes);
        server.open();
        address = server.localAddress();
        loop = new Thread(server::run, "tftp-test-loop");
        loop.start();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.idleLanes() < lanes && System.nanoTime() < giveUp) {
            Thread.sleep(5);
        }
        assertEquals(lanes, server.idleLanes(), "lanes started");
    }

    @Test
    void aLongTransferGoesToALaneAShortOneStaysOnTheLoops() throws Exception {
        startWithLanes(settings(Duration.ofSeconds(1), 3, 10), 1);
        try (TftpTestClient client = new TftpTestClient(2000)) {
            assertArrayEquals(big, client.get(address, "big.bin", Map.of("blksize", "1468", "tsize", "0")));
            TftpTransferReport report = report();
            assertEquals(Outcome.COMPLETED, report.outcome());
            assertEquals(big.length, report.bytes());
            assertEquals(1, server.laneTransfers());
            assertArrayEquals(file, client.get(address, "a.bin", Map.of()));
            assertEquals(Outcome.COMPLETED, report().outcome());
            assertEquals(1, server.laneTransfers(), "10 blocks: not worth a lane");
            assertArrayEquals(big, client.get(address, "big.bin", Map.of()));
            assertEquals(Outcome.COMPLETED, report().outcome());
            assertEquals(2, server.laneTransfers(), "the lane is reused");
        }
        assertEquals(List.of("tftp-test-loop"), List.copyOf(reportThreads));
        assertEquals(0, server.activeTransfers());
    }

    @Test
    void whileTheLaneIsBusyTransfersGoToTheLoops() throws Exception {
        startWithLanes(settings(Duration.ofSeconds(5), 3, 10), 1);
        send(rrq("big.bin", Map.of()), address);
        assertEquals(new TftpPacket.Data(1, 512), receive().packet());
        assertEquals(1, server.laneTransfers());
        try (TftpTestClient client = new TftpTestClient(2000)) {
            assertArrayEquals(big, client.get(address, "big.bin", Map.of("blksize", "1468")));
        }
        assertEquals(Outcome.COMPLETED, report().outcome());
        assertEquals(1, server.laneTransfers(), "the second transfer ran on a loop");
        assertEquals(1, server.activeTransfers());
    }

    @Test
    void onALaneAnUnknownTransferIdGetsErrorFiveAndTheTransferGoesOn() throws Exception {
        startWithLanes(settings(Duration.ofSeconds(1), 3, 10), 1);
        send(rrq("big.bin", Map.of()), address);
        Received first = receive();
        assertEquals(new TftpPacket.Data(1, 512), first.packet());
        InetSocketAddress tid = first.from();
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            stranger.setSoTimeout(2000);
            byte[] ack = {0, 4, 0, 1};
            stranger.send(new DatagramPacket(ack, ack.length, tid));
            TftpPacket.Error error = assertInstanceOf(TftpPacket.Error.class, receive(stranger).packet());
            assertEquals(5, error.code());
        }
        int blocks = big.length / 512 + 1;
        for (int block = 1; block < blocks; block++) {
            send(TftpPacket.encodeAck(ByteBuffer.allocate(4), block), tid);
            Received next = receive();
            assertEquals(tid, next.from());
            TftpPacket.Data data = assertInstanceOf(TftpPacket.Data.class, next.packet());
            assertEquals(block + 1, data.block());
        }
        send(TftpPacket.encodeAck(ByteBuffer.allocate(4), blocks), tid);
        TftpTransferReport report = report();
        assertEquals(Outcome.COMPLETED, report.outcome());
        assertEquals(big.length, report.bytes());
        assertEquals(1, server.laneTransfers());
    }

    @Test
    void onALaneWindowsAndDuplicateAcksWork() throws Exception {
        startWithLanes(settings(Duration.ofSeconds(1), 3, 10), 1);
        send(rrq("big.bin", Map.of("windowsize", "8", "blksize", "1000")), address);
        Received oack = receive();
        assertEquals(Map.of("windowsize", "8", "blksize", "1000"),
                assertInstanceOf(TftpPacket.OptionAck.class, oack.packet()).options());
        InetSocketAddress tid = oack.from();
        send(TftpPacket.encodeAck(ByteBuffer.allocate(4), 0), tid);
        int blocks = big.length / 1000 + 1;
        int acked = 0;
        while (acked < blocks) {
            int windowEnd = Math.min(acked + 8, blocks);
            for (int block = acked + 1; block <= windowEnd; block++) {
                TftpPacket.Data data = assertInstanceOf(TftpPacket.Data.class, receive().packet());
                assertEquals(block, data.block());
            }
            if (acked == 8) {
                // a duplicate ACK of the previous window is ignored (RFC 1123 4.2.3.1): no packet answers it
                send(TftpPacket.encodeAck(ByteBuffer.allocate(4), 8), tid);
            }
            send(TftpPacket.encodeAck(ByteBuffer.allocate(4), windowEnd), tid);
            acked = windowEnd;
        }
        TftpTransferReport report = report();
        assertEquals(Outcome.COMPLETED, report.outcome());
        assertEquals(8, report.windowSize());
        assertEquals(1, server.laneTransfers());
    }

    @Test
    void onALaneRetransmitsThenGivesUp() throws Exception {
        startWithLanes(settings(Duration.ofMillis(100), 2, 10), 1);
        send(rrq("big.bin", Map.of()), address);
        for (int i = 0; i < 3; i++) {
            assertEquals(new TftpPacket.Data(1, 512), receive().packet(), "send " + i);
        }
        TftpTransferReport report = report();
        assertEquals(Outcome.FAILED, report.outcome());
        assertEquals(1, server.laneTransfers());
        assertEquals(0, server.activeTransfers());
    }

    @Test
    void onALaneAClientErrorAbortsTheTransfer() throws Exception {
        startWithLanes(settings(Duration.ofSeconds(1), 3, 10), 1);
        send(rrq("big.bin", Map.of("blksize", "1468")), address);
        Received oack = receive();
        send(TftpPacket.encodeError(ByteBuffer.allocate(64), 0, "Early terminate"), oack.from());
        assertEquals(Outcome.ABORTED, report().outcome());
        assertEquals(1, server.laneTransfers());
    }

    @Test
    void closeEndsALaneTransferPromptlyAndReleasesItsSocket() throws Exception {
        startWithLanes(settings(Duration.ofSeconds(1), 3, 10), 1);
        send(rrq("big.bin", Map.of()), address);
        InetSocketAddress tid = receive().from();
        assertEquals(1, server.laneTransfers());
        long begin = System.nanoTime();
        server.close();
        loop.join(1000);
        assertFalse(loop.isAlive());
        assertTrue(System.nanoTime() - begin < 1_000_000_000L, "close() under 1 s");
        TftpTransferReport report = report();
        assertEquals(Outcome.FAILED, report.outcome(), "the transfer in flight is reported");
        assertEquals("server stopped", report.detail());
        try (DatagramSocket tidAgain = new DatagramSocket(tid)) {
            assertTrue(tidAgain.isBound());
        }
        server = null;
    }

    @Test
    void anAnswerOffTheEnginesRootsIsRefused() throws Exception {
        Path other = Files.createTempDirectory("rpdt-other-tree");
        try {
            Files.write(other.resolve("x.bin"), new byte[] {1, 2, 3});
            // the application points at a real file, but it is under none of the engine's roots
            start(settings(Duration.ofSeconds(1), 3, 10), request -> new BootFile.OnDisk(other.resolve("x.bin")));
            send(rrq("x.bin", Map.of()), address);
            assertEquals(2, ((TftpPacket.Error) receive().packet()).code());
            assertEquals(Outcome.REFUSED, report().outcome());
        } finally {
            Files.deleteIfExists(other.resolve("x.bin"));
            Files.deleteIfExists(other);
        }
    }

    @Test
    void manyRequestsAtOnceAreAllServed() throws Exception {
        start();
        // eight requests queued on the listener before the loop reads one: one per wake-up, none left behind
        List<DatagramSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                s.setSoTimeout(2000);
                sockets.add(s);
                ByteBuffer packet = rrq("a.bin", Map.of());
                s.send(new DatagramPacket(packet.array(), packet.limit(), address));
            }
            for (DatagramSocket s : sockets) {
                assertEquals(new TftpPacket.Data(1, 512), receive(s).packet());
            }
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
    }

    @Test
    void everyTransferHasATidOfItsOwnOnTheListeningAddress() throws Exception {
        start();
        Set<InetSocketAddress> tids = new java.util.HashSet<>();
        for (int i = 0; i < 6; i++) {
            send(rrq("a.bin", Map.of()), address);
            Received first = receive();
            assertEquals(new TftpPacket.Data(1, 512), first.packet());
            assertEquals(LOOPBACK, first.from().getAddress(), "on the listening address");
            assertNotEquals(address.getPort(), first.from().getPort());
            assertTrue(tids.add(first.from()), "a TID of its own: " + first.from());
            send(TftpPacket.encodeError(ByteBuffer.allocate(64), 0, "enough"), first.from());
            assertEquals(Outcome.ABORTED, report().outcome());
        }
    }

    private final class Recorder implements NetbootEvents {
        @Override
        public void dhcp(DhcpExchange exchange) {
        }

        @Override
        public void tftp(TftpTransferReport report) {
            if (report.outcome() == Outcome.STARTED) {
                return; // the tests wait for ends
            }
            reportThreads.add(Thread.currentThread().getName());
            reports.add(report);
        }

        @Override
        public void rogueDhcpServer(Inet4Address server, String serverMac, Instant seen) {
        }
    }
}
