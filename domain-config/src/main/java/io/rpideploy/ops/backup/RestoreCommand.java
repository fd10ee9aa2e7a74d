package io.rpideploy.ops.backup;

import io.rpideploy.ops.OpsCommand;
import io.rpideploy.ops.OpsEnvironment;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** {@code rpideploy restore ARCHIVE [--force]}: a backup back into the data directory, with the server stopped. */
public final class RestoreCommand implements OpsCommand {

    @Override
    public String name() {
        return "restore";
    }

    @Override
    public String summary() {
        return "ARCHIVE [--force]  restore a backup into RPIDEPLOY_HOME (server stopped; checked first)";
    }

    @Override
    public int run(List<String> args, OpsEnvironment env, PrintStream out, PrintStream err) throws Exception {
        DataLayout layout = DataLayout.of(env);
        Path archive = null;
        boolean force = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--force")) {
                force = true;
            } else if (arg.equals("--env-file")) {
                layout = new DataLayout(layout.home(), layout.database(), layout.folders(), layout.images(),
                        Path.of(BackupCommand.value(args, ++i, "--env-file")).toAbsolutePath().normalize());
            } else if (!arg.startsWith("-") && archive == null) {
                archive = Path.of(arg).toAbsolutePath().normalize();
            } else {
                throw new IllegalArgumentException("unexpected " + arg
                        + " (usage: rpideploy restore ARCHIVE [--force] [--env-file FILE])");
            }
        }
        if (archive == null) {
            throw new IllegalArgumentException("which archive? (usage: rpideploy restore ARCHIVE [--force])");
        }
        Restore.Result result;
        try {
            result = new Restore(layout, Clock.systemUTC()).restore(archive, force);
        } catch (Restore.Refused refused) {
            err.println("rpideploy restore: " + refused.getMessage());
            err.println("rpideploy restore: nothing was changed");
            return 2;
        }
        out.println("restored " + archive.getFileName() + " (taken " + result.manifest().getString("created_at")
                + " on " + result.manifest().getString("host", "?") + "; "
                + result.manifest().getJsonObject("counts") + ")");
        result.notes().forEach(n -> out.println("  " + n));
        if (result.movedAside() != null) {
            out.println("  what it replaced is in " + result.movedAside());
        }
        result.warnings().forEach(w -> err.println("rpideploy restore: warning: " + w));
        out.println("start the server (systemctl start rpi-deploy): it migrates an older schema at start");
        return result.warnings().isEmpty() ? 0 : 1;
    }
}
