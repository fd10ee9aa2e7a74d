package io.rpideploy.installer.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rpideploy.installer.report.ExitCode;
import io.rpideploy.installer.report.InstallException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetDeviceTest {

    @TempDir
    Path dir;

    private TargetDevice.SystemFiles sys() {
        return new TargetDevice.SystemFiles(dir.resolve("dev"), dir.resolve("mounts"), dir.resolve("swaps"),
                dir.resolve("sys"));
    }

    @Test
    void autoPrefersSdOrNvme() throws Exception {
        Files.createDirectories(dir.resolve("dev"));
        InstallException none = assertThrows(InstallException.class, () -> TargetDevice.choose("auto", "sd", sys()));
        assertEquals(ExitCode.DEVICE_REFUSED, none.exitCode());
        Files.createFile(dir.resolve("dev/nvme0n1"));
        assertEquals(dir.resolve("dev/nvme0n1"), TargetDevice.choose("auto", "sd", sys()));
        Files.createFile(dir.resolve("dev/mmcblk0"));
        assertEquals(dir.resolve("dev/mmcblk0"), TargetDevice.choose("auto", "sd", sys()));
        assertEquals(dir.resolve("dev/nvme0n1"), TargetDevice.choose("auto", "nvme", sys()));
        assertEquals(Path.of("/dev/sda"), TargetDevice.choose("/dev/sda", "sd", sys()));
    }

    @Test
    void partitionsAreRecognisedByName() throws Exception {
        Files.createDirectories(dir.resolve("sys"));
        Files.writeString(dir.resolve("mounts"), "/dev/mmcblk0p10 /media ext4 rw 0 0\n");
        TargetDevice mmc = new TargetDevice(Path.of("/dev/mmcblk0"), true, "mmcblk0", 1L << 30);
        assertThrows(InstallException.class, () -> mmc.checkNotInUse(sys()));
        Files.writeString(dir.resolve("mounts"), "/dev/mmcblk01 /media ext4 rw 0 0\n/dev/loop10 /x ext4 rw 0 0\n");
        mmc.checkNotInUse(sys());
        TargetDevice loop1 = new TargetDevice(Path.of("/dev/loop1"), true, "loop1", 1L << 30);
        loop1.checkNotInUse(sys());
        TargetDevice sda = new TargetDevice(Path.of("/dev/sda"), true, "sda", 1L << 30);
        Files.writeString(dir.resolve("swaps"), "Filename Type Size Used Priority\n/dev/sda2 partition 1 0 -2\n");
        assertThrows(InstallException.class, () -> sda.checkNotInUse(sys()));
    }

    @Test
    void aPlainFileIsAllowedAndHasNoSizeLimit() throws Exception {
        TargetDevice t = TargetDevice.inspect(dir.resolve("new.img"), sys());
        assertFalse(t.blockDevice());
        t.checkSize(Long.MAX_VALUE);
        assertThrows(InstallException.class, () -> TargetDevice.inspect(Path.of("/dev/nonexistent-rpideploy"), sys()));
    }
}
