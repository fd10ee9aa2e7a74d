package io.rpideploy.ops.provision;

import io.rpideploy.ops.OpsCommand;
import io.rpideploy.ops.OpsEnvironment;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rpideploy provision --config FILE VERB [options]}: the deployment VM on Proxmox VE, through its REST API
 * with an API token (docs/proxmox.md).
 */
public final class ProvisionCommand implements OpsCommand {

    private static final String USAGE = """
            usage: rpideploy provision --config FILE VERB [options]
              user-data [--out FILE]            the cloud-init snippet for this config (copy it to the node once)
              create                            create the VM from the cloud image, start it, run doctor in it
              doctor   [--vmid N]               wait for the guest agent and cloud-init, run doctor in the VM
              template [--vmid N]               convert the (stopped) VM to a template
              clone    [--vmid N] [--newid N] [--name NAME]   full clone (of the template)
              snapshot [--vmid N] --name NAME [--description TEXT]
              backup   [--vmid N]               vzdump (snapshot mode, zstd) to storage.backup_storage
            The API token's secret comes from proxmox.token_secret_env or proxmox.token_secret_file, never the
            config file. Exit code: 0 done (doctor all green), 1 doctor warned, 2 failed.""";
    private static final Set<String> VALUED = Set.of("--config", "--vmid", "--newid", "--name", "--description",
            "--out");

    private final Duration pollInterval;

    public ProvisionCommand() {
        this(Duration.ofSeconds(2));
    }

    ProvisionCommand(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    @Override
    public String name() {
        return "provision";
    }

    @Override
    public String summary() {
        return "create/template/clone/snapshot/back up the server's VM on Proxmox VE";
    }

    @Override
    public int run(List<String> args, OpsEnvironment env, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> options = new HashMap<>();
        String verb = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--help") || a.equals("-h")) {
                out.println(USAGE);
                return 0;
            } else if (VALUED.contains(a)) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
                }
                options.put(a, args.get(++i));
            } else if (!a.startsWith("-") && verb == null) {
                verb = a;
            } else {
                throw new IllegalArgumentException("unexpected argument '" + a + "'\n" + USAGE);
            }
        }
        if (verb == null || !options.containsKey("--config")) {
            throw new IllegalArgumentException("--config FILE and a verb are required\n" + USAGE);
        }
        ProvisionConfig config = ProvisionConfig.read(Path.of(options.get("--config")));

        if (verb.equals("user-data")) {
            String userData = CloudInit.userData(config);
            if (options.containsKey("--out")) {
                Files.writeString(Path.of(options.get("--out")), userData, StandardCharsets.UTF_8);
                out.println("wrote " + options.get("--out") + "; copy it to the snippets folder of storage "
                        + config.snippetsStorage() + " on node " + config.node() + " as "
                        + CloudInit.snippetName(config));
            } else {
                out.print(userData);
            }
            return 0;
        }
        if (!Set.of("create", "doctor", "template", "clone", "snapshot", "backup").contains(verb)) {
            throw new IllegalArgumentException("unknown verb '" + verb + "'\n" + USAGE);
        }
        ProxmoxClient client = new ProxmoxClient(config.url(), config.tokenId(),
                config.tokenSecret(env.variables()), ProxmoxTls.context(config.tlsFingerprint(), config.tlsCaFile()),
                pollInterval);
        Provisioner p = new Provisioner(client, config, err);
        switch (verb) {
            case "create" -> {
                return report(p.create(), out, err);
            }
            case "doctor" -> {
                return report(p.doctor(vmid(options, config)), out, err);
            }
            case "template" -> p.template(vmid(options, config));
            case "clone" -> out.println("cloned as VM " + p.cloneVm(vmid(options, config),
                    options.containsKey("--newid") ? id(options.get("--newid"), "--newid") : null,
                    options.get("--name")));
            case "snapshot" -> {
                String name = options.get("--name");
                if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_-]{1,39}")) {
                    throw new IllegalArgumentException("snapshot --name: a letter then letters, digits, '_' or '-'"
                            + " (2-40 characters) expected, as Proxmox requires");
                }
                p.snapshot(vmid(options, config), name, options.get("--description"));
            }
            case "backup" -> p.backup(vmid(options, config));
            default -> throw new IllegalStateException(verb);
        }
        out.println(verb + ": done");
        return 0;
    }

    /** doctor's own output (JSON) goes to stdout as it is; its exit code decides ours. */
    private static int report(Provisioner.ExecResult doctor, PrintStream out, PrintStream err) {
        out.print(doctor.out());
        if (!doctor.err().isBlank()) {
            err.print(doctor.err());
        }
        err.println("provision: doctor exited " + doctor.exitCode());
        return switch (doctor.exitCode()) {
            case 0 -> 0;
            case 1 -> 1;
            default -> 2;
        };
    }

    private static int vmid(Map<String, String> options, ProvisionConfig config) {
        if (options.containsKey("--vmid")) {
            return id(options.get("--vmid"), "--vmid");
        }
        if (config.vmid().isEmpty()) {
            throw new IllegalArgumentException("--vmid N is required (the config's vmid is null)");
        }
        return config.vmid().getAsInt();
    }

    private static int id(String text, String option) {
        try {
            int id = Integer.parseInt(text);
            if (id >= 100 && id <= 999_999_999) {
                return id;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(option + ": a VM id from 100 to 999999999 expected, got '" + text + "'");
    }
}
