package io.rpideploy.ops.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The nightly backup's units: the server's user, settings and hardening, and the command with retention. */
class BackupTimerTest {

    private static final Path UNITS = Path.of("src/main/systemd");

    /** key -> values (a key may repeat), comments and sections left out. */
    private static Map<String, List<String>> unit(String name) throws IOException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        for (String line : Files.readAllLines(UNITS.resolve(name))) {
            int eq = line.indexOf('=');
            if (line.isBlank() || line.startsWith("#") || line.startsWith("[") || eq < 0) {
                continue;
            }
            keys.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
        }
        return keys;
    }

    @Test
    void theBackupRunsAsTheServerWithItsSettingsAndHardening() throws IOException {
        Map<String, List<String>> server = unit("rpi-deploy.service");
        Map<String, List<String>> backup = unit("rpi-deploy-backup.service");
        assertEquals(List.of("/opt/rpi-deploy/bin/rpideploy backup --keep 14"), backup.get("ExecStart"));
        assertEquals(List.of("oneshot"), backup.get("Type"));
        for (String same : List.of("User", "Group", "Environment", "EnvironmentFile", "WorkingDirectory",
                "NoNewPrivileges", "ProtectSystem", "ReadWritePaths", "PrivateTmp")) {
            assertEquals(server.get(same), backup.get(same), same);
        }
        assertEquals(List.of(""), backup.get("CapabilityBoundingSet"), "no capability at all, not even the ports'");
        Map<String, List<String>> timer = unit("rpi-deploy-backup.timer");
        assertEquals(List.of("true"), timer.get("Persistent"));
        assertTrue(timer.get("OnCalendar").get(0).startsWith("*-*-* "), "nightly");
        assertEquals(List.of("timers.target"), timer.get("WantedBy"));
    }

    /** systemd's own check, where systemd is installed: only the missing /opt/rpi-deploy may be reported. */
    @Test
    void systemdFindsNothingWrong() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze not installed");
        Process p = new ProcessBuilder(analyze.toString(), "verify", "--man=no", "rpi-deploy-backup.service",
                "rpi-deploy-backup.timer").directory(UNITS.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        for (String line : output.lines().toList()) {
            assertTrue(line.contains("/opt/rpi-deploy/bin/rpideploy is not executable"), output);
        }
    }
}
