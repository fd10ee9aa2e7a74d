package io.rpideploy.ops;

import java.io.PrintStream;
import java.util.List;

/** {@link Ops#run} for the commands' tests in other packages: the dispatch, its messages and exit codes. */
public final class OpsAccess {

    private OpsAccess() {
    }

    public static int run(List<String> args, OpsEnvironment env, PrintStream out, PrintStream err) {
        return Ops.run(args, env, out, err);
    }
}
