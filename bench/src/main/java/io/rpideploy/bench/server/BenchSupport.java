package io.rpideploy.bench.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/** What the benchmark programs need: settings, throw-away secrets, the machine's load, clean-up. */
public final class BenchSupport {

    private BenchSupport() {
    }

    public static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** CPU time of this (the load generator's) process. */
    public static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The 1, 5 and 15 minute load averages: printed so a reader can tell a busy machine's figures. */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("benchmark: could not delete " + root + ": " + e);
        }
    }

    public static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("system property " + property + " is required");
        }
        return value;
    }

    public static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build the distribution first (mvn -B -q package"
                    + " -DskipTests -DskipITs)");
        }
    }

    /** A benchmark's body, which may throw. */
    public interface Body {
        void run() throws Exception;
    }

    /**
     * Runs a benchmark program: exit 1 with the cause on failure, and in every case stop the servers started, then
     * run the program's own clean-up before the JVM exits.
     */
    public static void runMain(Body body, Runnable cleanUp) {
        int status = 0;
        try {
            body.run();
        } catch (Exception e) {
            System.out.flush();
            System.err.println("benchmark: FAILED: " + e);
            e.printStackTrace();
            status = 1;
        } finally {
            ServerProcess.stopAll(); // before the clean-up: the servers' data directories are in its temp dirs
            cleanUp.run();
        }
        System.exit(status);
    }
}
