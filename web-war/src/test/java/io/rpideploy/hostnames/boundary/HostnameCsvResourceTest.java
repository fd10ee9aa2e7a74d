package io.rpideploy.hostnames.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HostnameCsvResourceTest {

    @Test
    void aLineHasTheHeadersColumnsAndNotesTypedAsAFormulaAreNeutralised() {
        SlotView slot = new SlotView("KXP2-CORO-017", "KXP2", "CORO", "017", "assigned", "10000000abcd0017",
                "2c:cf:67:00:00:17", Instant.parse("2026-12-06T10:00:00Z"), null, "10000000abcd0001",
                "=HYPERLINK(\"http://x\",\"new board, see\")", 4);
        String line = HostnameCsvResource.line(slot);
        assertEquals("KXP2-CORO-017,CORO,KXP2,017,assigned,10000000abcd0017,2c:cf:67:00:00:17,2026-12-06T10:00:00Z,,"
                + "10000000abcd0001,\"'=HYPERLINK(\"\"http://x\"\",\"\"new board, see\"\")\"\r\n", line);
        assertEquals(HostnameCsvResource.HEADER.split(",").length, 11);
    }
}
