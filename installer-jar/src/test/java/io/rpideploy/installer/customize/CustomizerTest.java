package io.rpideploy.installer.customize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CustomizerTest {

    @Test
    void hostsLineIsReplacedOrAdded() {
        assertEquals("127.0.0.1\tlocalhost\n127.0.1.1\tkxp2-a\n",
                Customizer.hosts("127.0.0.1\tlocalhost\n127.0.1.1\t\traspberrypi\n", "kxp2-a"));
        assertEquals("127.0.0.1\tlocalhost\n127.0.1.1\tkxp2-a\n", Customizer.hosts("127.0.0.1\tlocalhost", "kxp2-a"));
    }

    @Test
    void userDataKeepsOtherKeysAndSetsOurs() {
        String out = Customizer.userData("#cloud-config\nhostname: raspberrypi\nmanage_etc_hosts: true\n"
                + "users:\n  - name: pi\n", "rxp2-b");
        assertTrue(out.startsWith("#cloud-config\nusers:\n  - name: pi\n"), out);
        assertTrue(out.endsWith("hostname: rxp2-b\npreserve_hostname: false\nmanage_etc_hosts: false\n"), out);
        assertEquals(2, out.split("\nhostname: ", -1).length, out);
    }

    @Test
    void customTomlSystemHostname() {
        assertTrue(Customizer.customToml(null, "k1").contains("config_version = 1\n\n[system]\nhostname = \"k1\"\n"));
        assertEquals("config_version = 1\n[system]\nhostname = \"k1\"\ntimezone = \"UTC\"\n[user]\nname = \"pi\"\n",
                Customizer.customToml("config_version = 1\n[system]\nhostname = \"old\"\ntimezone = \"UTC\"\n"
                        + "[user]\nname = \"pi\"\n", "k1"));
        assertEquals("config_version = 1\n\n[system]\nhostname = \"k1\"\n",
                Customizer.customToml("config_version = 1", "k1"));
    }

    @Test
    void firstrunHookIsAppendedToTheOneCmdlineLine() {
        byte[] out = Customizer.appendToCmdline("console=tty1 root=PARTUUID=x-02 rootwait\n", "systemd.run=/boot/firstrun.sh "
                + Customizer.FIRSTRUN_HOOK);
        assertEquals("console=tty1 root=PARTUUID=x-02 rootwait systemd.run=/boot/firstrun.sh "
                + "systemd.run_success_action=reboot systemd.unit=kernel-command-line.target\n",
                new String(out, StandardCharsets.UTF_8));
        String script = Customizer.firstrun("kxp2-c", "/boot/firmware");
        assertTrue(script.contains("imager_custom set_hostname kxp2-c"));
        assertTrue(script.contains("rm -f /boot/firmware/firstrun.sh"));
        assertTrue(script.contains("sed -i 's| systemd.run.*||g' /boot/firmware/cmdline.txt"));
    }

    @Test
    void mbrEntries() {
        byte[] mbr = new byte[512];
        mbr[510] = 0x55;
        mbr[511] = (byte) 0xaa;
        entry(mbr, 0, 0x0c, 8192, 1048576);
        entry(mbr, 1, 0x83, 1056768, 8000000);
        PartitionTable t = PartitionTable.parse(mbr);
        assertEquals(new PartitionTable.Entry(1, 0x0c, 8192L * 512, 1048576L * 512), t.boot());
        assertEquals(1056768L * 512, t.root().start());
        assertEquals(4L << 20, t.firstStart());
        entry(mbr, 0, 0xee, 1, 100);
        assertThrows(IllegalArgumentException.class, () -> PartitionTable.parse(mbr));
        assertThrows(IllegalArgumentException.class, () -> PartitionTable.parse(new byte[512]));
    }

    private static void entry(byte[] mbr, int i, int type, long lba, long sectors) {
        int at = 446 + 16 * i;
        mbr[at + 4] = (byte) type;
        for (int k = 0; k < 4; k++) {
            mbr[at + 8 + k] = (byte) (lba >>> (8 * k));
            mbr[at + 12 + k] = (byte) (sectors >>> (8 * k));
        }
    }
}
