package io.rpideploy.bootenv.control;

import io.rpideploy.bootenv.control.Ext4Volume.Inode;
import io.rpideploy.bootenv.control.Ext4Volume.NotYet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which files of {@code /lib/modules/<release>/} the installer needs: network, block and file system drivers and
 * everything they depend on per modules.dep, in load order. Asked again after each pass until nothing is missing.
 */
final class ModuleTree {

    /** A folder under the release (recursive or not) and a file name prefix: a module family the installer loads. */
    record Family(String folder, boolean recursive, String prefix) {
    }

    static final List<Family> FAMILIES = List.of(
            new Family("kernel/drivers/net/ethernet", true, ""),
            new Family("kernel/drivers/net/phy", true, ""),
            new Family("kernel/drivers/net/mdio", true, ""),
            // virtual machines (emulated boards, CI): virtio_net sits in drivers/net itself, its PCI transport in virtio
            new Family("kernel/drivers/net", false, "virtio_net"),
            new Family("kernel/drivers/virtio", false, "virtio"),
            new Family("kernel/drivers/mmc", true, ""),
            new Family("kernel/drivers/nvme", true, ""),
            new Family("kernel/drivers/block", false, "loop"),
            new Family("kernel/fs/fat", true, ""),
            new Family("kernel/fs/nls", false, "nls_cp437"),
            new Family("kernel/fs/nls", false, "nls_iso8859-1"),
            new Family("kernel/fs/ext4", true, ""),
            new Family("kernel/fs/jbd2", true, ""),
            new Family("kernel/lib", false, "crc"),
            new Family("kernel/crypto", false, "crc32c"));

    static final List<String> INDEXES = List.of("modules.order", "modules.dep", "modules.builtin");
    private static final long MAX_INDEX = 32L << 20;
    private static final long MAX_MODULE = 256L << 20;
    private static final int MAX_DEPTH = 12;

    /** A file to write: its path under the release folder and its inode (symlinks already followed). */
    record Item(String path, Inode inode) {
    }

    /** The answer: no release folder (with the releases there are), or the files and the load order. */
    record Plan(boolean releaseFound, List<String> releases, List<Item> files, List<String> loadOrder,
                List<String> warnings) {
    }

    private final Ext4Volume fs;
    private final String release;
    private boolean missing;

    private ModuleTree(Ext4Volume fs, String release) {
        this.fs = fs;
        this.release = release;
    }

    /** The plan, or {@link NotYet} after asking the volume for every block this round found missing. */
    static Plan resolve(Ext4Volume fs, String release) throws IOException, BadImageException, NotYet {
        return new ModuleTree(fs, release).resolve();
    }

    private Plan resolve() throws IOException, BadImageException, NotYet {
        // "/lib" is a symlink to "usr/lib" on merged-/usr systems (Debian bookworm): lookup follows it
        Inode modules = fs.lookup("/lib/modules");
        if (modules == null || !modules.directory()) {
            return new Plan(false, List.of(), List.of(), List.of(), List.of());
        }
        Map<String, Long> releases = fs.list(modules, "/lib/modules");
        Inode dir = releases.containsKey(release) ? fs.lookup(modules, release, new int[1]) : null;
        if (dir == null || !dir.directory()) {
            Set<String> names = new TreeSet<>(releases.keySet());
            names.removeAll(Set.of(".", ".."));
            return new Plan(false, new ArrayList<>(names), List.of(), List.of(), List.of());
        }
        List<String> warnings = new ArrayList<>();
        Map<String, Item> files = new LinkedHashMap<>();
        Map<String, byte[]> indexes = new HashMap<>();
        for (String name : INDEXES) {
            try {
                Inode f = fs.lookup(dir, name, new int[1]);
                if (f == null || !f.regular()) {
                    warnings.add("/lib/modules/" + release + "/" + name + " is missing");
                    continue;
                }
                indexes.put(name, fs.readAll(f, name, MAX_INDEX));
                files.put(name, new Item(name, f));
            } catch (NotYet e) {
                missing = true;
            }
        }
        Set<String> chosen = new TreeSet<>();
        for (Family family : FAMILIES) {
            try {
                Inode folder = fs.lookup(dir, family.folder(), new int[1]);
                if (folder != null && folder.directory()) {
                    walk(folder, family.folder(), family, chosen, 0);
                }
            } catch (NotYet e) {
                missing = true;
            }
        }
        Map<String, List<String>> deps = indexes.containsKey("modules.dep") ? deps(indexes.get("modules.dep"))
                : Map.of();
        List<String> order = order(chosen, deps, indexes.get("modules.order"));
        for (String path : order) {
            try {
                Inode f = fs.lookup(dir, path, new int[1]);
                if (f == null || !f.regular()) {
                    warnings.add("module " + path + " is listed in modules.dep but missing");
                    continue;
                }
                if (f.size() > MAX_MODULE) {
                    throw new BadImageException("Module " + path + " is too large (" + f.size() + " bytes)");
                }
                fs.fetch(f, path);
                files.put(path, new Item(path, f));
            } catch (NotYet e) {
                missing = true;
            }
        }
        if (missing) {
            throw new NotYet();
        }
        List<String> loaded = order.stream().filter(files::containsKey).toList();
        return new Plan(true, List.of(release), new ArrayList<>(files.values()), loaded, warnings);
    }

    /** Module files of one family; a directory seen twice (a damaged tree) is not walked again. */
    private void walk(Inode folder, String path, Family family, Set<String> chosen, int depth)
            throws IOException, BadImageException, NotYet {
        if (depth > MAX_DEPTH) {
            throw new BadImageException("The module tree under " + path + " is nested too deep");
        }
        for (Map.Entry<String, Long> e : fs.list(folder, path).entrySet()) {
            String name = e.getKey();
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            String child = path + "/" + name;
            if (module(name) && name.startsWith(family.prefix())) {
                chosen.add(child);
            } else if (family.recursive()) {
                try {
                    Inode sub = fs.inode(e.getValue());
                    if (sub.directory()) {
                        walk(sub, child, family, chosen, depth + 1);
                    }
                } catch (NotYet later) {
                    missing = true;
                }
            }
        }
    }

    static boolean module(String name) {
        return name.endsWith(".ko") || name.endsWith(".ko.xz") || name.endsWith(".ko.zst") || name.endsWith(".ko.gz");
    }

    /** modules.dep: "path: dep1 dep2 ..." per line, paths relative to the release folder (kmod's depmod). */
    private Map<String, List<String>> deps(byte[] text) {
        Map<String, List<String>> deps = new HashMap<>();
        String prefix = "/lib/modules/" + release + "/";
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            List<String> list = new ArrayList<>();
            for (String d : line.substring(colon + 1).trim().split("\\s+")) {
                if (!d.isEmpty()) {
                    list.add(strip(d, prefix));
                }
            }
            deps.put(strip(line.substring(0, colon).trim(), prefix), list);
        }
        return deps;
    }

    private static String strip(String path, String prefix) {
        return path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    }

    /**
     * Dependencies first: a depth-first walk from each chosen module in modules.order order, visiting its
     * dependencies last-listed first (modprobe loads them in that order).
     */
    private static List<String> order(Set<String> chosen, Map<String, List<String>> deps, byte[] modulesOrder) {
        List<String> roots = new ArrayList<>();
        if (modulesOrder != null) {
            Map<String, String> byStem = new HashMap<>();
            for (String c : chosen) {
                byStem.put(stem(c), c);
            }
            for (String line : new String(modulesOrder, StandardCharsets.UTF_8).split("\n")) {
                String c = byStem.remove(stem(line.trim()));
                if (c != null) {
                    roots.add(c);
                }
            }
            roots.addAll(new TreeSet<>(byStem.values()));
        } else {
            roots.addAll(chosen);
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        Set<String> visiting = new HashSet<>();
        for (String r : roots) {
            visit(r, deps, out, visiting, 0);
        }
        return new ArrayList<>(out);
    }

    private static void visit(String m, Map<String, List<String>> deps, Set<String> out, Set<String> visiting,
                              int depth) {
        if (out.contains(m) || !visiting.add(m) || depth > 256) {
            return; // done, or a cycle in a damaged modules.dep
        }
        List<String> d = deps.getOrDefault(m, List.of());
        for (int i = d.size() - 1; i >= 0; i--) {
            visit(d.get(i), deps, out, visiting, depth + 1);
        }
        out.add(m);
    }

    private static String stem(String path) {
        int ko = path.lastIndexOf(".ko");
        return ko < 0 ? path : path.substring(0, ko);
    }
}
