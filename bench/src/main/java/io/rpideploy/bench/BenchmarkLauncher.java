package io.rpideploy.bench;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the benchmark named by {@code -Dbench.main=<class>} in a JVM of its own: this module's class path, every
 * {@code bench.*} system property of the Maven command line, the working directory of the Maven command (the
 * benchmarks' relative paths are from the repository root), and {@code -Dbench.jvmOptions=...} or else the JVM
 * options the benchmark always ran with. Maven's exec plugin starts this one (bench/pom.xml); a JVM of its own
 * keeps Maven's heap, class loaders and {@code System.exit} out of what is measured.
 */
public final class BenchmarkLauncher {

    /** JVM options by benchmark, where it has any (the load generators of the server benchmarks ran with these). */
    private static final Map<String, String> JVM_OPTIONS = Map.of(
            "io.rpideploy.bench.server.AssignmentBenchmark", "-Xmx256m",
            "io.rpideploy.bench.server.DeploymentBenchmark", "-Xmx256m",
            "io.rpideploy.bench.security.AttackBenchmark", "-Xmx256m");
    /** An outer bound; each benchmark bounds its own steps. */
    private static final long TIMEOUT_MINUTES = 45;
    /** The fleet benchmark's three runs of fifty boards take longer. */
    private static final Map<String, Long> LONGER = Map.of("io.rpideploy.bench.fleet.FleetBenchmark", 100L);

    private BenchmarkLauncher() {
    }

    public static void main(String[] args) throws Exception {
        String main = System.getProperty("bench.main", "");
        if (main.isBlank()) {
            throw new IllegalArgumentException("-Dbench.main=<class> is required, one of: "
                    + "io.rpideploy.bench.server.AssignmentBenchmark, io.rpideploy.bench.server.DeploymentBenchmark, "
                    + "io.rpideploy.bench.dhcp.DhcpBenchmark, io.rpideploy.bench.tftp.TftpBenchmark, "
                    + "io.rpideploy.bench.installer.ThroughputBenchmark, io.rpideploy.bench.boot.BootBenchmark, "
                    + "io.rpideploy.bench.security.AttackBenchmark, io.rpideploy.bench.fleet.FleetBenchmark "
                    + "(README, Performance)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String jvmOptions = System.getProperty("bench.jvmOptions", JVM_OPTIONS.getOrDefault(main, ""));
        Arrays.stream(jvmOptions.trim().split("\\s+")).filter(o -> !o.isEmpty()).forEach(command::add);
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("bench."))
                .filter(name -> !name.equals("bench.jvmOptions")).sorted()
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.add("-classpath");
        command.add(classPath());
        command.add(main);
        command.addAll(List.of(args));
        Process benchmark = new ProcessBuilder(command).inheritIO().start();
        Thread stop = new Thread(benchmark::destroy, "bench-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            long minutes = LONGER.getOrDefault(main, TIMEOUT_MINUTES);
            if (!benchmark.waitFor(minutes, TimeUnit.MINUTES)) {
                benchmark.destroy();
                throw new IllegalStateException(main + " still ran after " + minutes + " minutes: stopped");
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(stop);
        }
        if (benchmark.exitValue() != 0) {
            throw new IllegalStateException(main + " failed (exit " + benchmark.exitValue() + ")");
        }
    }

    /** The exec plugin's class loader holds this module's class path; {@code java.class.path} is Maven's own. */
    private static String classPath() throws URISyntaxException {
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                entries.add(Path.of(url.toURI()).toString());
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }
}
