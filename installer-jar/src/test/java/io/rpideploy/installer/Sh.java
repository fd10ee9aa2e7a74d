package io.rpideploy.installer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs a command for a test and returns its stdout; fails on a non-zero exit. */
public final class Sh {

    private Sh() {
    }

    public static String run(String... args) {
        return run(Map.of(), args);
    }

    public static String run(Map<String, String> env, String... args) {
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(args)).redirectErrorStream(false);
            pb.environment().putAll(env);
            pb.environment().put("MTOOLS_SKIP_CHECK", "1");
            Process p = pb.start();
            p.getOutputStream().close();
            java.io.ByteArrayOutputStream errBuf = new java.io.ByteArrayOutputStream();
            Thread t = new Thread(() -> {
                try {
                    p.getErrorStream().transferTo(errBuf);
                } catch (IOException e) {
                    // ignore
                }
            });
            t.start();
            byte[] out = p.getInputStream().readAllBytes();
            int exit = p.waitFor();
            t.join();
            byte[] err = errBuf.toByteArray();
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", args) + " exited " + exit + ": "
                        + new String(out, StandardCharsets.UTF_8) + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs through bash -c (pipes). */
    public static String bash(String script) {
        return run("bash", "-o", "pipefail", "-c", script);
    }

    public static boolean isRoot() {
        try {
            return run("id", "-u").trim().equals("0");
        } catch (RuntimeException e) {
            return false;
        }
    }
}
