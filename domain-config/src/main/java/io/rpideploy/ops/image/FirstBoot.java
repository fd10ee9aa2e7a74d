package io.rpideploy.ops.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Expansion at first boot the Raspberry Pi OS Bookworm way: the kernel command line (the boot partition's
 * cmdline.txt, one line) carries {@code init=/usr/lib/raspberrypi-sys-mods/firstboot}, which grows the root
 * partition and file system to the card and then removes itself from cmdline.txt. A card read from a Pi that has
 * booted has lost it; it is put back. The FAT partition is read and written with mtools at its byte offset
 * ({@code -i file@@offset}), as the installer customises it: no mount.
 */
final class FirstBoot {

    static final String SCRIPT = "/usr/lib/raspberrypi-sys-mods/firstboot";
    static final String INIT = "init=" + SCRIPT;

    private FirstBoot() {
    }

    /** What {@link #apply} did. */
    enum Outcome { ADDED, ALREADY_THERE, OTHER_INIT }

    /** cmdline.txt with the firstboot init, or empty when it must stay as it is (already there, another init=). */
    static Optional<String> withInit(String cmdline) {
        String line = cmdline.strip();
        for (String token : line.split("\\s+")) {
            if (token.startsWith("init=")) {
                return Optional.empty();
            }
        }
        return Optional.of((line.isEmpty() ? "" : line + " ") + INIT + "\n");
    }

    static Outcome apply(Path image, long fatOffset) throws IOException {
        String target = image + "@@" + fatOffset;
        Tool read = Tool.run(120, "mtype", "-i", target, "::cmdline.txt");
        if (read.exit() != 0) {
            throw new IOException("the boot partition has no readable cmdline.txt (mtype: " + read.lastLines() + ")");
        }
        Optional<String> changed = withInit(read.stdout());
        if (changed.isEmpty()) {
            return read.stdout().contains(INIT) ? Outcome.ALREADY_THERE : Outcome.OTHER_INIT;
        }
        Path tmp = Files.createTempFile("rpideploy-cmdline-", ".txt");
        try {
            Files.writeString(tmp, changed.get(), StandardCharsets.US_ASCII);
            Tool.run(120, "mcopy", "-o", "-i", target, tmp.toString(), "::cmdline.txt").orFail();
        } finally {
            Files.deleteIfExists(tmp);
        }
        return Outcome.ADDED;
    }

    /** Whether the root file system (a file of its own) has the firstboot script. */
    static boolean scriptIn(Path rootFs) throws IOException {
        Tool t = Tool.run(120, "debugfs", "-R", "stat " + SCRIPT, rootFs.toString());
        return t.exit() == 0 && t.stdout().contains("Inode:");
    }

    /** The cmdline.txt as it is now, for the report and tests. */
    static String read(Path image, long fatOffset) throws IOException {
        return Tool.run(120, "mtype", "-i", image + "@@" + fatOffset, "::cmdline.txt").orFail().stdout();
    }
}
