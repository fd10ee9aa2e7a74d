package io.rpideploy.ops.doctor;

import io.rpideploy.ops.OpsCommand;
import io.rpideploy.ops.OpsEnvironment;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rpideploy doctor [--json] [--deep] [--wait SECONDS]}: checks the installed server against its settings
 * (the customer plan's {@code validate_deployment.sh}) and prints one OK/WARN/FAIL line per check. Read-only: it
 * asks {@code /health}, reads the database with a read-only connection and looks at files and interfaces.
 */
public final class DoctorCommand implements OpsCommand {

    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String summary() {
        return "check the installation: [--json] [--deep: hash the images] [--wait S: for the server to answer]";
    }

    @Override
    public int run(List<String> args, OpsEnvironment env, PrintStream out, PrintStream err) throws Exception {
        boolean json = false;
        boolean deep = false;
        int waitSeconds = 0;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--json" -> json = true;
                case "--deep" -> deep = true;
                case "--wait" -> {
                    if (i + 1 >= args.size() || !args.get(i + 1).matches("[0-9]{1,4}")) {
                        throw new IllegalArgumentException("--wait needs a number of seconds");
                    }
                    waitSeconds = Integer.parseInt(args.get(++i));
                }
                default -> throw new IllegalArgumentException("unknown option '" + args.get(i)
                        + "' (usage: rpideploy doctor [--json] [--deep] [--wait SECONDS])");
            }
        }
        Report report = examine(DoctorSettings.from(env), deep, Duration.ofSeconds(waitSeconds));
        if (json) {
            out.println(report.json());
        } else {
            report.printTable(out);
        }
        return report.exitCode();
    }

    /** Every check, in the order an operator reads them: the server, its network, its data, its host. */
    static Report examine(DoctorSettings s, boolean deep, Duration wait) throws InterruptedException {
        Duration timeout = Duration.ofSeconds(10);
        Health management = Health.fetch("management", s.managementAddress(), s.managementPort(), timeout);
        Instant until = Instant.now().plus(wait);
        // after an install or restart the server takes a few seconds to answer: poll, bounded by --wait
        while (management.starting() && Instant.now().isBefore(until)) {
            Thread.sleep(1000);
            management = Health.fetch("management", s.managementAddress(), s.managementPort(), timeout);
        }
        Health deployment = Health.fetch("deployment", s.deploymentAddress(), s.deploymentPort(), timeout);
        Interfaces interfaces = Interfaces.system();
        var listening = ListeningSockets.read(Path.of("/proc/net"));

        List<Finding> findings = new ArrayList<>();
        findings.add(management.finding());
        findings.add(deployment.finding());
        findings.add(ListenerChecks.binding("management", s.managementAddress(), s.managementPort(), listening));
        findings.add(ListenerChecks.binding("deployment", s.deploymentAddress(), s.deploymentPort(), listening));
        findings.add(ListenerChecks.placement(s, interfaces));
        findings.add(ListenerChecks.deploymentInterface(s, interfaces));
        Health either = management.answered() ? management : deployment;
        findings.add(HealthChecks.netboot(either, s.netbootInterface().isPresent()));
        Finding integrity = DatabaseChecks.integrity(s.database());
        // DHCP runs only with a deployment interface, and only then does the server probe for other DHCP servers
        Finding rogue = RogueDhcp.check(s.database(), s.netbootInterface().isPresent(), s.rogueProbing(),
                Instant.now());
        findings.add(integrity.status() == Status.OK ? rogue
                : Finding.notChecked("other DHCP server", "the database failed its check"));
        findings.add(integrity);
        findings.add(DatabaseChecks.schema(s.database(),
                DatabaseChecks.shippedVersion(s.distribution().resolve("lib/web-war.war"))));
        if (integrity.status() == Status.OK) {
            findings.addAll(ImageChecks.check(s.database(), s.imagesDir(), deep));
        } else {
            ImageChecks.PRODUCTS.forEach(p -> findings.add(Finding.notChecked("image " + p,
                    "the database failed its check")));
        }
        findings.add(HealthChecks.bootEnvironment(either));
        findings.add(HostChecks.disk("data", s.home(), s.minFreeBytes()));
        if (!s.imagesDir().startsWith(s.home())) {
            findings.add(HostChecks.disk("images", s.imagesDir(), s.minFreeBytes()));
        }
        findings.add(HostChecks.hostName());
        findings.add(HostChecks.clock(Instant.now(), HostChecks.newestRecord(s.database()),
                HostChecks.synchronised()));
        return new Report(findings, Instant.now());
    }
}
