package io.rpideploy.netboot.dhcp;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces and veth pairs for the DHCP integration tests and benchmark. Names always start with
 * {@code rpdd}; everything made here is removed by {@link #close()} and, if the JVM dies first, by a shutdown hook.
 * Addresses are 10.66.x.y only.
 */
public final class Netns implements AutoCloseable {

    /** The result of one command. */
    public record Result(int exit, String output) {
    }

    private final List<String> namespaces = new ArrayList<>();
    private final List<String> links = new ArrayList<>();
    private final Thread hook = new Thread(this::cleanUp, "rpdd-netns-cleanup");

    public Netns() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public static boolean isRoot() {
        try {
            return run(5, "id", "-u").output().trim().equals("0");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * A veth pair: {@code hostIf} stays in the current namespace with {@code hostCidr} (or none if null), its peer
     * {@code nsIf} goes into a new namespace {@code ns} with {@code nsCidr} (or none).
     */
    public void veth(String hostIf, String hostCidr, String ns, String nsIf, String nsCidr) {
        check(hostIf);
        check(ns);
        check(nsIf);
        run(5, "ip", "netns", "del", ns); // left over from a killed run
        run(5, "ip", "link", "del", hostIf);
        must("ip", "netns", "add", ns);
        namespaces.add(ns);
        must("ip", "link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
        links.add(hostIf);
        must("ip", "link", "set", nsIf, "netns", ns);
        if (hostCidr != null) {
            must("ip", "addr", "add", hostCidr, "dev", hostIf);
        }
        must("ip", "link", "set", hostIf, "up");
        must("ip", "-n", ns, "link", "set", "lo", "up");
        if (nsCidr != null) {
            must("ip", "-n", ns, "addr", "add", nsCidr, "dev", nsIf);
        }
        must("ip", "-n", ns, "link", "set", nsIf, "up");
    }

    /**
     * Two new namespaces joined by a veth pair: {@code ifA} (with {@code cidrA}) in {@code nsA}, {@code ifB} in
     * {@code nsB}. The host's own namespace never sees either end.
     */
    public void pair(String nsA, String ifA, String cidrA, String nsB, String ifB, String cidrB) {
        for (String n : List.of(nsA, ifA, nsB, ifB)) {
            check(n);
        }
        run(5, "ip", "netns", "del", nsA);
        run(5, "ip", "netns", "del", nsB);
        must("ip", "netns", "add", nsA);
        namespaces.add(nsA);
        must("ip", "netns", "add", nsB);
        namespaces.add(nsB);
        must("ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        must("ip", "-n", nsA, "addr", "add", cidrA, "dev", ifA);
        must("ip", "-n", nsB, "addr", "add", cidrB, "dev", ifB);
        for (String[] x : new String[][]{{nsA, ifA}, {nsB, ifB}}) {
            must("ip", "-n", x[0], "link", "set", "lo", "up");
            must("ip", "-n", x[0], "link", "set", x[1], "up");
        }
    }

    /** A command inside a namespace, bounded by {@code timeout}. */
    public static Result inNs(String ns, int seconds, String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns, "timeout", "-k", "2", String.valueOf(seconds)));
        c.addAll(Arrays.asList(cmd));
        return run(seconds + 5, c.toArray(String[]::new));
    }

    public static Result must(String... cmd) {
        Result r = run(10, cmd);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.output());
        }
        return r;
    }

    public static Result run(int seconds, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            });
            reader.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
            }
            reader.join(2000);
            String text = out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8);
            return new Result(p.isAlive() ? -1 : p.exitValue(), text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void check(String name) {
        if (!name.startsWith("rpdd")) {
            throw new IllegalArgumentException("only rpdd* names: " + name);
        }
    }

    private synchronized void cleanUp() {
        for (String ns : namespaces) {
            run(10, "ip", "netns", "del", ns);
        }
        for (String l : links) {
            run(5, "ip", "link", "del", l); // usually gone with its peer's namespace
        }
        namespaces.clear();
        links.clear();
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }

    interface CLib extends Library {
        CLib C = Native.load("c", CLib.class);

        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    /** Work for {@link #inNamespace}. */
    public interface NsTask<T> {
        T call() throws Exception;
    }

    /**
     * Runs a task on a fresh thread that first joins network namespace {@code ns} (setns, CLONE_NEWNET); sockets
     * it creates belong to that namespace for their whole life, whichever thread uses them later.
     */
    public static <T> T inNamespace(String ns, NsTask<T> task) throws Exception {
        check(ns);
        Object[] result = new Object[2];
        Thread t = new Thread(() -> {
            int fd = CLib.C.open("/run/netns/" + ns, 0);
            if (fd < 0 || CLib.C.setns(fd, 0x40000000) != 0) {
                result[1] = new IOException("setns " + ns + " failed (errno " + Native.getLastError() + ")");
                return;
            }
            CLib.C.close(fd);
            try {
                result[0] = task.call();
            } catch (Exception e) {
                result[1] = e;
            }
        }, "rpdd-netns-" + ns);
        t.start();
        t.join(10000);
        if (result[1] != null) {
            throw (Exception) result[1];
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }
}
