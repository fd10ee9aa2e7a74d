package io.rpideploy.dist;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The install steps of docs/install.md as a shell script: every fenced block right after a
 * {@code <!-- install-check -->} line, in order, unindented (blocks inside list items are indented). The test runs
 * this text, not a copy of it: a changed command in the doc is what runs next time.
 */
final class InstallDoc {

    static final String MARK = "<!-- install-check -->";
    /** The package file the doc names, e.g. {@code ./rpi-deploy_0.1.0-SNAPSHOT_all.deb}. */
    private static final Pattern DEB = Pattern.compile("\\./rpi-deploy_[^\\s/]+_all\\.deb");
    private static final Pattern SETTING = Pattern.compile("^(RPIDEPLOY_[A-Z0-9_]+)=(\\S*)", Pattern.MULTILINE);

    private InstallDoc() {
    }

    /** The marked blocks' text, in order; fails when a mark is not followed by a fenced block. */
    static List<String> blocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].strip().equals(MARK)) {
                continue;
            }
            int open = i + 1;
            String fence = open < lines.length ? lines[open] : "";
            String indent = fence.substring(0, fence.length() - fence.stripLeading().length());
            if (!fence.strip().matches("```(sh|bash)")) {
                throw new IllegalStateException("line " + (i + 1) + ": " + MARK + " is not followed by a ```sh block");
            }
            StringBuilder block = new StringBuilder();
            int j = open + 1;
            for (; j < lines.length && !lines[j].strip().equals("```"); j++) {
                String line = lines[j];
                block.append(line.startsWith(indent) ? line.substring(indent.length()) : line.stripLeading())
                        .append('\n');
            }
            if (j == lines.length) {
                throw new IllegalStateException("line " + (open + 1) + ": the block is not closed");
            }
            blocks.add(block.toString());
            i = j;
        }
        return blocks;
    }

    /**
     * The script: the blocks with the doc's package name replaced by {@code debFile} (the one substitution; it must
     * occur exactly once), stopping at the first failing command and tracing each.
     */
    static String script(String markdown, String debFile) {
        StringBuilder script = new StringBuilder("set -e -x\n");
        int debs = 0;
        for (String block : blocks(markdown)) {
            Matcher m = DEB.matcher(block);
            StringBuilder replaced = new StringBuilder();
            while (m.find()) {
                debs++;
                m.appendReplacement(replaced, Matcher.quoteReplacement("./" + debFile));
            }
            m.appendTail(replaced);
            script.append(replaced);
        }
        if (debs != 1) {
            throw new IllegalStateException("the install steps name the package " + debs + " times, not once");
        }
        return script.toString();
    }

    /** The RPIDEPLOY_* lines the steps write into the settings file, e.g. the addresses the test must provide. */
    static Map<String, String> settings(String script) {
        Map<String, String> settings = new LinkedHashMap<>();
        Matcher m = SETTING.matcher(script);
        while (m.find()) {
            settings.put(m.group(1), m.group(2));
        }
        return settings;
    }
}
