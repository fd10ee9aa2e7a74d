package io.rpideploy.bench.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Thread dumps of the server under load (jcmd Thread.print), and what its request threads were doing in them.
 * Each jcmd is a JVM start on the same two cores, so sampling runs only in a level whose figures are not counted.
 */
final class StackSampler implements Runnable {

    /** Checked in this order against a request thread's stack; the first match names what the thread does. */
    private static final String[][] CATEGORIES = {
            {"waiting for the write lock", "SerializedWriteInterceptor"},
            {"SQLite commit", "JDBC3Connection.commit", "CoreConnection.commit", "SQLiteConnection.commit"},
            {"SQLite statement", "org.sqlite."},
            {"password check / auth", "PBKDF2", "javax.crypto", "CredentialCache", "LoginMechanism"},
            {"EclipseLink / JTA (not in SQLite)", "org.eclipse.persistence", "com.sun.enterprise.transaction",
                    "com.sun.jts"},
            {"application code", "io.rpideploy."},
            {"JAX-RS / JSON / CDI", "org.glassfish.jersey", "org.eclipse.yasson", "org.jboss.weld"},
    };

    private final long pid;
    private final Path dir;
    private final int samples;
    private final long intervalMillis;
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private int dumps;
    private int requestThreads;

    StackSampler(long pid, Path dir, int samples, long intervalMillis) {
        this.pid = pid;
        this.dir = dir;
        this.samples = samples;
        this.intervalMillis = intervalMillis;
        for (String[] category : CATEGORIES) {
            counts.put(category[0], 0);
        }
        counts.put("idle or network (no request in hand)", 0);
    }

    @Override
    public void run() {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Files.createDirectories(dir);
            Thread.sleep(1000); // let the level reach its steady state
            for (int i = 1; i <= samples && !Thread.currentThread().isInterrupted(); i++) {
                Path out = dir.resolve(String.format("threads-%02d.txt", i));
                Process p = new ProcessBuilder(jcmd, Long.toString(pid), "Thread.print")
                        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    continue;
                }
                classify(Files.readString(out));
                Thread.sleep(intervalMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("benchmark: thread dump failed: " + e);
        }
    }

    private synchronized void classify(String dump) {
        dumps++;
        for (String thread : threads(dump)) {
            if (!thread.startsWith("\"http-thread-pool")) {
                continue;
            }
            requestThreads++;
            counts.merge(category(thread), 1, Integer::sum);
        }
    }

    private static String category(String stack) {
        // Without JAX-RS or servlet frames the thread has no request in hand (Grizzly waiting for work or I/O).
        if (!stack.contains("org.glassfish.jersey") && !stack.contains("org.apache.catalina")) {
            return "idle or network (no request in hand)";
        }
        for (String[] category : CATEGORIES) {
            for (int i = 1; i < category.length; i++) {
                if (stack.contains(category[i])) {
                    // A thread parked in the interceptor waits for the lock; one that went on holds it (and is
                    // further down the list).
                    if (i == 1 && category[0].startsWith("waiting") && !parkedIn(stack, category[i])) {
                        break;
                    }
                    return category[0];
                }
            }
        }
        return "container / other";
    }

    /** True when the thread is parked inside a lock and the first application frame under it is the marker. */
    private static boolean parkedIn(String stack, String marker) {
        int park = stack.indexOf("Unsafe.park");
        int app = stack.indexOf("at io.rpideploy.");
        if (park < 0 || app < park) {
            return false;
        }
        int end = stack.indexOf('\n', app);
        return stack.substring(app, end < 0 ? stack.length() : end).contains(marker);
    }

    private static List<String> threads(String dump) {
        List<String> threads = new ArrayList<>();
        for (String block : dump.split("\n\\s*\n")) {
            String trimmed = block.strip();
            if (trimmed.startsWith("\"")) {
                threads.add(trimmed);
            }
        }
        return threads;
    }

    synchronized String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("  %d thread dumps, %d request-thread stacks (http-thread-pool); dumps in %s%n",
                dumps, requestThreads, dir));
        counts.forEach((category, n) -> out.append(String.format("  %-40s %5d  %5.1f %%%n", category, n,
                requestThreads == 0 ? 0.0 : 100.0 * n / requestThreads)));
        return out.toString();
    }
}
