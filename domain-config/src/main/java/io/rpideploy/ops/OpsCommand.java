package io.rpideploy.ops;

import java.io.PrintStream;
import java.util.List;

/**
 * One {@code rpideploy <name>} subcommand that ops run on the server itself (doctor, backup, restore, ...), beside
 * the server, never inside it. Implementations are listed in {@code META-INF/services/io.rpideploy.ops.OpsCommand}.
 */
public interface OpsCommand {

    /** The word after {@code rpideploy}, e.g. {@code doctor}. */
    String name();

    /** One line for {@code rpideploy help}. */
    String summary();

    /**
     * Runs the command.
     *
     * @param args the arguments after the command's name
     * @param env the RPIDEPLOY_* settings as the server would see them (the environment, with the start script's
     *            defaults applied, e.g. RPIDEPLOY_HOME made absolute)
     * @return the process exit code: 0 done, 1 done with warnings, 2 failed or bad usage
     */
    int run(List<String> args, OpsEnvironment env, PrintStream out, PrintStream err) throws Exception;
}
