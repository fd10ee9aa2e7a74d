package io.rpideploy.ops.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One run of an outside tool, in the C locale (its output is parsed), with a time bound. */
record Tool(List<String> command, int exit, String stdout, String stderr) {

    /** fsck, resize and compression of a 16 GiB image take minutes; an hour means something hangs. */
    static final long LONG_SECONDS = 3600;

    static Tool withInput(long seconds, String input, String... command) throws IOException {
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
        try (OutputStream in = p.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // both read while it runs, so a chatty tool cannot block on a full pipe
        Thread outReader = new Thread(() -> drain(p.getInputStream(), out));
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
        return new Tool(List.of(command), p.exitValue(), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
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
