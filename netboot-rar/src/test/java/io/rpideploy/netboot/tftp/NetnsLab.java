package io.rpideploy.netboot.tftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace {@code rpdt-<tag>-<pid>} joined to the host by a veth pair: the host end is
 * {@code 10.77.<subnet>.1/24} (servers bind there), the namespace end {@code 10.77.<subnet>.2} (clients run there
 * through {@code ip netns exec}). Deleted on {@link #close()} and, failing that, by a shutdown hook. Used by the
 * integration tests and the benchmark; needs root.
 */
public final class NetnsLab implements AutoCloseable {

    private final String namespace;
    private final String hostLink;
    private final String hostAddress;
    private final String clientAddress;
    private final Thread hook;
    private final Path logs;
    private boolean closed;

    /** True when this process is root and {@code ip} exists: the only way the lab can be built. */
    public static boolean available() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        return Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                || Files.isExecutable(Path.of("/usr/bin/ip")) || Files.isExecutable(Path.of("/bin/ip"));
    }

    public NetnsLab(String tag, int subnet) throws IOException {
        long pid = ProcessHandle.current().pid();
        this.namespace = "rpdt-" + tag + "-" + pid;
        String link = "rpdt" + (pid % 100000) + tag.charAt(0);
        this.hostLink = link + "h";
        String clientLink = link + "c";
        this.hostAddress = "10.77." + subnet + ".1";
        this.clientAddress = "10.77." + subnet + ".2";
        this.logs = Files.createTempDirectory("rpdt-lab");
        this.hook = new Thread(this::teardown, "rpdt-netns-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        teardown();
        closed = false;
        try {
            ip("netns", "add", namespace);
            ip("link", "add", hostLink, "type", "veth", "peer", "name", clientLink);
            ip("link", "set", clientLink, "netns", namespace);
            ip("addr", "add", hostAddress + "/24", "dev", hostLink);
            ip("link", "set", hostLink, "up");
            ip("netns", "exec", namespace, "ip", "addr", "add", clientAddress + "/24", "dev", clientLink);
            ip("netns", "exec", namespace, "ip", "link", "set", clientLink, "up");
            ip("netns", "exec", namespace, "ip", "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public String namespace() {
        return namespace;
    }

    public String hostAddress() {
        return hostAddress;
    }

    public String clientAddress() {
        return clientAddress;
    }

    /** What a command did. */
    public record Result(int exit, String output, long nanos, boolean timedOut) {
    }

    /** Runs {@code command} inside the namespace, killed after {@code limit}. */
    public Result exec(Duration limit, String... command) throws IOException {
        return run(limit, inside(List.of(command)));
    }

    /** Starts {@code command} inside the namespace; the caller waits for it (bounded) and destroys it. */
    public Process start(List<String> command, Path output) throws IOException {
        return new ProcessBuilder(inside(command)).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
    }

    private List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    /** Runs a host command, killed after {@code limit}. */
    public Result run(Duration limit, List<String> command) throws IOException {
        Path out = Files.createTempFile(logs, "cmd", ".log");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean finished;
        try {
            finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        long nanos = System.nanoTime() - start;
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String text = Files.readString(out, StandardCharsets.ISO_8859_1);
        Files.deleteIfExists(out);
        return new Result(finished ? process.exitValue() : -1, text, nanos, !finished);
    }

    private void ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Result result = run(Duration.ofSeconds(10), command);
        if (result.exit() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + result.output().strip());
        }
    }

    private synchronized void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // deleting the namespace also deletes the veth pair; the explicit link delete covers a half-built lab
            run(Duration.ofSeconds(10), List.of("ip", "netns", "del", namespace));
            run(Duration.ofSeconds(10), List.of("ip", "link", "del", hostLink));
        } catch (IOException e) {
            System.err.println("rpdt lab: clean-up of " + namespace + " failed: " + e);
        }
    }

    @Override
    public void close() {
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running or ran
        }
        try (var files = Files.list(logs)) {
            files.forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // temp logs only
        }
        logs.toFile().delete();
    }
}
