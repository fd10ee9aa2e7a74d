package io.rpideploy.reports.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;
import io.rpideploy.reports.control.DeploymentReports.Boards;
import io.rpideploy.reports.control.DeploymentReports.Summary;
import io.rpideploy.reports.control.ReportFigures;
import io.rpideploy.reports.control.ReportFigures.Grouped;
import io.rpideploy.reports.control.ReportFigures.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportExportsTest {

    private static final Instant START = Instant.parse("2026-12-01T09:00:00Z");

    private static Summary summary() {
        List<Run> runs = List.of(
                new Run(1, START, START.plusSeconds(330), "success", "CORO", "KXP2", 21L * 1048576, null, null),
                new Run(2, START, START.plusSeconds(40), "failed", "CORO", "KXP2", null, null,
                        "=HYPERLINK(\"http://evil\") card, gone"));
        Grouped g = ReportFigures.group(runs, ZoneId.of("UTC"), LocalDate.of(2026, 11, 30),
                LocalDate.of(2026, 12, 1));
        return new Summary(LocalDate.of(2026, 11, 30), LocalDate.of(2026, 12, 1), "CORO", "KXP2", "UTC",
                new Boards(2, 1, 1, 0, 0), g.total(), g.days(), g.venues(), g.products());
    }

    @Test
    void theCsvHasAHeaderALinePerGroupAndNeutralisedCells() {
        List<String> lines = ReportCsv.lines(summary());
        assertEquals(ReportCsv.HEADER, lines.get(0));
        assertEquals("total,all,2,1,1,0,0,50.0,330.0,330.0,21.0,\"'=HYPERLINK(\"\"… card, gone ×1\"", lines.get(1));
        assertEquals("day,2026-11-30,0,0,0,0,0,,,,,", lines.get(2), "an empty day: counts, no figures");
        assertTrue(lines.get(3).startsWith("day,2026-12-01,2,1,1,"), lines.get(3));
        assertTrue(lines.get(4).startsWith("venue,CORO,2,"), lines.get(4));
        assertTrue(lines.get(5).startsWith("product,KXP2,2,"), lines.get(5));
        assertEquals("boards,latest run per board,2,1,1,0,0,,,,,", lines.get(6));
        assertEquals(7, lines.size());
        for (String line : lines) {
            assertEquals(12, columns(line), line);
        }
    }

    @Test
    void thePdfNamesItsFilterOnEveryPageAndHasOnePagePerTable() throws IOException {
        byte[] pdf = ReportPdf.render(summary(), START);
        assertEquals("%PDF-", new String(pdf, 0, 5, StandardCharsets.US_ASCII));
        PdfReader reader = new PdfReader(pdf);
        try {
            assertEquals(5, reader.getNumberOfPages(), "summary, days, venues, products, reasons");
            PdfTextExtractor text = new PdfTextExtractor(reader);
            for (int page = 1; page <= 5; page++) {
                String content = text.getTextFromPage(page);
                assertTrue(content.contains("venue CORO") && content.contains("2026-11-30 to 2026-12-01"),
                        "page " + page + ": " + content);
            }
            assertTrue(text.getTextFromPage(1).contains("50.0 %"), text.getTextFromPage(1));
            assertTrue(text.getTextFromPage(2).contains("5 min 30 s"), text.getTextFromPage(2));
            assertTrue(text.getTextFromPage(5).contains("=HYPERLINK"), text.getTextFromPage(5));
        } finally {
            reader.close();
        }
    }

    @Test
    void theFileIsNamedAfterItsFilter() {
        assertEquals("deployments-CORO-KXP2-2026-11-30-to-2026-12-01.pdf", ReportResource.fileName(summary(), "pdf"));
    }

    /** Columns of a CSV line, quotes respected. */
    private static int columns(String line) {
        int n = 1;
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                n++;
            }
        }
        return n;
    }
}
