package io.rpideploy.netboot.tftp;

import io.rpideploy.netboot.api.DhcpExchange;
import io.rpideploy.netboot.policy.BootFileSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.netboot.policy.NetbootEvents;
import io.rpideploy.netboot.api.TftpTransferReport;
import io.rpideploy.netboot.api.TftpTransferReport.Outcome;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine against real clients (curl, atftp, tftp-hpa) running in a network namespace; the server binds the
 * host end of a veth pair. Needs root: skipped otherwise.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TftpClientsIT {

    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(20);
    private static final String SERIAL = "1a2b3c4d";

    private static NetnsLab lab;
    private static Path work;
    private static Path root;
    private static Path out;
    private static TftpServer server;
    private static Thread loop;
    private static int port;
    private static final ConcurrentLinkedQueue<TftpTransferReport> REPORTS = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startServer() throws Exception {
        Assumptions.assumeTrue(NetnsLab.available(), "needs root and iproute2 for network namespaces");
        for (String tool : List.of("/usr/bin/curl", "/usr/bin/atftp", "/usr/bin/tftp")) {
            Assumptions.assumeTrue(Files.isExecutable(Path.of(tool)), tool + " is not installed");
        }
        lab = new NetnsLab("it", 71);
        work = Files.createTempDirectory("rpdt-tftp-it");
        root = Files.createDirectories(work.resolve("root"));
        out = Files.createDirectories(work.resolve("out"));
        Random random = new Random(42);
        write(root.resolve("small.bin"), random, 100_000);
        write(root.resolve("medium.bin"), random, 1_000_003);
        // 34 MiB + 1: more than 65536 blocks of 512 bytes, so the block number wraps 65535 -> 0
        write(root.resolve("big.bin"), random, 34 * 1024 * 1024 + 1);
        write(root.resolve("exact.bin"), random, 1468 * 10);
        write(root.resolve("start4.elf"), random, 300_000);
        Files.createDirectories(root.resolve(SERIAL));
        Files.writeString(root.resolve(SERIAL).resolve("config.txt"), "[all]\nboard config\n");
        Files.writeString(root.resolve("config.txt"), "[all]\nshared config\n");
        Files.writeString(root.resolve(SERIAL).resolve("cmdline.txt"), "console=tty1 override\n");
        Files.writeString(root.resolve("cmdline.txt"), "console=tty1 shared\n");
        Files.createSymbolicLink(root.resolve("escape"), Path.of("/etc/passwd"));
        for (int i = 0; i < 50; i++) {
            write(root.resolve("c" + i + ".bin"), random, 200_000 + i * 997);
        }

        TftpSettings settings = TftpSettings.defaults(
                new InetSocketAddress(InetAddress.getByName(lab.hostAddress()), 0), root);
        server = new TftpServer(settings, BootFileSource.NONE, new Recorder(),
                Clock.systemUTC());
        server.open();
        port = server.localAddress().getPort();
        loop = new Thread(server::run, "tftp-it-loop");
        loop.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        try {
            if (server != null) {
                long start = System.nanoTime();
                server.close();
                loop.join(2000);
                assertFalse(loop.isAlive(), "run() must return after close()");
                assertTrue(System.nanoTime() - start < 1_500_000_000L, "close() must be prompt");
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
            if (work != null) {
                try (var paths = Files.walk(work)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @BeforeEach
    void clearReports() {
        REPORTS.clear();
    }

    @Test
    void curlFetchesWithPiBlockSize() throws Exception {
        NetnsLab.Result r = curl("small.bin", "s.bin", "--tftp-blksize", "1468");
        assertEquals(0, r.exit(), r.output());
        assertSameFile(root.resolve("small.bin"), out.resolve("s.bin"));
        TftpTransferReport report = awaitReport("small.bin");
        assertEquals(Outcome.COMPLETED, report.outcome());
        assertEquals(100_000, report.bytes());
        assertEquals(1468, report.blockSize());
    }

    @Test
    void curlCrossesBlockNumberRolloverAt512() throws Exception {
        NetnsLab.Result r = curl("big.bin", "big.bin");
        assertEquals(0, r.exit(), r.output());
        assertSameFile(root.resolve("big.bin"), out.resolve("big.bin"));
        TftpTransferReport report = awaitReport("big.bin");
        assertEquals(Outcome.COMPLETED, report.outcome());
        assertEquals(Files.size(root.resolve("big.bin")), report.bytes());
        assertEquals(512, report.blockSize());
    }

    @Test
    void fileOfExactBlockMultipleEndsWithEmptyBlock() throws Exception {
        NetnsLab.Result r = curl("exact.bin", "exact.bin", "--tftp-blksize", "1468");
        assertEquals(0, r.exit(), r.output());
        assertSameFile(root.resolve("exact.bin"), out.resolve("exact.bin"));
    }

    @Test
    void atftpWithWindowSize() throws Exception {
        Path target = out.resolve("a.bin");
        NetnsLab.Result r = lab.exec(CLIENT_LIMIT, "atftp", "--get", "-r", "medium.bin", "-l", target.toString(),
                "--option", "blksize 1468", "--option", "windowsize 16", lab.hostAddress(), Integer.toString(port));
        assertEquals(0, r.exit(), r.output());
        assertSameFile(root.resolve("medium.bin"), target);
        TftpTransferReport report = awaitReport("medium.bin");
        assertEquals(Outcome.COMPLETED, report.outcome());
        assertEquals(16, report.windowSize());
        assertEquals(1468, report.blockSize());
    }

    @Test
    void atftpLargeFileWithWindowAcrossRollover() throws Exception {
        Path target = out.resolve("abig.bin");
        NetnsLab.Result r = lab.exec(Duration.ofSeconds(60), "atftp", "--get", "-r", "big.bin", "-l",
                target.toString(), "--option", "blksize 512", "--option", "windowsize 8", lab.hostAddress(),
                Integer.toString(port));
        assertEquals(0, r.exit(), r.output());
        assertSameFile(root.resolve("big.bin"), target);
    }

    @Test
    void tftpHpaGetsInBinaryMode() throws Exception {
        Path target = out.resolve("h.bin");
        NetnsLab.Result r = lab.exec(CLIENT_LIMIT, "tftp", "-m", "binary", lab.hostAddress(),
                Integer.toString(port), "-c", "get", "medium.bin", target.toString());
        assertFalse(r.timedOut(), r.output());
        assertSameFile(root.resolve("medium.bin"), target);
        assertEquals(Outcome.COMPLETED, awaitReport("medium.bin").outcome());
    }

    @Test
    void piStylePathsResolveOverridesThenBoardThenShared() throws Exception {
        assertEquals(0, curl(SERIAL + "/start4.elf", "p1").exit());
        assertSameFile(root.resolve("start4.elf"), out.resolve("p1"));
        assertEquals(0, curl(SERIAL + "/config.txt", "p2").exit());
        assertEquals("[all]\nboard config\n", Files.readString(out.resolve("p2")));
        assertEquals(0, curl(SERIAL + "/cmdline.txt", "p3").exit());
        assertEquals("console=tty1 override\n", Files.readString(out.resolve("p3")));
        assertEquals(0, curl("cmdline.txt", "p4").exit());
        assertEquals("console=tty1 shared\n", Files.readString(out.resolve("p4")));
    }

    @Test
    void traversalAndAbsoluteNamesAreRefusedNotHung() throws Exception {
        NetnsLab.Result dotdot = curl("../etc/passwd", "t1", "--path-as-is");
        assertFalse(dotdot.timedOut());
        assertNotEquals(0, dotdot.exit());
        NetnsLab.Result absolute = curl("/etc/passwd", "t2");
        assertFalse(absolute.timedOut());
        assertNotEquals(0, absolute.exit());
        NetnsLab.Result link = curl("escape", "t3");
        assertFalse(link.timedOut());
        assertNotEquals(0, link.exit());
        for (String name : List.of("t1", "t2", "t3")) {
            Path file = out.resolve(name);
            assertTrue(!Files.exists(file) || !Files.readString(file).contains("root:"), name + " leaked passwd");
        }
        NetnsLab.Result hpa = lab.exec(CLIENT_LIMIT, "tftp", "-m", "binary", lab.hostAddress(),
                Integer.toString(port), "-c", "get", "../etc/passwd", out.resolve("t4").toString());
        assertFalse(hpa.timedOut());
        assertTrue(hpa.output().contains("Error code 2"), hpa.output());
        awaitReports(4);
        assertTrue(REPORTS.stream().allMatch(x -> x.outcome() == Outcome.REFUSED), REPORTS.toString());
    }

    @Test
    void missingFileIsErrorOne() throws Exception {
        NetnsLab.Result hpa = lab.exec(CLIENT_LIMIT, "tftp", "-m", "binary", lab.hostAddress(),
                Integer.toString(port), "-c", "get", SERIAL + "/nothing.txt", out.resolve("n").toString());
        assertFalse(hpa.timedOut());
        assertTrue(hpa.output().contains("Error code 1"), hpa.output());
        assertEquals(Outcome.REFUSED, awaitReport(SERIAL + "/nothing.txt").outcome());
    }

    @Test
    void writeRequestIsRefused() throws Exception {
        Path local = out.resolve("upload.txt");
        Files.writeString(local, "should not arrive\n");
        NetnsLab.Result put = lab.exec(CLIENT_LIMIT, "tftp", "-m", "binary", lab.hostAddress(),
                Integer.toString(port), "-c", "put", local.toString(), "uploaded.txt");
        assertFalse(put.timedOut());
        assertTrue(put.output().contains("Error code 2"), put.output());
        assertFalse(Files.exists(root.resolve("uploaded.txt")));
        assertEquals(Outcome.REFUSED, awaitReport("uploaded.txt").outcome());
    }

    @Test
    void fiftyConcurrentCurlFetchesAreExact() throws Exception {
        List<Process> processes = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                processes.add(lab.start(List.of("timeout", "60", "curl", "-s", "--tftp-blksize", "1468",
                        "tftp://" + lab.hostAddress() + ":" + port + "/c" + i + ".bin", "-o",
                        out.resolve("cc" + i).toString()), out.resolve("cc" + i + ".log")));
            }
            for (int i = 0; i < 50; i++) {
                assertTrue(processes.get(i).waitFor(90, TimeUnit.SECONDS), "client " + i + " hung");
                assertEquals(0, processes.get(i).exitValue(), Files.readString(out.resolve("cc" + i + ".log")));
                assertSameFile(root.resolve("c" + i + ".bin"), out.resolve("cc" + i));
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
        awaitReports(50);
        assertEquals(50, REPORTS.stream().filter(r -> r.outcome() == Outcome.COMPLETED).count());
        assertEquals(0, server.activeTransfers());
    }

    private static NetnsLab.Result curl(String name, String target, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of("timeout", "20", "curl", "-s", "-S"));
        command.addAll(List.of(extra));
        command.addAll(List.of("tftp://" + lab.hostAddress() + ":" + port + "/" + name, "-o",
                out.resolve(target).toString()));
        return lab.exec(CLIENT_LIMIT, command.toArray(String[]::new));
    }

    private static TftpTransferReport awaitReport(String name) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            for (TftpTransferReport r : REPORTS) {
                if (r.filename().equals(name)) {
                    return r;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no report for " + name + " in " + REPORTS);
    }

    private static void awaitReports(int count) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (REPORTS.size() < count && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertTrue(REPORTS.size() >= count, "reports: " + REPORTS);
    }

    private static void write(Path file, Random random, int size) throws IOException {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        Files.write(file, bytes);
    }

    private static void assertSameFile(Path expected, Path actual) throws IOException {
        assertTrue(Files.exists(actual), actual + " was not written");
        assertEquals(Files.size(expected), Files.size(actual), "size of " + actual);
        assertArrayEquals(sha256(expected), sha256(actual), "SHA-256 of " + actual);
    }

    static byte[] sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps every TFTP report; the DHCP callbacks are not used here. */
    private static final class Recorder implements NetbootEvents {
        @Override
        public void dhcp(DhcpExchange exchange) {
        }

        @Override
        public void tftp(TftpTransferReport report) {
            if (report.outcome() == Outcome.STARTED) {
                return; // the tests wait for ends
            }
            REPORTS.add(report);
        }

        @Override
        public void rogueDhcpServer(Inet4Address server, String serverMac, Instant seen) {
        }
    }
}
