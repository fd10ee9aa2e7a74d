package io.rpideploy.dist;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The first start builds the installer environment in the background (a few minutes of Debian downloads and
 * packing); a server stopped meanwhile stops that build too, instead of leaving it running on its own, still
 * writing the data directory and racing the build the next start begins. The build here is a stand-in script in
 * place of the distribution's (rpideploy.boot-env.installer-source), which waits as the real one waits for the
 * mirror.
 */
class InstallerBuildStopIT {

    @Test
    void stoppingTheServerStopsTheInstallerBuild() throws Exception {
        Path home = BootLab.freshDir(Path.of(System.getProperty("rpideploy.it.home")).resolveSibling("build-stop"));
        Path source = Files.createDirectories(home.resolveSibling("build-stop-source/build"));
        Files.writeString(source.resolveSibling("installer.jar"), "not a jar: the stand-in build never reads it");
        Path script = source.resolve("build-installer-env.sh");
        // $1 is the installer folder; the process ids go beside it
        Files.writeString(script, """
                #!/usr/bin/env bash
                echo $$ > "$1.build-pid"
                sleep 600 &
                echo $! > "$1.child-pid"
                wait
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path log = home.resolveSibling("build-stop-server.log");
        Files.deleteIfExists(log);
        Path installerDir = home.resolve("installer-env");
        Path buildPid = installerDir.resolveSibling("installer-env.build-pid");
        Path childPid = installerDir.resolveSibling("installer-env.child-pid");

        long build;
        long child;
        try (Server server = Server.start(home, 17750, 17751, "it-" + UUID.randomUUID(), log, Map.of(
                "RPIDEPLOY_BOOT_ENV_INSTALLER_BUILD", "auto",
                "RPIDEPLOY_BOOT_ENV_INSTALLER_SOURCE", source.getParent().toString()))) {
            server.awaitHealthy(Duration.ofSeconds(180));
            Instant until = Instant.now().plusSeconds(30);
            while (!(Files.exists(childPid) && Files.size(childPid) > 0) && Instant.now().isBefore(until)) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(childPid), "the server started no installer build: " + log);
            build = Long.parseLong(Files.readString(buildPid).trim());
            child = Long.parseLong(Files.readString(childPid).trim());
            assertTrue(alive(build) && alive(child), "the build should be running while the server runs");
        } // SIGTERM, as systemctl stop or a kill sends it, and the wait for the server's exit

        Instant until = Instant.now().plusSeconds(15);
        while ((alive(build) || alive(child)) && Instant.now().isBefore(until)) {
            Thread.sleep(100);
        }
        assertFalse(alive(build), "the build script outlived the server that started it");
        assertFalse(alive(child), "the build's child process outlived the server that started it");
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
