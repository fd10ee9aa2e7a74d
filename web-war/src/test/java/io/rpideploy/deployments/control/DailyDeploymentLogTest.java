package io.rpideploy.deployments.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class DailyDeploymentLogTest {

    @Test
    void fileIsNamedAsThePlansStrftime() {
        assertEquals("deployment_20251125.log", DailyDeploymentLog.fileName(LocalDate.of(2025, 11, 25)));
    }

    @Test
    void lineIsTimestampIpHostnameSerialStatusAsPythonWritesIt() {
        LocalDateTime at = LocalDateTime.of(2025, 11, 25, 9, 5, 7, 123_456_000);
        assertEquals("2025-11-25T09:05:07.123456,192.168.151.105,KXP2-CORO-001,10000000abcd1234,downloading",
                DailyDeploymentLog.line(at, "192.168.151.105", "KXP2-CORO-001", "10000000abcd1234", "downloading"));
        // isoformat() leaves out a zero fraction
        assertEquals("2025-11-25T09:05:07,10.0.0.9,unknown,unknown,starting",
                DailyDeploymentLog.line(at.withNano(0), "10.0.0.9", null, " ", "starting"));
    }

    @Test
    void aCommaCannotShiftTheColumns() {
        String line = DailyDeploymentLog.line(LocalDateTime.of(2025, 1, 2, 3, 4, 5), "::1", "a,b", "x\ny", "failed");
        assertEquals(5, line.split(",").length, line);
    }
}
