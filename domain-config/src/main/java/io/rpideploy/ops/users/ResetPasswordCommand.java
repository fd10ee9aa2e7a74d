package io.rpideploy.ops.users;

import io.rpideploy.ops.OpsCommand;
import io.rpideploy.ops.OpsEnvironment;
import io.rpideploy.ops.database.Database;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code rpideploy reset-password USER}: a forgotten console password replaced on the server itself, by whoever can
 * run commands as the service's user there; works while the server runs. The new password is generated and printed
 * once; the audit log names the operating-system user who did it.
 */
public final class ResetPasswordCommand implements OpsCommand {

    private final Clock clock;

    public ResetPasswordCommand() {
        this(Clock.systemUTC());
    }

    ResetPasswordCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "reset-password";
    }

    @Override
    public String summary() {
        return "USER  give a console user a new generated password (printed once; audited)";
    }

    @Override
    public int run(List<String> args, OpsEnvironment env, PrintStream out, PrintStream err) throws Exception {
        if (args.size() != 1 || args.get(0).startsWith("-")) {
            throw new IllegalArgumentException("usage: rpideploy reset-password USER");
        }
        String username = args.get(0).strip();
        if (!Files.isRegularFile(Database.location(env))) {
            err.println("rpideploy reset-password: no database at " + Database.location(env)
                    + " (is RPIDEPLOY_HOME right?)");
            return 2;
        }
        try (Database database = Database.openServers(env)) {
            Accounts accounts = new Accounts(database);
            Optional<Accounts.Account> account = accounts.find(username);
            if (account.isEmpty()) {
                err.println("rpideploy reset-password: no user '" + username + "' (users: "
                        + String.join(", ", accounts.names()) + ")");
                return 2;
            }
            char[] password = PasswordHash.generate();
            try {
                String actor = "os:" + System.getProperty("user.name", "unknown");
                accounts.setPasswordHash(username, PasswordHash.hash(password), actor,
                        "reset with rpideploy reset-password on " + hostName(), clock.instant());
                out.println("new password for " + username + ": " + new String(password));
            } finally {
                Arrays.fill(password, '\0');
            }
            out.println("shown once: give it to " + username + ", who can change it in the console (Users)");
            if (!account.get().enabled()) {
                err.println("rpideploy reset-password: warning: " + username + " is disabled and cannot log in until"
                        + " an admin enables the account");
                return 1;
            }
            return 0;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "this host";
        }
    }
}
