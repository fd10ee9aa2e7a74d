package io.rpideploy.hostnames.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KartNumberParserTest {

    @Test
    void readsThePlansExampleRanges() {
        KartNumberParser.Parsed parsed = KartNumberParser.parse(List.of("1-50, 55, 60-70"));
        assertEquals(62, parsed.identifiers().size());
        assertEquals("001", parsed.identifiers().get(0));
        assertEquals("050", parsed.identifiers().get(49));
        assertEquals("055", parsed.identifiers().get(50));
        assertEquals("070", parsed.identifiers().get(61));
        assertEquals(0, parsed.duplicates());
        assertEquals(List.of(), parsed.invalid());
    }

    @Test
    void reportsEveryBadItemWithItsReasonAndKeepsTheGoodOnes() {
        KartNumberParser.Parsed parsed = KartNumberParser.parse(List.of("3, x7, 0, 1000, 9-4, 5-1200, 12"));
        assertEquals(List.of("003", "012"), parsed.identifiers());
        assertEquals(List.of("x7", "0", "1000", "9-4", "5-1200"),
                parsed.invalid().stream().map(KartNumberParser.Invalid::item).toList());
        assertEquals("range goes backwards (9 > 4)", parsed.invalid().get(3).message());
    }

    @Test
    void countsDuplicatesOnceEach() {
        KartNumberParser.Parsed parsed = KartNumberParser.parse(List.of("1-3", "2", "3, 3", "007", "7"));
        assertEquals(List.of("001", "002", "003", "007"), parsed.identifiers());
        assertEquals(4, parsed.duplicates());
    }

    @Test
    void acceptsSpacesAroundRangeDashesAndOtherSeparators() {
        KartNumberParser.Parsed parsed = KartNumberParser.parse(List.of("10 - 12; 20\n21\t22"));
        assertEquals(List.of("010", "011", "012", "020", "021", "022"), parsed.identifiers());
    }

    @Test
    void theWholeRangeOfNumbersFitsOnePool() {
        KartNumberParser.Parsed parsed = KartNumberParser.parse(List.of("1-999"));
        assertEquals(IntStream.rangeClosed(1, 999).mapToObj(n -> String.format("%03d", n)).toList(),
                parsed.identifiers());
    }

    @Test
    void hugeNumbersAreInvalidNotOverflowing() {
        KartNumberParser.Parsed parsed = KartNumberParser.parse(List.of("99999999999999, 1-99999999999"));
        assertEquals(List.of(), parsed.identifiers());
        assertEquals(2, parsed.invalid().size());
    }
}
