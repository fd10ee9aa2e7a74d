package io.rpideploy.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands (ip, curl, busybox) with a time bound, for the tests that build their own network. */
final class Shell {

    record Result(int exit, String output) {
    }

    private Shell() {
    }

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    static Result run(int seconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        + "\n(killed after " + seconds + " s)");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    static void must(String... command) {
        Result r = run(20, command);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exit() + "): " + r.output());
        }
    }

    /** A command inside a network namespace, through {@code ip netns exec}. */
    static Result inNs(String ns, int seconds, String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(command));
        return run(seconds, all.toArray(String[]::new));
    }
}
