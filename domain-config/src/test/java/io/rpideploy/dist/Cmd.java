package io.rpideploy.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Host commands (ip, sfdisk, mtools, debugfs, apt-get...) with a time bound, for the emulated-board tests. */
final class Cmd {

    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private Cmd() {
    }

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Whether a program is on the PATH (or, with a slash, exists). */
    static boolean has(String tool) {
        if (tool.contains("/")) {
            return Path.of(tool).toFile().canRead();
        }
        return run(10, "sh", "-c", "command -v " + tool).ok();
    }

    static Result run(int seconds, String... command) {
        return run(seconds, null, command);
    }

    /** Runs in {@code dir} (or the current folder), output and error merged. */
    static Result run(int seconds, Path dir, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (dir != null) {
                builder.directory(dir.toFile());
            }
            Process p = builder.start();
            p.getOutputStream().close();
            // read while it runs, so a chatty command cannot block on a full pipe
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = e.toString().getBytes(StandardCharsets.UTF_8);
                }
            });
            reader.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                reader.join(5000);
                return new Result(-1, text(out[0]) + "\n(killed after " + seconds + " s)");
            }
            reader.join(10000);
            return new Result(p.exitValue(), text(out[0]));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }

    static String must(int seconds, String... command) {
        return must(seconds, null, command);
    }

    static String must(int seconds, Path dir, String... command) {
        Result r = run(seconds, dir, command);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exit() + "): " + r.output());
        }
        return r.output();
    }

    /** A command inside a network namespace, through {@code ip netns exec}. */
    static Result inNs(String ns, int seconds, String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(command));
        return run(seconds, all.toArray(String[]::new));
    }
}
