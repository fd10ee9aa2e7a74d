package io.rpideploy.hostnames.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.platform.control.DomainException;
import java.util.List;
import org.junit.jupiter.api.Test;

class KartNumberCsvTest {

    /** A venue's kart sheet: the kart number beside a transponder number and a weight, both numbers too. */
    private static final String SHEET = "Kart;Transponder;Weight\n17;4711023;155\n18;4711024;160\n3;4711025;158\n";

    @Test
    void everyCellIsReadWhenNoColumnIsGivenSoTheOtherNumbersCountToo() {
        KartNumberParser.Parsed all = KartNumberCsv.parse(SHEET);
        // the weights are kart numbers as far as the cells go: this is why the manager picks a column
        assertTrue(all.identifiers().containsAll(List.of("017", "155", "160")), all.toString());
        assertEquals(3, all.invalid().size(), "the transponder numbers are above 999: " + all.invalid());
    }

    @Test
    void oneColumnIsReadFromOneCountedAndTheHeaderIsSkipped() {
        KartNumberParser.Parsed karts = KartNumberCsv.parse(SHEET, 1, null);
        assertEquals(List.of("017", "018", "003"), karts.identifiers());
        assertTrue(karts.invalid().isEmpty(), karts.invalid().toString());
        assertEquals(List.of("155", "160", "158"), KartNumberCsv.parse(SHEET, 3, true).identifiers());
    }

    @Test
    void aHeaderSaidToBeNoneIsReadAsANumberAndRefusedAsOne() {
        KartNumberParser.Parsed parsed = KartNumberCsv.parse(SHEET, 1, false);
        assertEquals(1, parsed.invalid().size());
        assertEquals("Kart", parsed.invalid().get(0).item());
        // and a first row with numbers said to be a header is skipped
        assertEquals(List.of("018", "003"), KartNumberCsv.parse("17,a\n18,b\n3,c\n", 1, true).identifiers());
    }

    @Test
    void aColumnTheFileDoesNotHaveIsRefusedNamingTheField() {
        for (int column : new int[] {0, 4, -1}) {
            DomainException e = assertThrows(DomainException.class, () -> KartNumberCsv.parse(SHEET, column, null));
            assertEquals(DomainException.Kind.INVALID_INPUT, e.kind());
            assertEquals("column", e.field());
            assertTrue(e.getMessage().contains("has 3 columns"), e.getMessage());
        }
        DomainException empty = assertThrows(DomainException.class,
                () -> KartNumberCsv.parse("kart,notes\n1,\n2,\n", 2, null));
        assertEquals("column", empty.field());
        assertTrue(empty.getMessage().contains("no kart numbers in column 2"), empty.getMessage());
    }

    @Test
    void thePreviewShowsTheFirstRowsPaddedAndSuggestsTheKartColumn() {
        StringBuilder long_ = new StringBuilder("transponder,kart,weight\n");
        for (int i = 1; i <= 20; i++) {
            long_.append(4711000 + i).append(',').append(i).append(i == 2 ? "\n" : ",150\n");
        }
        KartNumberCsv.Preview preview = KartNumberCsv.preview(long_.toString());
        assertEquals(3, preview.columns());
        assertEquals(21, preview.totalRows());
        assertTrue(preview.header());
        assertEquals(2, preview.suggestedColumn());
        assertEquals(1 + KartNumberCsv.PREVIEW_ROWS, preview.rows().size(), "the header and five rows");
        assertEquals(List.of("4711002", "2", ""), preview.rows().get(2), "a short row is padded");
    }

    @Test
    void thePreviewOfAFileWithoutHeaderSaysSoAndTabsAreADelimiter() {
        KartNumberCsv.Preview preview = KartNumberCsv.preview("\uFEFF1\t9000\n2\t9001\n");
        assertFalse(preview.header());
        assertEquals(2, preview.columns());
        assertEquals(1, preview.suggestedColumn());
        assertEquals(List.of("1", "9000"), preview.rows().get(0), "the byte-order mark is not part of a cell");
    }

    @Test
    void anEmptyFileIsRefused() {
        DomainException e = assertThrows(DomainException.class, () -> KartNumberCsv.preview("  \n"));
        assertEquals("numbers", e.field());
    }
}
