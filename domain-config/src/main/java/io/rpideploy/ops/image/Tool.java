package io.rpideploy.ops.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** One run of an outside tool, in the C locale (its output is parsed), with a time bound. */
record Tool(List<String> command, int exit, String stdout, String stderr) {

    /** fsck, resize and compression of a 16 GiB image take minutes; an hour means something hangs. */
    static final long LONG_SECONDS = 3600;

    /** The tools running now, so an interrupted command can stop them (see {@link #stopRunning}). */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static Tool withInput(long seconds, String input, String... command) throws IOException {
        return exec(seconds, input, null, command);
    }

    /**
     * Runs with the tool's standard output written to {@code stdout} (a compressor's archive), so the caller opens
     * the output file itself (new, never through a symbolic link) instead of the tool opening it by name.
     */
    static Tool into(long seconds, OutputStream stdout, String... command) throws IOException {
        return exec(seconds, null, stdout, command);
    }

    private static Tool exec(long seconds, String input, OutputStream target, String... command) throws IOException {
        String[] resolved = command.clone();
        resolved[0] = resolve(command[0]);
        ProcessBuilder builder = new ProcessBuilder(resolved);
        builder.environment().put("LC_ALL", "C");
        builder.environment().put("MTOOLS_SKIP_CHECK", "1");
        Process p;
        try {
            p = builder.start();
        } catch (IOException e) {
            throw new IOException(command[0] + " could not be started (is it installed?): " + e.getMessage(), e);
        }
        RUNNING.add(p);
        try {
            try (OutputStream in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            AtomicReference<IOException> writeFailed = new AtomicReference<>();
            // both read while it runs, so a chatty tool cannot block on a full pipe
            Thread outReader = new Thread(() -> {
                if (target == null) {
                    drain(p.getInputStream(), out);
                } else {
                    try (InputStream from = p.getInputStream()) {
                        from.transferTo(target);
                    } catch (IOException e) {
                        // the target could not be written (disk full): the tool is stopped, the caller told
                        writeFailed.set(e);
                        p.destroyForcibly();
                    }
                }
            });
            Thread errReader = new Thread(() -> drain(p.getErrorStream(), err));
            outReader.start();
            errReader.start();
            try {
                if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(String.join(" ", command) + " did not finish within " + seconds + " s");
                }
                outReader.join();
                errReader.join();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted: " + String.join(" ", command), e);
            }
            if (writeFailed.get() != null) {
                throw new IOException("the output of " + command[0] + " could not be written: "
                        + writeFailed.get().getMessage(), writeFailed.get());
            }
            return new Tool(List.of(command), p.exitValue(), out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            RUNNING.remove(p);
        }
    }

    /**
     * Stops the tools this process runs (from a shutdown hook): killed on SIGTERM, the JVM would leave them
     * writing into files about to be removed, whose space is only freed when they close them.
     */
    static void stopRunning() {
        for (Process p : RUNNING) {
            p.destroy();
        }
        for (Process p : RUNNING) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static Tool run(long seconds, String... command) throws IOException {
        return withInput(seconds, null, command);
    }

    /** Runs and insists on exit 0. */
    static Tool must(long seconds, String... command) throws IOException {
        Tool t = withInput(seconds, null, command);
        return t.orFail();
    }

    Tool orFail() throws IOException {
        if (exit != 0) {
            throw new IOException(command.get(0) + " failed (exit " + exit + "): " + lastLines());
        }
        return this;
    }

    /** What an operator needs from a failed tool: its last few lines of error (or output). */
    String lastLines() {
        String text = (stderr.isBlank() ? stdout : stderr).strip();
        List<String> lines = text.lines().toList();
        return String.join(" / ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
    }

    static boolean installed(String name) {
        return !resolve(name).equals(name) || name.contains("/");
    }

    /**
     * The tool's path: the PATH, then the sbin folders a service user's PATH lacks on Debian (sfdisk, e2fsck,
     * resize2fs and dumpe2fs live there); the bare name when not found, so the start fails with it.
     */
    static String resolve(String name) {
        if (name.contains("/")) {
            return name;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/local/sbin:/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            java.io.File f = new java.io.File(dir, name);
            if (!dir.isEmpty() && f.canExecute()) {
                return f.getPath();
            }
        }
        return name;
    }

    private static void drain(InputStream in, ByteArrayOutputStream to) {
        try (in) {
            in.transferTo(to);
        } catch (IOException e) {
            // the process is gone
        }
    }
}
