package io.rpideploy.installer.customize;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external tool (mount, debugfs, mtools) and captures its output; a time limit of 2 minutes. */
record Command(List<String> args, int exit, byte[] stdout, String stderr) {

    static Command run(List<String> args, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(args);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(p.getErrorStream(), err));
        errReader.start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", args) + " timed out");
            }
            errReader.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", args));
        }
        return new Command(args, p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    static Command check(List<String> args, Map<String, String> env) throws IOException {
        Command c = run(args, env);
        if (c.exit != 0) {
            throw new IOException(String.join(" ", args) + " failed (exit " + c.exit + "): " + c.stderr.trim());
        }
        return c;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            // the process is gone
        }
    }
}
