package io.rpideploy.ops;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** {@code rpideploy <command> [args]}: finds the command among the {@link OpsCommand}s and runs it. */
public final class Ops {

    private Ops() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), OpsEnvironment.fromProcess(), System.out, System.err));
    }

    static int run(List<String> args, OpsEnvironment env, PrintStream out, PrintStream err) {
        Map<String, OpsCommand> commands = new TreeMap<>();
        ServiceLoader.load(OpsCommand.class).forEach(c -> commands.put(c.name(), c));
        String name = args.isEmpty() ? "help" : args.get(0);
        OpsCommand command = commands.get(name);
        if (command == null) {
            PrintStream to = name.equals("help") || name.equals("--help") ? out : err;
            if (to == err) {
                err.println("rpideploy: unknown command '" + name + "'");
            }
            to.println("usage: rpideploy [start] [payara-micro options]   start the server (the default)");
            commands.values().forEach(c -> to.printf("       rpideploy %-14s %s%n", c.name(), c.summary()));
            return to == out ? 0 : 2;
        }
        try {
            return command.run(args.subList(1, args.size()), env, out, err);
        } catch (IllegalArgumentException e) {
            err.println("rpideploy " + name + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            // an operator reads this: the cause in one line, no stack trace
            err.println("rpideploy " + name + ": failed: " + e);
            return 2;
        }
    }
}
