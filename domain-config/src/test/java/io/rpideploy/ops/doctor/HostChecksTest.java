package io.rpideploy.ops.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostChecksTest {

    private static final long GIB = 1L << 30;

    @Test
    void freeDiskBelowOneGibFailsBelowTheLimitWarns() {
        Path data = Path.of("/var/lib/rpi-deploy");
        assertEquals(Status.FAIL, HostChecks.disk("c", data, GIB - 1, 100 * GIB, 8 * GIB).status());
        assertEquals(Status.WARN, HostChecks.disk("c", data, 3 * GIB, 100 * GIB, 8 * GIB).status());
        assertEquals(Status.OK, HostChecks.disk("c", data, 9 * GIB, 100 * GIB, 8 * GIB).status());
    }

    @Test
    void freeDiskOfARealFolder() {
        assertEquals(Status.OK, HostChecks.disk("tmp", Path.of(System.getProperty("java.io.tmpdir")), 0).status());
    }

    @Test
    void clockBeforeTheFloorOrBehindTheDataFails() {
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        assertEquals(Status.OK, HostChecks.clock(now, Optional.of(now.minusSeconds(60)), Optional.of(true)).status());
        assertEquals(Status.OK, HostChecks.clock(now, Optional.empty(), Optional.empty()).status());
        assertEquals(Status.FAIL, HostChecks.clock(Instant.parse("1970-01-01T00:01:00Z"), Optional.empty(),
                Optional.empty()).status(), "a board without RTC or NTP");
        assertEquals(Status.FAIL, HostChecks.clock(now, Optional.of(now.plusSeconds(3600)), Optional.empty())
                .status(), "the clock went backwards");
        assertEquals(Status.WARN, HostChecks.clock(now, Optional.empty(), Optional.of(false)).status());
    }
}
