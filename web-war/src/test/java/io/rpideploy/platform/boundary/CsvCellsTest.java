package io.rpideploy.platform.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CsvCellsTest {

    @Test
    void aCellASpreadsheetWouldRunAsAFormulaIsNeutralised() {
        assertEquals("'=cmd|' /C calc'!A0", CsvCells.cell("=cmd|' /C calc'!A0"));
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\")\"", CsvCells.cell("=HYPERLINK(\"http://x\")"));
        assertEquals("'+1", CsvCells.cell("+1"));
        assertEquals("'-2+3", CsvCells.cell("-2+3"));
        assertEquals("'@SUM(A1)", CsvCells.cell("@SUM(A1)"));
        assertEquals("\"'=1,2\"", CsvCells.cell("=1,2"));
        assertEquals("a=b", CsvCells.cell("a=b"), "only the first character makes a formula");
    }

    @Test
    void quotingFollowsRfc4180() {
        assertEquals("", CsvCells.cell(null));
        assertEquals("", CsvCells.cell(""));
        assertEquals("plain", CsvCells.cell("plain"));
        assertEquals("\"a,b\"", CsvCells.cell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", CsvCells.cell("say \"hi\""));
        assertEquals("\"two\nlines\"", CsvCells.cell("two\nlines"));
        assertEquals("\"cr\rhere\"", CsvCells.cell("cr\rhere"));
    }

    @Test
    void instantsAreIsoOrEmpty() {
        assertEquals("", CsvCells.instant(null));
        assertEquals("2026-12-06T07:00:00Z", CsvCells.instant(Instant.parse("2026-12-06T07:00:00Z")));
    }
}
