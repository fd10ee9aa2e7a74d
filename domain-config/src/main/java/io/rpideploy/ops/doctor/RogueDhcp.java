package io.rpideploy.ops.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * "other DHCP server": the server probes the deployment network for other DHCP servers (every
 * RPIDEPLOY_NETBOOT_ROGUE_CHECK_INTERVAL) and stores each answer as a {@code ROGUE} netboot event; one in the last
 * day means boards may take their address, and their boot, from someone else.
 */
public final class RogueDhcp {

    static final Duration RECENT = Duration.ofHours(24);

    private RogueDhcp() {
    }

    public static Finding check(Path database, boolean netbootOn, boolean probing, Instant now) {
        String check = "other DHCP server";
        if (!netbootOn) {
            return Finding.ok(check, "not probed: netboot is off");
        }
        if (!Files.isRegularFile(database)) {
            return Finding.notChecked(check, "no database");
        }
        try (Connection connection = DatabaseChecks.open(database);
             Statement statement = connection.createStatement();
             ResultSet last = statement.executeQuery("SELECT at, ip_address, mac_address FROM netboot_event "
                     + "WHERE protocol = 'dhcp' AND kind = 'ROGUE' ORDER BY at DESC LIMIT 1")) {
            if (last.next()) {
                Instant at = Instant.parse(last.getString(1));
                String who = last.getString(2) + (last.getString(3) != null ? " (" + last.getString(3) + ")" : "");
                if (at.isAfter(now.minus(RECENT))) {
                    return Finding.fail(check, who + " answered on the deployment network at " + at,
                            "find and stop it (its MAC's vendor, the switch's port): boards may boot from it; the "
                                    + "console's Network page shows every sighting");
                }
                if (probing) {
                    return Finding.ok(check, "none in the last 24 h (the last: " + who + " at " + at + ")");
                }
            }
        } catch (SQLException | DateTimeParseException e) {
            return Finding.notChecked(check, "cannot read the netboot events: " + e.getMessage());
        }
        if (!probing) {
            return Finding.warn(check, "not probed: RPIDEPLOY_NETBOOT_ROGUE_CHECK_INTERVAL is 0",
                    "set it (default 5m) so the server looks for other DHCP servers");
        }
        return Finding.ok(check, "none seen");
    }

    /** The server's rule for RPIDEPLOY_NETBOOT_ROGUE_CHECK_INTERVAL: {@code 0} (in any unit) turns probing off. */
    static boolean probing(String interval) {
        return interval == null || !interval.strip().matches("(PT)?0+[a-zA-Z]*");
    }
}
