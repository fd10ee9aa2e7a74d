package io.rpideploy.platform.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No cycles between features: a feature package ({@code io.rpideploy.<feature>} in the application,
 * {@code io.rpideploy.installer.<part>} in the installer) may use another only if that one does not use it back,
 * directly or through others. Read from the sources (imports and fully qualified names alike); the adapter's
 * packages seen by the application ({@code io.rpideploy.netboot.api} and the engines) are not the netboot feature.
 */
class FeatureCyclesTest {

    @Test
    void theApplicationsFeaturesHaveNoCycle() throws IOException {
        Map<String, Set<String>> graph = graph(Path.of("src/main/java/io/rpideploy"),
                Pattern.compile("io\\.rpideploy\\.(?!netboot\\.(?:api|dhcp|tftp|udp|policy|ra)\\b)(\\w+)\\."));
        assertTrue(graph.size() >= 10, "features found: " + graph.keySet());
        assertEquals(List.of(), cycles(graph), "feature cycles in web-war; edges: " + graph);
    }

    @Test
    void theInstallersPartsHaveNoCycle() throws IOException {
        Map<String, Set<String>> graph = graph(Path.of("../installer-jar/src/main/java/io/rpideploy/installer"),
                Pattern.compile("io\\.rpideploy\\.installer\\.(\\w+)\\."));
        assertTrue(graph.size() >= 6, "parts found: " + graph.keySet());
        assertEquals(List.of(), cycles(graph), "cycles in installer-jar; edges: " + graph);
    }

    @Test
    void aCycleIsFound() {
        Map<String, Set<String>> graph = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"),
                "d", Set.of("a")));
        assertEquals(List.of("a -> b -> c -> a"), cycles(graph));
        assertEquals(List.of(), cycles(Map.of("a", Set.of("b"), "b", Set.of())));
    }

    /** Each top-level package under {@code base} and the others its sources name. */
    private static Map<String, Set<String>> graph(Path base, Pattern reference) throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> features = Files.list(base)) {
            for (Path feature : features.filter(Files::isDirectory).toList()) {
                String name = feature.getFileName().toString();
                Set<String> uses = new TreeSet<>();
                try (Stream<Path> files = Files.walk(feature)) {
                    for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        Matcher m = reference.matcher(Files.readString(file));
                        while (m.find()) {
                            if (!m.group(1).equals(name)) {
                                uses.add(m.group(1));
                            }
                        }
                    }
                }
                graph.put(name, uses);
            }
        }
        return graph;
    }

    /** Every cycle as "a -> b -> a", each reported once, from its smallest name. */
    static List<String> cycles(Map<String, Set<String>> graph) {
        Set<String> found = new TreeSet<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            Deque<List<String>> paths = new ArrayDeque<>();
            paths.push(List.of(start));
            while (!paths.isEmpty()) {
                List<String> path = paths.pop();
                for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    if (next.equals(start)) {
                        List<String> cycle = new ArrayList<>(path);
                        cycle.add(start);
                        if (start.equals(path.stream().min(String::compareTo).orElseThrow())) {
                            found.add(String.join(" -> ", cycle));
                        }
                    } else if (!path.contains(next) && next.compareTo(start) > 0) {
                        List<String> longer = new ArrayList<>(path);
                        longer.add(next);
                        paths.push(longer);
                    }
                }
            }
        }
        return new ArrayList<>(found);
    }
}
