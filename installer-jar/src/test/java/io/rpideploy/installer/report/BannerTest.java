package io.rpideploy.installer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BannerTest {

    @Test
    void fiveRowsOfBlockLetters() {
        String[] rows = Banner.render("kxp2-01").split("\n");
        assertEquals(5, rows.length);
        assertTrue(rows[0].startsWith("#   #  #   #  #### "), rows[0]);
        assertTrue(rows[2].contains("#####"), "the dash");
    }

    @Test
    void progressLineHasPercentRateAndEta() {
        String line = ProgressConsole.line("download", 512L << 20, 1024L << 20, 50e6);
        assertTrue(line.contains(" 50%"), line);
        assertTrue(line.contains("512 MiB"), line);
        assertTrue(line.contains("50.0 MB/s"), line);
        assertTrue(line.contains("ETA 0:10"), line);
    }

    @Test
    void everyExitCodeIsDistinct() {
        assertEquals(ExitCode.values().length, java.util.Arrays.stream(ExitCode.values()).mapToInt(ExitCode::code)
                .distinct().count());
        assertEquals(7, ExitCode.CHECKSUM_MISMATCH.code());
    }
}
