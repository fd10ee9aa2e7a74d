package io.rpideploy.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A QEMU guest started inside the test network's namespace ({@code ip netns exec} execs QEMU, so the process is
 * QEMU itself), its serial console in a file. Every wait is bounded; close() ends it.
 */
final class Guest implements AutoCloseable {

    private final Process process;
    final Path console;
    final Instant started = Instant.now();

    private Guest(Process process, Path console) {
        this.process = process;
        this.console = console;
    }

    /** {@code qemu} is the QEMU command without its serial/monitor/display options, which are added here. */
    static Guest start(Path console, Path qemuLog, List<String> qemu) throws IOException {
        Files.deleteIfExists(console);
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", TestNet.NS));
        command.addAll(qemu);
        command.addAll(List.of("-display", "none", "-monitor", "none", "-serial", "file:" + console));
        Files.writeString(qemuLog, String.join(" ", command) + "\n");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(qemuLog.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        return new Guest(p, console);
    }

    String text() {
        try {
            return Files.exists(console) ? new String(Files.readAllBytes(console), StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** Polls until done says so (true), or the guest has exited, or the limit has passed (false). */
    boolean until(Duration limit, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (done.getAsBoolean()) {
                return true;
            }
            if (!process.isAlive()) {
                return done.getAsBoolean();
            }
            Thread.sleep(1000);
        }
        return false;
    }

    Duration elapsed() {
        return Duration.between(started, Instant.now());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
