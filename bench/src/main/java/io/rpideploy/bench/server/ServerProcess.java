package io.rpideploy.bench.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server started by the benchmark. Every one is killed at the end, also when the benchmark fails or is
 * interrupted: a shutdown hook kills whatever is still running, process tree included (the start script execs
 * java, but a wrapper might fork instead).
 */
public final class ServerProcess {

    private static final Set<ServerProcess> RUNNING = ConcurrentHashMap.newKeySet();
    private static final HttpClient PROBE = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ServerProcess::stopAll, "benchmark-server-cleanup"));
    }

    final String name;
    private final Process process;
    private final long startedNanos;

    private ServerProcess(String name, Process process, long startedNanos) {
        this.name = name;
        this.process = process;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts the command with the given environment added (any inherited RPIDEPLOY_* removed first, so the
     * caller's shell cannot change what is measured). Fails when a port is taken: polling would reach someone
     * else's server.
     */
    public static ServerProcess start(String name, List<String> command, Map<String, String> env, Path log, int... ports)
            throws IOException {
        for (int port : ports) {
            requireFree(port);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("RPIDEPLOY_"));
        builder.environment().putAll(env);
        builder.environment().putIfAbsent("RPIDEPLOY_BOOT_ENV_INSTALLER_BUILD", "never"); // no Debian downloads in a benchmark
        long started = System.nanoTime();
        ServerProcess server = new ServerProcess(name, builder.start(), started);
        RUNNING.add(server);
        return server;
    }

    /** Seconds from the process start to the first 200 of {@code url}. */
    public double awaitOk(URI url, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with status " + process.exitValue()
                        + " before " + url + " answered 200");
            }
            try {
                if (PROBE.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - startedNanos) / 1e9;
                }
            } catch (IOException notListeningYet) {
                // connection refused or reset while the server starts
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + ": no 200 from " + url + " within " + timeout.toSeconds() + " s");
    }

    /** Fails unless {@code url} answers 200 with a body that contains {@code expected}. */
    void requireAnswer(URI url, String expected) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> response = PROBE.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !response.body().contains(expected)) {
            String body = response.body();
            throw new IllegalStateException(name + ": " + url + " answered " + response.statusCode() + " without "
                    + expected + ": " + body.substring(0, Math.min(body.length(), 300)));
        }
    }

    /** Resident memory of the java process, from /proc (VmRSS), in KiB. */
    public long rssKiB() throws IOException {
        long pid = javaPid();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim());
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    /** CPU time (user + system) the java process has used so far, in seconds, from /proc (clock ticks of 1/100 s). */
    public double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(javaPid()), "stat"));
        // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** CPU time of the started process and all its descendants (nginx: master and workers), in seconds. */
    double treeCpuSeconds() {
        double total = 0;
        for (ProcessHandle h : Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList()) {
            try {
                total += cpuSeconds(h.pid());
            } catch (IOException | RuntimeException gone) {
                // a process that ended between listing and reading: its time is lost, as it is to ps
            }
        }
        return total;
    }

    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** The java process: the started one itself when the script exec'd java, else its java descendant. */
    public long javaPid() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException(name + ": no java process found"))
                .pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process tree at once: the benchmark has no use for a graceful stop. */
    public void stop() {
        // the root first: an nginx master would respawn workers killed before it, and those would be left over
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        tree.addAll(process.descendants().toList());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("benchmark: " + name + " pid " + handle.pid() + " did not exit: " + e);
            }
        }
        RUNNING.remove(this);
    }

    public static void stopAll() {
        for (ServerProcess server : List.copyOf(RUNNING)) {
            server.stop();
        }
    }

    private static void requireFree(int port) {
        // Binding the wildcard address fails while anything listens on the port, on any local address.
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " is in use: choose others with -Dbench.portBase", e);
        }
    }
}
