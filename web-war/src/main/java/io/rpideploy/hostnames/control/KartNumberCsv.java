package io.rpideploy.hostnames.control;

import io.rpideploy.platform.control.DomainException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads kart numbers from a CSV file as spreadsheets export it: any delimiter-separated cells, one or many per
 * line, an optional header row, blank cells ignored. A file with more columns than kart numbers (transponder,
 * weight) is read from one column only: its other numbers are not kart numbers, and would be imported as such.
 */
public final class KartNumberCsv {

    private static final Pattern HAS_DIGIT = Pattern.compile(".*\\d.*");
    /** Rows a preview shows: enough to recognise the columns. */
    public static final int PREVIEW_ROWS = 5;

    private KartNumberCsv() {
    }

    /** Every cell of every row, the header guessed (a first row without a single digit in it). */
    public static KartNumberParser.Parsed parse(String csv) {
        return parse(csv, null, null);
    }

    /**
     * @param column 1-based column to read, null for every cell of every row; a column no row has is refused (400)
     * @param header whether the first row is a header, null to guess (a first row without a single digit)
     */
    public static KartNumberParser.Parsed parse(String csv, Integer column, Boolean header) {
        List<List<String>> rows = rows(csv);
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        if (column != null && (column < 1 || column > columns)) {
            throw DomainException.invalid("column", "Column " + column + " does not exist: the CSV file has "
                    + columns + (columns == 1 ? " column" : " columns") + " (count from 1)");
        }
        boolean skipFirst = header != null ? header : looksLikeHeader(rows.get(0));
        List<String> cells = new ArrayList<>();
        for (List<String> row : rows.subList(skipFirst ? 1 : 0, rows.size())) {
            if (column == null) {
                row.stream().filter(cell -> !cell.isBlank()).forEach(cells::add);
            } else if (row.size() >= column && !row.get(column - 1).isBlank()) {
                cells.add(row.get(column - 1));
            }
        }
        if (cells.isEmpty()) {
            throw DomainException.invalid(column == null ? "numbers" : "column", "The CSV file holds no kart numbers"
                    + (column == null ? "" : " in column " + column));
        }
        return KartNumberParser.parse(cells);
    }

    /**
     * The first rows of the file as cells, for the manager to see which column holds the kart numbers: how many
     * columns, whether the first row looks like a header, and the column that looks most like kart numbers.
     */
    public static Preview preview(String csv) {
        List<List<String>> rows = rows(csv);
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        boolean header = looksLikeHeader(rows.get(0));
        List<List<String>> data = rows.subList(header ? 1 : 0, rows.size());
        int best = 1;
        long bestScore = -1;
        for (int c = 1; c <= columns; c++) {
            int index = c - 1;
            long score = data.stream().filter(row -> row.size() > index && !row.get(index).isBlank())
                    .filter(row -> {
                        KartNumberParser.Parsed one = KartNumberParser.parse(List.of(row.get(index)));
                        return one.invalid().isEmpty() && !one.identifiers().isEmpty();
                    }).count();
            if (score > bestScore) {
                best = c;
                bestScore = score;
            }
        }
        List<List<String>> shown = rows.subList(0, Math.min(PREVIEW_ROWS + (header ? 1 : 0), rows.size())).stream()
                .map(row -> pad(row, columns)).toList();
        return new Preview(shown, columns, rows.size(), header, best);
    }

    /** The first rows (header included), each padded to {@code columns} cells. */
    public record Preview(List<List<String>> rows, int columns, int totalRows, boolean header, int suggestedColumn) {
    }

    private static List<String> pad(List<String> row, int columns) {
        List<String> padded = new ArrayList<>(row);
        while (padded.size() < columns) {
            padded.add("");
        }
        return List.copyOf(padded);
    }

    private static boolean looksLikeHeader(List<String> row) {
        return row.stream().noneMatch(cell -> HAS_DIGIT.matcher(cell).matches());
    }

    private static List<List<String>> rows(String csv) {
        if (csv == null || csv.isBlank()) {
            throw DomainException.invalid("numbers", "The CSV file is empty");
        }
        String text = csv.startsWith("\uFEFF") ? csv.substring(1) : csv; // spreadsheets write a byte-order mark
        char delimiter = text.indexOf(';') >= 0 && text.indexOf(',') < 0 ? ';'
                : text.indexOf('\t') >= 0 && text.indexOf(',') < 0 ? '\t' : ',';
        List<List<String>> rows = new ArrayList<>();
        try (CSVParser parser = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setTrim(true)
                .setIgnoreEmptyLines(true).get().parse(new StringReader(text))) {
            for (CSVRecord record : parser) {
                rows.add(record.stream().toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException badCsv) {
            throw DomainException.invalid("numbers", "The CSV file cannot be read: " + badCsv.getMessage());
        }
        if (rows.isEmpty()) {
            throw DomainException.invalid("numbers", "The CSV file holds no kart numbers");
        }
        return rows;
    }
}
