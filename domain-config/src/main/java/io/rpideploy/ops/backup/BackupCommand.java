package io.rpideploy.ops.backup;

import io.rpideploy.ops.OpsCommand;
import io.rpideploy.ops.OpsEnvironment;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** {@code rpideploy backup [--output DIR] [--with-images] [--keep N]}: one archive, safe while the server runs. */
public final class BackupCommand implements OpsCommand {

    @Override
    public String name() {
        return "backup";
    }

    @Override
    public String summary() {
        return "[--output DIR] [--with-images] [--keep N]  archive database, settings, boot files (online)";
    }

    @Override
    public int run(List<String> args, OpsEnvironment env, PrintStream out, PrintStream err) throws Exception {
        DataLayout layout = DataLayout.of(env);
        Path output = layout.backups();
        boolean withImages = false;
        Integer keep = null;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--output" -> output = Path.of(value(args, ++i, "--output")).toAbsolutePath().normalize();
                case "--with-images" -> withImages = true;
                case "--keep" -> keep = number(value(args, ++i, "--keep"));
                case "--env-file" -> layout = new DataLayout(layout.home(), layout.database(), layout.folders(),
                        layout.images(), Path.of(value(args, ++i, "--env-file")).toAbsolutePath().normalize());
                default -> throw new IllegalArgumentException("unknown option " + args.get(i) + " (usage: rpideploy "
                        + "backup [--output DIR] [--with-images] [--keep N] [--env-file FILE])");
            }
        }
        if (!java.nio.file.Files.isRegularFile(layout.database())) {
            err.println("rpideploy backup: no database at " + layout.database() + " (is RPIDEPLOY_HOME right?)");
            return 2;
        }
        int busy = Integer.parseInt(env.get("RPIDEPLOY_DB_BUSY_TIMEOUT", "30000"));
        Backup.Result result = new Backup(layout, Clock.systemUTC(), busy).write(output, withImages);
        out.printf("backup written: %s (%d bytes; %s)%n", result.archive(), result.bytes(),
                result.manifest().getJsonObject("counts"));
        if (keep != null) {
            for (Path old : Backup.prune(output, keep)) {
                out.println("removed old backup " + old.getFileName() + " (--keep " + keep + ")");
            }
        }
        result.warnings().forEach(w -> err.println("rpideploy backup: warning: " + w));
        return result.warnings().isEmpty() ? 0 : 1;
    }

    static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static int number(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // the message below
        }
        throw new IllegalArgumentException("--keep needs a whole number of 1 or more, not " + text);
    }
}
