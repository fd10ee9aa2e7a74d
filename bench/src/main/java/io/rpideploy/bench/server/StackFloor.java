package io.rpideploy.bench.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The design card's stack with nothing of rpi-deploy in it, to tell what the stack itself costs at start: wars
 * built from the layers under {@code bench/src/floor} (each a {@code java} and a {@code war} directory),
 * compiled here with the benchmark's class path. They live outside this module's Java sources on purpose: their
 * entity, EJB and WebSocket endpoint belong in the floor wars alone.
 *
 * <ul>
 *   <li>{@code rest}: a CDI-managed JAX-RS resource on /api/health (the page the benchmark waits for);</li>
 *   <li>{@code jpa}: one JPA entity over SQLite read by a startup EJB singleton, one WebSocket endpoint;</li>
 *   <li>{@code faces}: one Faces page (Mojarra, as Payara ships it);</li>
 *   <li>{@code primefaces}: the PrimeFaces jar rpi-deploy ships and a page with one of its components.</li>
 * </ul>
 * After the timed start, each layer's {@link #checks() check} must answer with the expected text, so that a layer
 * that did not come up (an unresolved bean renders empty, an unknown tag library passes through as markup) is an
 * error, not a fast floor.
 */
record StackFloor(String label, String name, List<String> layers) {

    static final List<StackFloor> ALL = List.of(
            new StackFloor("floor: JAX-RS + CDI", "floor-rest", List.of("rest")),
            new StackFloor("floor: + JPA, EJB, WebSocket", "floor-jpa", List.of("rest", "jpa")),
            new StackFloor("floor: + Faces", "floor-faces", List.of("rest", "jpa", "faces")),
            new StackFloor("floor: + PrimeFaces", "floor-primefaces", List.of("rest", "jpa", "faces", "primefaces")));

    /** Payara Micro gets sqlite-jdbc as rpi-deploy's start script gives it ({@code --addlibs}). */
    boolean needsSqlite() {
        return layers.contains("jpa");
    }

    String healthPath() {
        return "/" + name + "/api/health";
    }

    /** Each layer's proof that it works: a path and a text its answer must contain. */
    Map<String, String> checks() {
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put(healthPath(), "\"status\":\"UP\"");
        if (layers.contains("jpa")) {
            checks.put("/" + name + "/api/things", "\"things\":0");
        }
        if (layers.contains("faces")) {
            checks.put("/" + name + "/index.xhtml", ">floor<");
        }
        if (layers.contains("primefaces")) {
            checks.put("/" + name + "/prime.xhtml", "ui-outputlabel");
        }
        return checks;
    }

    /** Compiles the layers' sources and writes {@code dir/<name>.war}. */
    Path build(Path sources, Path dir) throws IOException {
        Path classes = Files.createDirectories(dir.resolve(name + "-classes"));
        List<String> javaFiles = new ArrayList<>();
        for (String layer : layers) {
            if (!Files.isDirectory(sources.resolve(layer))) {
                throw new IllegalStateException("no stack floor layer " + sources.resolve(layer)
                        + " (bench.floorSources)");
            }
            javaFiles.addAll(files(sources.resolve(layer).resolve("java")).stream()
                    .filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("the benchmark needs a JDK (no Java compiler in "
                    + System.getProperty("java.home") + ")");
        }
        List<String> args = new ArrayList<>(List.of("-proc:none", "--release", "17", "-d", classes.toString(),
                "-classpath", System.getProperty("java.class.path")));
        args.addAll(javaFiles);
        if (javac.run(null, null, null, args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("the stack floor " + name + " does not compile (sources in "
                    + sources + ")");
        }
        Path war = dir.resolve(name + ".war");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            for (Path file : files(classes)) {
                add(zip, "WEB-INF/classes/" + relative(classes, file), file);
            }
            for (String layer : layers) {
                Path resources = sources.resolve(layer).resolve("war");
                for (Path file : files(resources)) {
                    add(zip, relative(resources, file), file);
                }
            }
            if (layers.contains("primefaces")) {
                Path primefaces = fromClassPath("primefaces-");
                add(zip, "WEB-INF/lib/" + primefaces.getFileName(), primefaces);
            }
        }
        return war;
    }

    private static List<Path> files(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(File.separatorChar, '/');
    }

    private static void add(ZipOutputStream zip, String name, Path file) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        Files.copy(file, zip);
        zip.closeEntry();
    }

    private static Path fromClassPath(String prefix) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".jar"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + prefix + "*.jar on the benchmark's class path"));
    }
}
