package io.rpideploy.reports.boundary;

import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.FontFactory;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;
import io.rpideploy.reports.control.DeploymentReports.Boards;
import io.rpideploy.reports.control.DeploymentReports.Summary;
import io.rpideploy.reports.control.ReportFigures.Figures;
import io.rpideploy.reports.control.ReportFigures.ReasonCount;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A report as a printable PDF (A4 landscape): the summary on the first page, then one page per table (days, venues,
 * products, failure reasons), each under a title that names the filter, so a page torn off still says what it is.
 */
final class ReportPdf {

    private static final Font TITLE = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 15);
    private static final Font SUBTITLE = FontFactory.getFont(FontFactory.HELVETICA, 10, new Color(0x52, 0x60, 0x6d));
    private static final Font HEADING = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 12);
    private static final Font HEAD = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 9);
    private static final Font BODY = FontFactory.getFont(FontFactory.HELVETICA, 9);
    private static final Color HEAD_BACKGROUND = new Color(0xe4, 0xe7, 0xeb);
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final String[] FIGURE_COLUMNS = {"Deployments", "Successes", "Failures", "Interrupted",
        "In progress", "Success %", "Median duration", "p95 duration", "Median MB/s", "Top failure reason"};
    private static final float[] FIGURE_WIDTHS = {10, 10, 8, 8, 9, 8, 8, 9, 9, 8, 23};

    private ReportPdf() {
    }

    static String title(Summary s) {
        return "Deployment report " + s.from() + " to " + s.to() + " · venue "
                + (s.venueCode() == null ? "all" : s.venueCode()) + " · product "
                + (s.productType() == null ? "all" : s.productType());
    }

    static byte[] render(Summary s, Instant generatedAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Document doc = new Document(PageSize.A4.rotate(), 36, 36, 30, 30);
        try {
            PdfWriter.getInstance(doc, out);
            doc.addTitle(title(s));
            doc.addCreator("rpi-deploy");
            doc.open();
            String generated = "Generated " + MINUTES.format(generatedAt.atZone(ZoneId.of(s.timeZone())))
                    + " (" + s.timeZone() + "). Days are the server's local days; durations and MB/s are of"
                    + " successful deployments.";

            page(doc, s, "Summary", generated);
            doc.add(boards(s.boards()));
            doc.add(new Paragraph(" "));
            doc.add(figures("Range", List.of(s.total())));

            doc.newPage();
            page(doc, s, "Per day", null);
            doc.add(figures("Day", s.days()));

            doc.newPage();
            page(doc, s, "Per venue", null);
            doc.add(figures("Venue", s.venues()));

            doc.newPage();
            page(doc, s, "Per product", null);
            doc.add(figures("Product", s.products()));

            doc.newPage();
            page(doc, s, "Failures by reason", "Runs reported failed by the board, and runs the server ended"
                    + " (interrupted).");
            doc.add(reasons(s.total().failureReasons()));
        } catch (DocumentException e) {
            throw new IllegalStateException("the report's PDF could not be laid out", e);
        } finally {
            doc.close();
        }
        return out.toByteArray();
    }

    private static void page(Document doc, Summary s, String heading, String note) {
        doc.add(new Paragraph(title(s), TITLE));
        if (note != null) {
            doc.add(new Paragraph(note, SUBTITLE));
        }
        Paragraph h = new Paragraph(heading, HEADING);
        h.setSpacingBefore(10);
        h.setSpacingAfter(6);
        doc.add(h);
    }

    private static PdfPTable boards(Boards b) {
        PdfPTable table = new PdfPTable(5);
        table.setWidthPercentage(70);
        table.setHorizontalAlignment(Element.ALIGN_LEFT);
        for (String head : new String[] {"Unique boards", "Successful", "Failed", "In progress", "Interrupted"}) {
            table.addCell(head(head));
        }
        for (long n : new long[] {b.uniqueBoards(), b.successful(), b.failed(), b.inProgress(), b.interrupted()}) {
            table.addCell(number(String.valueOf(n)));
        }
        return table;
    }

    private static PdfPTable figures(String keyHead, List<Figures> rows) {
        PdfPTable table = new PdfPTable(FIGURE_WIDTHS);
        table.setWidthPercentage(100);
        table.setHeaderRows(1);
        table.addCell(head(keyHead));
        for (String head : FIGURE_COLUMNS) {
            table.addCell(head(head));
        }
        if (rows.isEmpty()) {
            PdfPCell none = text("No deployments in these days.");
            none.setColspan(FIGURE_WIDTHS.length);
            table.addCell(none);
        }
        for (Figures f : rows) {
            table.addCell(text(f.key()));
            table.addCell(number(String.valueOf(f.deployments())));
            table.addCell(number(String.valueOf(f.successes())));
            table.addCell(number(String.valueOf(f.failures())));
            table.addCell(number(String.valueOf(f.interrupted())));
            table.addCell(number(String.valueOf(f.inProgress())));
            table.addCell(number(ReportFormat.percent(f.successPercent())));
            table.addCell(number(ReportFormat.duration(f.medianDurationSeconds())));
            table.addCell(number(ReportFormat.duration(f.p95DurationSeconds())));
            table.addCell(number(ReportFormat.rate(f.medianMbPerSecond())));
            table.addCell(text(f.failureReasons().isEmpty() ? ""
                    : f.failureReasons().get(0).reason() + " ×" + f.failureReasons().get(0).count()));
        }
        return table;
    }

    private static PdfPTable reasons(List<ReasonCount> reasons) {
        PdfPTable table = new PdfPTable(new float[] {80, 20});
        table.setWidthPercentage(70);
        table.setHorizontalAlignment(Element.ALIGN_LEFT);
        table.setHeaderRows(1);
        table.addCell(head("Reason"));
        table.addCell(head("Runs"));
        if (reasons.isEmpty()) {
            PdfPCell none = text("No failures in these days.");
            none.setColspan(2);
            table.addCell(none);
        }
        for (ReasonCount r : reasons) {
            table.addCell(text(r.reason()));
            table.addCell(number(String.valueOf(r.count())));
        }
        return table;
    }

    private static PdfPCell head(String text) {
        PdfPCell cell = new PdfPCell(new Phrase(text, HEAD));
        cell.setBackgroundColor(HEAD_BACKGROUND);
        cell.setPadding(4);
        return cell;
    }

    private static PdfPCell text(String text) {
        PdfPCell cell = new PdfPCell(new Phrase(text == null ? "" : text, BODY));
        cell.setPadding(4);
        return cell;
    }

    private static PdfPCell number(String text) {
        PdfPCell cell = text(text);
        cell.setHorizontalAlignment(Element.ALIGN_RIGHT);
        return cell;
    }
}
