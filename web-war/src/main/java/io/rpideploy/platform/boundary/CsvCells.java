package io.rpideploy.platform.boundary;

import java.time.Instant;

/** Cells of the console's CSV exports (the audit log's and the deployment history's), for every feature. */
public final class CsvCells {

    private CsvCells() {
    }

    /**
     * RFC 4180 quoting; a cell a spreadsheet would run as a formula (=, +, -, @) gets a leading apostrophe, since
     * the text comes from boards (error messages) and from attackers (names tried at the login).
     */
    public static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    public static String instant(Instant instant) {
        return instant == null ? "" : instant.toString();
    }
}
