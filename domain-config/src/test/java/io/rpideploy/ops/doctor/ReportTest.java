package io.rpideploy.ops.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final Finding OK = Finding.ok("clock", "fine");
    private static final Finding WARN = Finding.warn("image RXP2", "no active image", "upload one");
    private static final Finding FAIL = Finding.fail("database integrity", "malformed", "restore");

    @Test
    void exitCodeIsTheWorstVerdict() {
        assertEquals(0, new Report(List.of(OK), Instant.EPOCH).exitCode());
        assertEquals(1, new Report(List.of(OK, WARN), Instant.EPOCH).exitCode());
        assertEquals(2, new Report(List.of(FAIL, OK, WARN), Instant.EPOCH).exitCode());
    }

    @Test
    void tableAndJsonCarryEveryCheckAndItsHint() {
        Report report = new Report(List.of(OK, WARN, FAIL), Instant.parse("2026-12-06T10:00:00Z"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("database integrity  FAIL    malformed"), table);
        assertTrue(table.contains("-> restore"), table);
        assertTrue(table.contains("FAIL: 3 checks, 1 warnings, 1 failures"), table);

        JsonObject json = report.json();
        assertEquals("FAIL", json.getString("status"));
        assertEquals(2, json.getInt("exit_code"));
        assertEquals(3, json.getJsonArray("checks").size());
        assertEquals("upload one", json.getJsonArray("checks").getJsonObject(1).getString("hint"));
        assertEquals(false, json.getJsonArray("checks").getJsonObject(0).containsKey("hint"));
    }
}
