package io.rpideploy.ops.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RogueDhcpTest {

    @TempDir
    Path dir;

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    private static void sighting(Path db, String at) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO netboot_event (at, protocol, kind, mac_address, ip_address) VALUES ('" + at
                    + "', 'dhcp', 'ROGUE', 'aa:bb:cc:dd:ee:ff', '192.168.151.254')");
            s.execute("INSERT INTO netboot_event (at, protocol, kind) VALUES ('2026-12-06T09:59:00.000Z', 'dhcp', "
                    + "'ACK')");
        }
    }

    @Test
    void aSightingInTheLastDayFails() throws Exception {
        Path db = DatabaseChecksTest.database(dir, "6");
        assertEquals(Status.OK, RogueDhcp.check(db, true, true, NOW).status(), "none seen");
        assertEquals(Status.WARN, RogueDhcp.check(db, true, false, NOW).status(), "not probing");
        assertEquals(Status.OK, RogueDhcp.check(db, false, true, NOW).status(), "netboot off");
        sighting(db, "2026-12-04T08:00:00.000Z");
        assertEquals(Status.OK, RogueDhcp.check(db, true, true, NOW).status(), "two days ago");
        sighting(db, "2026-12-06T09:55:00.000Z");
        Finding recent = RogueDhcp.check(db, true, true, NOW);
        assertEquals(Status.FAIL, recent.status());
        assertTrue(recent.message().contains("192.168.151.254 (aa:bb:cc:dd:ee:ff)"), recent.message());
    }

    @Test
    void zeroIntervalMeansNoProbing() {
        assertFalse(RogueDhcp.probing("0"));
        assertFalse(RogueDhcp.probing("0s"));
        assertFalse(RogueDhcp.probing("PT0S"));
        assertTrue(RogueDhcp.probing("5m"));
        assertTrue(RogueDhcp.probing("10"));
    }
}
